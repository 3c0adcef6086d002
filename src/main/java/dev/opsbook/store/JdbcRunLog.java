package dev.opsbook.store;

import dev.opsbook.engine.RunEvent;
import dev.opsbook.engine.RunState;
import dev.opsbook.engine.RunStatus;
import dev.opsbook.engine.RunTransitions;
import dev.opsbook.engine.StepExecution;
import dev.opsbook.engine.StepStatus;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The run log over JDBC: tables {@code runs} (one row a run, with its status, lease and
 * {@code last_seq}) and {@code run_events} (each event as a {@link RunEventJson} document, which
 * keeps its exact instant; row timestamps keep microseconds).
 *
 * <p>Misuse is refused with {@link IllegalArgumentException} (an unknown run, a second start) or
 * {@link IllegalStateException} (an event out of order; {@link LeaseLost} from an instance that no
 * longer holds the run); a failing database with {@link StoreException}. Which events a run's
 * status takes is not the store's to say: whoever appends checks {@link RunTransitions}.
 */
final class JdbcRunLog implements RunLog, AutoCloseable {

    private final Jdbc jdbc;
    private final RunRows rows;
    private final EventAppends appends;
    private final JdbcRunSearch search;
    private final JdbcRunAnswers answers;
    private volatile java.util.function.Consumer<RunHead> stored = head -> { };
    /** Each running run as this process's last append to it left it, taken by the next ({@link #appendNext}). */
    private final java.util.Map<String, EventAppends.Known> known = new java.util.concurrent.ConcurrentHashMap<>();
    private static final int KNOWN_RUNS = 10_000;
    private final QuietRuns quiet = new QuietRuns(this::derivePending);

    /**
     * @param written the rows derived from each event (the step facts), written on the connection of the transaction that
     *        derives it: the start's, then a stop's or a later append's ({@link EventAppends}), in the order of the events
     */
    JdbcRunLog(Jdbc jdbc, RunRows rows, EventWritten written) {
        this.jdbc = jdbc;
        this.rows = rows;
        this.search = new JdbcRunSearch(jdbc.postgres());
        this.answers = new JdbcRunAnswers(jdbc, rows);
        this.appends = new EventAppends(search, written);
    }

    @Override
    public void create(StoredRun run, String runbookText, RunEvent.RunStarted started, Optional<Lease> lease) {
        create(run, runbookText, started, lease, JdbcAuditChain.derived(run.id(), started, run.runbookFile()));
    }

    @Override
    public void create(StoredRun run, String runbookText, RunEvent.RunStarted started, Optional<Lease> lease,
                       Optional<dev.opsbook.audit.AuditFact> audit) {
        create(run, runbookText, started, lease, JdbcAuditChain.given(audit));
    }

    private void create(StoredRun run, String runbookText, RunEvent.RunStarted started, Optional<Lease> lease, JdbcAuditChain.Source audit) {
        if (!run.id().equals(started.runId())) {
            throw new IllegalArgumentException("run " + run.id() + " cannot start with the start event of run " + started.runId());
        }
        Optional<dev.opsbook.audit.AuditSeal> sealed = jdbc.inTransaction(connection -> {
            JdbcStepFacts.StartFacts facts = JdbcStepFacts.startFacts(connection, run.eventId(), started.at());
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO runs (" + RunRows.COLUMNS
                    + ", runbook_text, last_seq, lease_owner, lease_expires_at, derived_seq, started_day, event_ms, facts_version, facts_changes) "
                    + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, 1, ?, ?, 1, 1)")) {
                insert.setString(1, run.id());
                insert.setString(2, run.runbookId());
                insert.setString(3, run.runbookFile());
                insert.setString(4, run.contentHash());
                insert.setString(5, run.status().name());
                insert.setString(6, run.trigger());
                insert.setString(7, run.startedBy());
                insert.setString(8, run.eventId().orElse(null));
                insert.setString(9, run.concurrencyKey().orElse(null));
                Jdbc.setInstant(insert, 10, run.startedAt());
                Jdbc.setInstant(insert, 11, run.endedAt().orElse(null));
                insert.setString(12, Jdbc.orEmpty(run.message()));
                insert.setString(13, Jdbc.orEmpty(run.waitingFor()));
                insert.setString(14, started.drill().orElse(null)); // the start event says whether the run is a drill
                insert.setString(15, started.incident().orElse(null));
                insert.setString(16, StartedAlarm.of(started.event()).orElse(null));
                insert.setString(17, runbookText);
                insert.setString(18, lease.map(Lease::owner).orElse(null));
                Jdbc.setInstant(insert, 19, lease.map(Lease::expiresAt).orElse(null));
                facts.bind(insert, 20, 21); // //why: the dashboards' start facts in the insert, not a second write of the row
                insert.executeUpdate();
            } catch (SQLException e) {
                if (Jdbc.uniqueViolation(e) && String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT).contains("runs_one_per_event")) {
                    throw new IllegalStateException("event " + run.eventId().orElse("") + " already started a run of " + run.runbookId(), e);
                }
                if (Jdbc.uniqueViolation(e)) {
                    throw new IllegalStateException("run " + run.id() + " is already stored", e);
                }
                throw e;
            }
            appends.insertEvent(connection, run.id(), 1, started);
            // //why: a run just inserted has no trail yet, so its chain starts at the genesis without reading a seal: one left
            // under its id would fail the seal's insert, not be chained onto
            return JdbcAuditChain.appendAll(connection, run.id(), audit.fact(connection).stream().toList(), Optional.empty());
        });
        if (run.status() == RunStatus.RUNNING) {
            keep(run.id(), EventAppends.Known.created(run.status(), sealed, run.startedAt())); // //why: its first append need not read the row and seal back
        }
        stored.accept(new RunHead(run.id(), run.status(), 1));
    }

    /**
     * Appends in one transaction with the row's update. The row is read first: the event must follow
     * its {@code last_seq} and come from the lease's holder when one is named; the row's status
     * becomes the one the event leads to ({@link RunTransitions#statusAfter(RunStatus, RunEvent)}),
     * whatever the event (the table is checked above the store, by whoever appends). The update
     * then matches the row only while {@code last_seq} and the lease are still the ones read: it
     * locks the row, so of two writers of one run (two processes resuming it) one appends the seq and
     * the other's update matches nothing. The status changes only with {@code last_seq}, so the one
     * read is the one the event follows. With a {@code holder}, an instance that lost its lease can
     * write nothing more (fencing).
     */
    @Override
    public void append(String runId, long seq, RunEvent event, Optional<String> holder, Optional<Lease> lease) {
        append(runId, seq, event, holder, lease, JdbcAuditChain.derived(runId, event, ""));
    }

    @Override
    public void append(String runId, long seq, RunEvent event, Optional<String> holder, Optional<Lease> lease,
                       Optional<dev.opsbook.audit.AuditFact> audit) {
        append(runId, seq, event, holder, lease, JdbcAuditChain.given(audit));
    }

    private void append(String runId, long seq, RunEvent event, Optional<String> holder, Optional<Lease> lease, JdbcAuditChain.Source audit) {
        if (event instanceof RunEvent.RunStarted) {
            throw new IllegalArgumentException("run " + runId + ": a run starts once, with create()");
        }
        List<RunStatus> after = appendNext(runId, List.of(new EventAppends.Next(seq, event, audit)), holder, lease);
        stored.accept(new RunHead(runId, after.get(0), seq));
    }

    @Override
    public void appendAll(String runId, List<Appending> events, Optional<String> holder) {
        if (events.isEmpty()) {
            return;
        }
        List<EventAppends.Next> next = events.stream()
                .map(e -> new EventAppends.Next(e.seq(), e.event(), JdbcAuditChain.given(e.audit()))).toList();
        List<RunStatus> after = appendNext(runId, next, holder, Optional.empty());
        for (int i = 0; i < events.size(); i++) {
            stored.accept(new RunHead(runId, after.get(i), events.get(i).seq()));
        }
    }

    /**
     * One transaction, starting from what this process's last append to the run left ({@link EventAppends.Known}) when
     * there is that: no read of the row or the seal. //why: a kept head may be stale (another writer chained an entry
     * onto the run's trail: a comment, an acknowledgement; another process appended): the transaction then fails and
     * writes nothing, and is made again from what the store holds, which refuses what must be refused
     */
    private List<RunStatus> appendNext(String runId, List<EventAppends.Next> next, Optional<String> holder, Optional<Lease> lease) {
        Optional<EventAppends.Known> kept = Optional.ofNullable(known.remove(runId)); // taken: two appends to one run never share it
        EventAppends.Appended appended;
        try {
            appended = jdbc.inTransaction(connection -> appends.append(connection, runId, next, holder, lease, kept));
        } catch (LeaseLost e) {
            throw e;
        } catch (IllegalStateException e) { // //why: what a stale head fails with; a failing database (StoreException) is not retried here
            if (kept.isEmpty()) {
                throw e;
            }
            appended = jdbc.inTransaction(connection -> appends.append(connection, runId, next, holder, lease, Optional.empty()));
        }
        appended.known().ifPresent(now -> keep(runId, now));
        quiet.appended(runId, appended.pending());
        return appended.statuses();
    }

    private void keep(String runId, EventAppends.Known now) {
        if (known.size() >= KNOWN_RUNS) {
            known.clear(); // //why: bounded; a run left out only reads its row again
        }
        known.put(runId, now);
    }

    /** Writes a quiet run's pending derived rows ({@link QuietRuns}), keeping what this process knows of the run. */
    private void derivePending(String runId) {
        Optional<EventAppends.Known> kept = Optional.ofNullable(known.remove(runId)); // taken, as an append takes it
        jdbc.inTransaction(connection -> appends.derivePending(connection, runId, kept)).ifPresent(now -> known.putIfAbsent(runId, now));
    }

    @Override
    public void close() {
        quiet.close();
    }

    @Override
    public void whenStored(java.util.function.Consumer<RunHead> observer) {
        this.stored = observer;
    }

    // ---- reads ----------------------------------------------------------------------------

    @Override
    public java.util.Map<String, RunHead> heads(java.util.Collection<String> runIds) {
        java.util.Map<String, RunHead> heads = new java.util.HashMap<>();
        List<String> ids = List.copyOf(new java.util.LinkedHashSet<>(runIds));
        for (int from = 0; from < ids.size(); from += 500) { // //why: a bounded number of placeholders per statement
            List<String> chunk = ids.subList(from, Math.min(ids.size(), from + 500));
            jdbc.query(connection -> {
                try (PreparedStatement select = connection.prepareStatement("SELECT id, status, last_seq FROM runs WHERE id IN ("
                        + String.join(", ", java.util.Collections.nCopies(chunk.size(), "?")) + ")")) {
                    for (int i = 0; i < chunk.size(); i++) {
                        select.setString(i + 1, chunk.get(i));
                    }
                    try (ResultSet row = select.executeQuery()) {
                        while (row.next()) {
                            heads.put(row.getString(1), new RunHead(row.getString(1), RunStatus.valueOf(row.getString(2)), row.getLong(3)));
                        }
                    }
                }
                return null;
            });
        }
        return heads;
    }

    @Override
    public Optional<StoredRun> run(String runId) {
        return rows.run(runId);
    }

    @Override
    public Optional<String> runbookText(String runId) {
        return jdbc.query(connection -> {
            try (PreparedStatement select = connection.prepareStatement("SELECT runbook_text FROM runs WHERE id = ?")) {
                select.setString(1, runId);
                try (ResultSet row = select.executeQuery()) {
                    return row.next() ? Optional.of(row.getString(1)) : Optional.<String>empty();
                }
            }
        });
    }

    /** Newest first; a limit of zero or less lists them all. */
    @Override
    public List<StoredRun> runs(RunQuery query) {
        StringBuilder sql = new StringBuilder("SELECT " + RunRows.COLUMNS + " FROM runs WHERE 1 = 1");
        List<String> values = new ArrayList<>();
        query.runbookId().ifPresent(id -> {
            sql.append(" AND runbook_id = ?");
            values.add(id);
        });
        query.status().ifPresent(status -> {
            sql.append(" AND status = ?");
            values.add(status.name());
        });
        query.trigger().ifPresent(trigger -> {
            sql.append(" AND trigger_kind = ?");
            values.add(trigger);
        });
        query.search().map(text -> jdbc.query(connection -> search.matching(connection, text))).ifPresent(match -> {
            sql.append(match.sql());
            values.addAll(match.values());
        });
        query.drill().ifPresent(drill -> sql.append(drill ? " AND drill IS NOT NULL" : " AND drill IS NULL"));
        query.gameDay().ifPresent(gameDay -> {
            sql.append(" AND drill = ?");
            values.add(gameDay);
        });
        query.incident().ifPresent(incident -> {
            sql.append(" AND incident = ?");
            values.add(incident);
        });
        List<Instant> times = new ArrayList<>();
        query.since().ifPresent(since -> {
            sql.append(" AND started_at >= ?");
            times.add(since);
        });
        query.until().ifPresent(until -> {
            sql.append(" AND started_at < ?");
            times.add(until);
        });
        sql.append(" ORDER BY started_at DESC, id DESC");
        if (query.limit() > 0) {
            sql.append(" LIMIT ").append(query.limit());
        }
        if (query.offset() > 0) {
            sql.append(" OFFSET ").append(query.offset());
        }
        return rows.select(sql.toString(), values, times);
    }

    @Override
    public List<StoredRun> answeredRuns(int limit) {
        return answers.answeredRuns(limit);
    }

    @Override
    public List<RunEvent> events(String runId) {
        return jdbc.query(connection -> events(connection, runId));
    }

    private static List<RunEvent> events(Connection connection, String runId) throws SQLException {
        return EventAppends.events(connection, runId);
    }

    @Override
    public long runsStartedSince(String runbookId, Instant since) {
        return jdbc.query(connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT COUNT(*) FROM runs WHERE runbook_id = ? AND started_at >= ?")) {
                select.setString(1, runbookId);
                Jdbc.setInstant(select, 2, since);
                return Jdbc.count(select);
            }
        });
    }

    /** Each able to use the index of active runs by concurrency key ({@link ActiveRunIndexesMigration}). */
    static final String ACTIVE_KEYED = "SELECT COUNT(*) FROM runs WHERE runbook_id = ? AND concurrency_key = ? AND " + ActiveRunIndexesMigration.ACTIVE;
    static final String ACTIVE_UNKEYED = "SELECT COUNT(*) FROM runs WHERE runbook_id = ? AND concurrency_key IS NULL AND " + ActiveRunIndexesMigration.ACTIVE;

    @Override
    public long activeRuns(String runbookId, String concurrencyKey) {
        return jdbc.query(connection -> {
            try (PreparedStatement select = connection.prepareStatement(concurrencyKey == null ? ACTIVE_UNKEYED : ACTIVE_KEYED)) {
                select.setString(1, runbookId);
                if (concurrencyKey != null) {
                    select.setString(2, concurrencyKey);
                }
                return Jdbc.count(select);
            }
        });
    }

    @Override
    public long countRuns(RunStatus status) {
        return jdbc.query(connection -> {
            try (PreparedStatement select = connection.prepareStatement("SELECT COUNT(*) FROM runs WHERE status = ?")) {
                select.setString(1, status.name());
                return Jdbc.count(select);
            }
        });
    }
}
