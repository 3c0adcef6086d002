package dev.opsbook.store;

import dev.opsbook.audit.AuditFact;
import dev.opsbook.audit.AuditSeal;
import dev.opsbook.engine.RunEvent;
import dev.opsbook.engine.RunState;
import dev.opsbook.engine.RunStatus;
import dev.opsbook.engine.RunTransitions;
import dev.opsbook.engine.StepStatus;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Appends a run's next events on one transaction ({@link JdbcRunLog}): the row is read once, each event inserted
 * (answers and resolutions noted for the resumer), the audit entries chained with one read and one move of the seal,
 * and the row updated once to where the last event leads. A step's end and the next step's start thus cost one commit,
 * not one each.
 *
 * <p>The rows derived from events (search words, the dashboards' step facts: {@link EventWritten}) are written for
 * every event since the row's {@code derived_seq} when the run stops (it waits, needs attention or ends), when
 * {@value #DERIVE_AFTER_EVENTS} events are pending, or once the run has been quiet for a second ({@link #derivePending},
 * called by {@link QuietRuns}); {@code derived_seq} moves on in the same transaction. //why: they were half a step's
 * store cost, paid again at every step (a run's words checked again, the facts' pages rewritten at each commit); a
 * search or a dashboard reads a stopped run whole, and a running one as it was when it last went quiet. A process killed
 * in between leaves {@code derived_seq} behind, and whoever appends next writes the rest from the stored events.
 */
final class EventAppends {

    /** One event to append, with where its audit entry comes from. */
    record Next(long seq, RunEvent event, JdbcAuditChain.Source audit) {
    }

    /**
     * A run's row and trail as this process left them at its last append: its status, last seq and audit seal. Valid
     * while nobody else wrote to the run, which the append checks as it goes (its row's update is conditional on the
     * last seq and the lease, the seal's move on the seal), so a stale one fails the transaction and writes nothing.
     */
    record Known(RunStatus status, long lastSeq, Optional<AuditSeal> seal, Derived derived, Instant startedAt) {

        /** A run just created by this process: its start is its one event, derived with it, its trail sealed at {@code seal}. */
        static Known created(RunStatus status, Optional<AuditSeal> seal, Instant startedAt) {
            return new Known(status, 1, seal, new Derived(1, List.of()), startedAt);
        }
    }

    /**
     * Where the run's derived rows stand: written up to {@code seq}; {@code pending}, the events after it this process
     * appended since (all of them, or it is short and the rest is read from the store).
     */
    record Derived(long seq, List<RunEvent> pending) {

        /** Whether the events after {@code seq} up to {@code lastSeq} are all in {@code pending}. */
        boolean whole(long lastSeq) {
            return seq + pending.size() == lastSeq;
        }
    }

    /** Events a running run may hold pending before they are written anyway (the memory kept per run). */
    static final int DERIVE_AFTER_EVENTS = 256;

    /**
     * What an append stored: the status after each event, the run as it now is while it runs on (else empty), and
     * whether derived rows are left pending.
     */
    record Appended(List<RunStatus> statuses, Optional<Known> known, boolean pending) {
    }

    private final JdbcRunSearch search;
    private final EventWritten derived;
    private final EventWritten noted = JdbcRunAnswers.noting(EventWritten.NOTHING);

    /** {@code search} takes the words of the events derived at once; {@code derived} hears each of them (the step facts). */
    EventAppends(JdbcRunSearch search, EventWritten derived) {
        this.search = search;
        this.derived = derived;
    }

    /**
     * Appends {@code events} (consecutive seqs, the first right after the row's {@code last_seq}) on {@code connection}'s
     * transaction. The row's update matches only while {@code last_seq} and the lease are still the ones read: it locks
     * the row, so of two writers of one run one appends and the other's update matches nothing. With a {@code holder},
     * an instance that lost its lease writes nothing more (fencing).
     *
     * @param known the run as this process left it at its last append, used instead of reading the row and the seal
     *        again when it is the one the events follow
     */
    Appended append(Connection connection, String runId, List<Next> events, Optional<String> holder, Optional<Lease> lease,
                    Optional<Known> known) throws SQLException {
        long first = events.get(0).seq();
        Optional<Known> kept = known.filter(k -> k.lastSeq() == first - 1);
        // //why: a kept head saves a read per step; the update below checks what it says (last_seq, the lease) anyway
        Head head = kept.isPresent() ? new Head(kept.get().status(), kept.get().lastSeq(), holder.orElse(null),
                kept.get().derived().seq(), kept.get().startedAt()) : head(connection, runId);
        refuseUnlessNext(head, runId, first, holder);
        Map<String, Bind> sets = new LinkedHashMap<>();
        RunStatus status = head.status();
        List<RunStatus> statuses = new ArrayList<>();
        long stoppedAtSeq = 0; // the run's stop, while no later event moves it on
        int stops = 0;
        for (int i = 0; i < events.size(); i++) {
            Next next = events.get(i);
            if (next.seq() != first + i) {
                throw new IllegalArgumentException("run " + runId + ": events to append must follow each other, not " + next.seq());
            }
            if (next.event() instanceof RunEvent.RunStarted) {
                throw new IllegalArgumentException("run " + runId + ": a run starts once, with create()");
            }
            RunStatus after = RunTransitions.statusAfter(status, next.event());
            RunTransitions.Change change = RunTransitions.Change.of(next.event());
            sets(sets, next.seq(), next.event(), change, status, after, lease);
            if (next.event() instanceof RunEvent.RunFinished) {
                stops++; // //why: a stop changes what the dashboards count (JdbcStepFacts), counted here in the row's one update
                if (JdbcStepFacts.resolves(next.event())) {
                    long resolution = next.event().at().toEpochMilli() - head.startedAt().toEpochMilli();
                    sets.put("resolution_ms", (s, at) -> s.setLong(at, resolution));
                }
            }
            if (change == RunTransitions.Change.FINISH && (after == RunStatus.WAITING || after == RunStatus.NEEDS_ATTENTION)) {
                stoppedAtSeq = next.seq();
            } else if (change == RunTransitions.Change.FINISH || change == RunTransitions.Change.RESUME
                    || change == RunTransitions.Change.RESTART || change == RunTransitions.Change.PROGRESS) {
                stoppedAtSeq = 0; // it cleared waiting_for
            }
            status = after;
            statuses.add(after);
        }
        long last = first + events.size() - 1;
        Derived before = kept.map(Known::derived).orElse(new Derived(head.derivedSeq(), List.of()));
        List<RunEvent> pending = new ArrayList<>(before.pending());
        events.forEach(next -> pending.add(next.event()));
        boolean derive = status != RunStatus.RUNNING || pending.size() >= DERIVE_AFTER_EVENTS;
        sets.put("derived_seq", (s, i) -> s.setLong(i, derive ? last : before.seq())); // //why: also replaces a NULL (all derived)
        if (update(connection, runId, first, before.seq(), sets, stops, holder) == 0) {
            refuseUnlessNext(head(connection, runId), runId, first, holder);
            throw new IllegalStateException("run " + runId + " changed while event " + first + " was appended");
        }
        List<AuditFact> facts = new ArrayList<>();
        insertRows(connection, runId, events);
        for (Next next : events) {
            noted.written(connection, runId, next.seq(), next.event());
            next.audit().fact(connection).ifPresent(facts::add);
        }
        Derived now = new Derived(before.seq(), pending);
        if (derive) {
            derive(connection, runId, before.whole(first - 1) ? pending : events(connection, runId, before.seq()), before.seq());
            now = new Derived(last, List.of());
        }
        Optional<AuditSeal> seal = kept.flatMap(Known::seal);
        boolean sealKnown = kept.isPresent(); // kept, or read below
        if (!facts.isEmpty()) {
            seal = JdbcAuditChain.appendAll(connection, runId, facts, sealKnown ? seal : JdbcAuditChain.seal(connection, runId));
            sealKnown = true;
        }
        if (stoppedAtSeq > 0) {
            StepStatus stoppedAt = status == RunStatus.WAITING ? StepStatus.WAITING : StepStatus.NEEDS_ATTENTION;
            try (PreparedStatement update = connection.prepareStatement("UPDATE runs SET waiting_for = ? WHERE id = ?")) {
                update.setString(1, stoppedAt(events(connection, runId).subList(0, (int) stoppedAtSeq), stoppedAt));
                update.setString(2, runId);
                update.executeUpdate();
            }
        }
        // //why: only a running run's next append comes soon, from the process that runs it; a stopped one's is read afresh
        return new Appended(statuses, status == RunStatus.RUNNING && sealKnown
                ? Optional.of(new Known(status, last, seal, now, head.startedAt())) : Optional.empty(), !derive);
    }

    /**
     * Writes a running run's pending derived rows ({@link QuietRuns}: it went quiet), on {@code connection}'s transaction,
     * holding the run's row; nothing when they are all written. Returns the run as it then is when {@code known} was it.
     */
    Optional<Known> derivePending(Connection connection, String runId, Optional<Known> known) throws SQLException {
        Head head = head(connection, runId);
        if (head.derivedSeq() >= head.lastSeq()) {
            return known.filter(k -> k.lastSeq() == head.lastSeq());
        }
        Optional<Known> same = known.filter(k -> k.lastSeq() == head.lastSeq() && k.derived().seq() == head.derivedSeq());
        derive(connection, runId, same.filter(k -> k.derived().whole(head.lastSeq())).map(k -> k.derived().pending())
                .orElse(events(connection, runId, head.derivedSeq())), head.derivedSeq());
        try (PreparedStatement update = connection.prepareStatement("UPDATE runs SET derived_seq = ? WHERE id = ?")) {
            update.setLong(1, head.lastSeq());
            update.setString(2, runId);
            update.executeUpdate();
        }
        return same.map(k -> new Known(k.status(), k.lastSeq(), k.seal(), new Derived(head.lastSeq(), List.of()), k.startedAt()));
    }

    /** The derived rows of {@code events}, the ones after seq {@code after}, in order. */
    private void derive(Connection connection, String runId, List<RunEvent> events, long after) throws SQLException {
        derived.writtenAll(connection, runId, after + 1, events);
        search.writtenAll(connection, runId, events);
    }

    /** Inserts a run's first event with its derived rows, on the caller's transaction (the run's {@code derived_seq} is 1). */
    void insertEvent(Connection connection, String runId, long seq, RunEvent event) throws SQLException {
        insertRow(connection, runId, seq, event);
        search.written(connection, runId, seq, event);
        noted.written(connection, runId, seq, event);
        derived.written(connection, runId, seq, event);
    }

    /** The events' rows in one batch: one round trip to the database for a step's end and the next step's start. */
    private static void insertRows(Connection connection, String runId, List<Next> events) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO run_events (run_id, seq, at, type, body) VALUES (?, ?, ?, ?, ?)")) {
            for (Next next : events) {
                insert.setString(1, runId);
                insert.setLong(2, next.seq());
                Jdbc.setInstant(insert, 3, next.event().at());
                insert.setString(4, RunEventJson.type(next.event()));
                insert.setString(5, RunEventJson.write(next.event()));
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    private static void insertRow(Connection connection, String runId, long seq, RunEvent event) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO run_events (run_id, seq, at, type, body) VALUES (?, ?, ?, ?, ?)")) {
            insert.setString(1, runId);
            insert.setLong(2, seq);
            Jdbc.setInstant(insert, 3, event.at());
            insert.setString(4, RunEventJson.type(event));
            insert.setString(5, RunEventJson.write(event));
            insert.executeUpdate();
        }
    }

    /** The row as an append reads it. */
    private record Head(RunStatus status, long lastSeq, String leaseOwner, long derivedSeq, Instant startedAt) {
    }

    private static Head head(Connection connection, String runId) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT status, last_seq, lease_owner, COALESCE(derived_seq, last_seq), started_at FROM runs WHERE id = ? FOR UPDATE")) {
            select.setString(1, runId);
            try (ResultSet row = select.executeQuery()) {
                if (!row.next()) {
                    throw new IllegalArgumentException("no run " + runId);
                }
                return new Head(RunStatus.valueOf(row.getString(1)), row.getLong(2), row.getString(3), row.getLong(4), Jdbc.instant(row, "started_at"));
            }
        }
    }

    private static void refuseUnlessNext(Head head, String runId, long seq, Optional<String> holder) {
        if (holder.isPresent() && !holder.get().equals(head.leaseOwner())) {
            throw new LeaseLost("run " + runId + " is no longer held by " + holder.get() + " but by "
                    + (head.leaseOwner() == null ? "nobody" : head.leaseOwner()) + ": " + holder.get() + " lost its lease and writes nothing more to it");
        }
        if (head.lastSeq() != seq - 1) {
            throw new IllegalStateException("run " + runId + ": event " + seq + " does not follow the last stored event, " + head.lastSeq());
        }
    }

    /** Columns whose new value is an expression of the one placeholder bound: first_step_ms keeps the first step's (NULL for a run no event started). */
    private static final Map<String, String> EXPRESSIONS = Map.of("first_step_ms", "COALESCE(first_step_ms, ? - event_ms)");
    /** The first step's start is a change of what the dashboards count (JdbcStepFacts.changed); the right side reads the row as it was. */
    private static final String FIRST_STEP_CHANGES = " + CASE WHEN first_step_ms IS NULL AND event_ms IS NOT NULL THEN 1 ELSE 0 END";

    /** A value bound to the next placeholder of the update. */
    private interface Bind {
        void at(PreparedStatement statement, int index) throws SQLException;
    }

    /** What one event changes in the run's row, column by column: a later event's value of a column replaces an earlier one's. */
    private static void sets(Map<String, Bind> sets, long seq, RunEvent event, RunTransitions.Change change, RunStatus from,
                             RunStatus next, Optional<Lease> lease) {
        sets.put("last_seq", (s, i) -> s.setLong(i, seq));
        sets.put("status", (s, i) -> s.setString(i, next.name()));
        if (event instanceof RunEvent.StepStarted) {
            // //why: the dashboards' event-to-first-step (JdbcStepFacts), set once, here rather than by a second update of the row
            sets.putIfAbsent("first_step_ms", (s, i) -> s.setLong(i, event.at().toEpochMilli()));
        }
        Bind empty = (s, i) -> s.setString(i, "");
        Bind noEnd = (s, i) -> Jdbc.setInstant(s, i, null);
        switch (change) {
            case FINISH -> {
                sets.put("ended_at", (s, i) -> Jdbc.setInstant(s, i, event.at()));
                sets.put("message", (s, i) -> s.setString(i, Jdbc.orEmpty(((RunEvent.RunFinished) event).message())));
                sets.put("waiting_for", empty);
            }
            case RESUME, RESTART -> {
                // //why: whoever takes a run up (or restarts it) holds it from now on: serve with a lease, a terminal without
                sets.put("ended_at", noEnd);
                sets.put("waiting_for", empty);
                sets.put("message", empty);
                sets.put("lease_owner", (s, i) -> s.setString(i, lease.map(Lease::owner).orElse(null)));
                sets.put("lease_expires_at", (s, i) -> Jdbc.setInstant(s, i, lease.map(Lease::expiresAt).orElse(null)));
            }
            case PROGRESS -> {
                sets.put("ended_at", noEnd);
                sets.put("waiting_for", empty);
                if (from == RunStatus.WAITING) {
                    sets.put("message", empty);
                }
            }
            default -> { } // an answer or a resolution alone resumes nothing: a process takes the run up (RunResumed)
        }
    }

    /** {@code stops}: how many of the events stop the run, each a change of what the dashboards count. */
    private static int update(Connection connection, String runId, long firstSeq, long derivedSeq, Map<String, Bind> sets,
                              int stops, Optional<String> holder) throws SQLException {
        boolean firstStep = sets.containsKey("first_step_ms");
        String changes = stops == 0 && !firstStep ? ""
                : ", facts_changes = facts_changes + " + stops + (firstStep ? FIRST_STEP_CHANGES : "");
        String sql = "UPDATE runs SET " + String.join(", ", sets.keySet().stream().map(c -> c + " = " + EXPRESSIONS.getOrDefault(c, "?")).toList())
                + changes + " WHERE id = ? AND last_seq = ? AND COALESCE(derived_seq, last_seq) = ?"
                + (holder.isPresent() ? " AND lease_owner = ?" : "");
        try (PreparedStatement update = connection.prepareStatement(sql)) {
            int i = 1;
            for (Bind bind : sets.values()) {
                bind.at(update, i++);
            }
            update.setString(i++, runId);
            update.setLong(i++, firstSeq - 1);
            update.setLong(i++, derivedSeq);
            if (holder.isPresent()) {
                update.setString(i, holder.get());
            }
            return update.executeUpdate();
        }
    }

    /** The steps a stopped run waits for: those whose last word was "waiting" (or "needs attention"). */
    private static String stoppedAt(List<RunEvent> events, StepStatus status) {
        return String.join(",", RunState.fold(events).executions().values().stream()
                .filter(x -> x.status() == status).map(x -> x.role() == dev.opsbook.engine.Role.ITEM ? x.key() : x.stepId()) // an item is answered and resolved by its key
                .distinct().toList());
    }

    static List<RunEvent> events(Connection connection, String runId) throws SQLException {
        return events(connection, runId, 0);
    }

    /** The run's events after seq {@code after}, in order. */
    private static List<RunEvent> events(Connection connection, String runId, long after) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT body FROM run_events WHERE run_id = ? AND seq > ? ORDER BY seq")) {
            select.setString(1, runId);
            select.setLong(2, after);
            List<RunEvent> events = new ArrayList<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    events.add(RunEventJson.read(rows.getString(1)));
                }
            }
            return events;
        }
    }
}
