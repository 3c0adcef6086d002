package dev.opsbook.store;

import com.fasterxml.jackson.databind.JsonNode;
import dev.opsbook.engine.RunEvent;
import dev.opsbook.engine.RunStatus;
import dev.opsbook.engine.RunTransitions;
import dev.opsbook.engine.StepStatus;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Keeps the facts the dashboards add up ({@code step_facts} and the timing columns of {@code runs}, V18) as events are
 * stored: called in the event's own transaction, so a fact exists exactly when its event does. Each event costs at most
 * one or two statements by primary key; most events none.
 *
 * <p>Which executions a person answers is learnt from the events: an answer ({@code StepAnswered}) or a wait marks it a
 * person's ({@code person}); the attempt's result then says which ({@code approved} or {@code done}).
 */
final class JdbcStepFacts implements EventWritten {

    private final Jdbc jdbc;
    private final AtomicBoolean caughtUp = new AtomicBoolean();

    JdbcStepFacts(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * {@inheritDoc} A run's start and its stops are not written here: their facts are columns of the row's insert
     * ({@link #startFacts}) and of the update that appends them ({@link EventAppends}); only a run folded again
     * ({@link #catchUp}) writes them with statements of their own.
     */
    @Override
    public void written(Connection connection, String runId, long seq, RunEvent event) throws SQLException {
        if (event instanceof RunEvent.RunStarted || event instanceof RunEvent.RunFinished) {
            return;
        }
        if (event instanceof RunEvent.StepStarted e) {
            stepStarted(connection, runId, e);
            return;
        }
        if (event instanceof RunEvent.StepAnswered e && e.answer() != null) {
            update(connection, "kind = COALESCE(kind, 'person'), done_at = ?, person_ms = ? - reached_ms, answered_by = ?, answer = ?",
                    runId, e.key(), ps -> {
                        Jdbc.setInstant(ps, 1, e.at());
                        ps.setLong(2, e.at().toEpochMilli());
                        ps.setString(3, e.answer().by());
                        ps.setString(4, e.answer().confirmed() ? "confirmed" : "refused");
                    });
        } else if (event instanceof RunEvent.AttemptFinished e && e.attempt() != null && personKind(e.attempt().result()) != null) {
            update(connection, "kind = ?", runId, e.key(), ps -> ps.setString(1, personKind(e.attempt().result())));
        } else if (event instanceof RunEvent.StepFinished e && e.status() == StepStatus.FAILED) {
            update(connection, "outcome = ?, failures = failures + 1, last_failed_at = ?", runId, e.key(), ps -> {
                ps.setString(1, e.status().name());
                Jdbc.setInstant(ps, 2, e.at());
            });
        } else if (event instanceof RunEvent.StepFinished e) {
            ended(connection, runId, e.key(), e.status());
            return; // //why: a step's end changes no figure (a person's answer, a failure or the run's end does)
        } else if (event instanceof RunEvent.RunRestarted e) {
            restarted(connection, runId, e.reset());
        } else if (RunTransitions.Change.of(event) == RunTransitions.Change.PROGRESS) {
            return;
        }
        changed(connection, runId, event);
    }

    /** A step reached among the events being written, and how it ended when a plain end followed (else null). */
    private record Reached(RunEvent.StepStarted started, StepStatus outcome) {
    }

    /**
     * {@inheritDoc} A step's start and its plain end (not failed, nor answered by a person) become one row inserted with
     * its outcome, and the steps' rows go in one batch. //why: a run's stop derives all its steps at once, and an insert
     * and an update a step, each a round trip, were a sixth of its statements
     */
    @Override
    public void writtenAll(Connection connection, String runId, long first, List<RunEvent> events) throws SQLException {
        Map<String, Reached> reached = new LinkedHashMap<>();
        for (int i = 0; i < events.size(); i++) {
            RunEvent event = events.get(i);
            String key = stepKey(event);
            Reached pending = key == null ? null : reached.get(key);
            if (event instanceof RunEvent.StepStarted started && pending == null) {
                reached.put(key, new Reached(started, null));
                continue;
            }
            if (event instanceof RunEvent.StepFinished finished && finished.status() != StepStatus.FAILED && pending != null
                    && pending.outcome() == null) {
                reached.put(key, new Reached(pending.started(), finished.status()));
                continue;
            }
            if (pending != null || event instanceof RunEvent.RunRestarted) {
                insert(connection, runId, reached); // //why: this event changes rows still to be inserted
            }
            written(connection, runId, first + i, event);
        }
        insert(connection, runId, reached);
    }

    /** The step whose row the event writes ({@link #written}); else null. */
    private static String stepKey(RunEvent event) {
        if (event instanceof RunEvent.StepStarted e) {
            return e.key();
        }
        if (event instanceof RunEvent.StepFinished e) {
            return e.key();
        }
        if (event instanceof RunEvent.StepAnswered e && e.answer() != null) {
            return e.key();
        }
        return event instanceof RunEvent.AttemptFinished e && e.attempt() != null && personKind(e.attempt().result()) != null ? e.key() : null;
    }

    /** Inserts the rows of {@code reached} in one batch, and empties it. */
    private static void insert(Connection connection, String runId, Map<String, Reached> reached) throws SQLException {
        if (reached.isEmpty()) {
            return;
        }
        List<Reached> steps = List.copyOf(reached.values());
        reached.clear();
        int[] inserted;
        try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
            for (Reached step : steps) {
                bindInsert(insert, runId, step.started(), step.outcome());
                insert.addBatch();
            }
            inserted = insert.executeBatch();
        }
        for (int i = 0; i < steps.size(); i++) {
            if (inserted[i] != 1) { // 0: reached again after a restart; or a count the driver did not give
                Reached step = steps.get(i);
                reachedAgain(connection, runId, step.started());
                if (step.outcome() != null) {
                    ended(connection, runId, step.started().key(), step.outcome());
                }
            }
        }
    }

    /** A step's row as it is first reached, with its outcome when known; nothing when the step has a row already. */
    private static final String INSERT = "INSERT INTO step_facts (run_id, step_key, step_id, runbook_id, run_started_at, drill, "
            + "reached_at, reached_ms, outcome, kind) SELECT id, ?, ?, runbook_id, started_at, drill, ?, ?, ?, ? FROM runs WHERE id = ? "
            + "AND NOT EXISTS (SELECT 1 FROM step_facts f WHERE f.run_id = runs.id AND f.step_key = ?)";

    private static void bindInsert(PreparedStatement insert, String runId, RunEvent.StepStarted e, StepStatus outcome) throws SQLException {
        insert.setString(1, e.key());
        insert.setString(2, e.stepId());
        Jdbc.setInstant(insert, 3, e.at());
        insert.setLong(4, e.at().toEpochMilli());
        insert.setString(5, outcome == null ? null : outcome.name());
        insert.setString(6, outcome == StepStatus.WAITING ? "person" : null);
        insert.setString(7, runId);
        insert.setString(8, e.key());
    }

    /**
     * Counts a change of what the dashboards add up on the run's row ({@code facts_changes}, V22, so its day's kept figures
     * are read anew): its facts, its status, or its time to resolution once it ended for good.
     */
    private static void changed(Connection connection, String runId, RunEvent event) throws SQLException {
        boolean resolved = resolves(event);
        try (PreparedStatement update = connection.prepareStatement("UPDATE runs SET " + (resolved ? "resolution_ms = ?, " : "")
                + "facts_changes = facts_changes + 1 WHERE id = ?")) {
            int i = 1;
            if (resolved) {
                update.setLong(i++, event.at().toEpochMilli() - startedAt(connection, runId).toEpochMilli());
            }
            update.setString(i, runId);
            update.executeUpdate();
        }
    }

    /** Whether the event ends the run for good, which gives it a time to resolution (start to this end). */
    static boolean resolves(RunEvent event) {
        return event instanceof RunEvent.RunFinished e
                && (e.status() == RunStatus.SUCCEEDED || e.status() == RunStatus.FAILED || e.status() == RunStatus.CANCELLED);
    }

    /** approve or manual, when an attempt's result is a person's answer (PersonStep's result document); else null. */
    static String personKind(JsonNode result) {
        if (result == null || !result.isObject() || !result.path("how").isTextual() || !result.path("by").isTextual()) {
            return null;
        }
        return result.path("approved").isBoolean() ? "approve" : result.path("done").isBoolean() ? "manual" : null;
    }

    /** A run's facts as it starts: the day it counts on, and when its event was received (null for a run no event started). */
    record StartFacts(LocalDate day, Long eventMs) {

        void bind(PreparedStatement statement, int dayAt, int eventMsAt) throws SQLException {
            statement.setObject(dayAt, day);
            if (eventMs == null) {
                statement.setNull(eventMsAt, java.sql.Types.BIGINT);
            } else {
                statement.setLong(eventMsAt, eventMs);
            }
        }
    }

    /** The start facts of a run started by {@code eventId} (if any) at {@code started}, read on the start's transaction. */
    static StartFacts startFacts(Connection connection, Optional<String> eventId, Instant started) throws SQLException {
        Long eventMs = null;
        if (eventId.isPresent()) {
            Instant received = null;
            try (PreparedStatement select = connection.prepareStatement("SELECT received_at FROM received_events WHERE event_id = ?")) {
                select.setString(1, eventId.get());
                try (ResultSet row = select.executeQuery()) {
                    if (row.next()) {
                        received = Jdbc.instant(row, "received_at");
                    }
                }
            }
            eventMs = (received == null ? started : received).toEpochMilli(); // //why: an event given to opsbook run has no received row: its run's start stands in
        }
        return new StartFacts(started.atOffset(ZoneOffset.UTC).toLocalDate(), eventMs);
    }

    private static void runStarted(Connection connection, String runId, RunEvent.RunStarted started) throws SQLException {
        String eventId;
        try (PreparedStatement select = connection.prepareStatement("SELECT event_id FROM runs WHERE id = ?")) {
            select.setString(1, runId);
            try (ResultSet row = select.executeQuery()) {
                eventId = row.next() ? row.getString(1) : null;
            }
        }
        try (PreparedStatement update = connection.prepareStatement(
                "UPDATE runs SET started_day = ?, event_ms = ?, first_step_ms = NULL, resolution_ms = NULL, facts_version = 1, "
                        + "facts_changes = facts_changes + 1 WHERE id = ?")) {
            startFacts(connection, Optional.ofNullable(eventId), started.at()).bind(update, 1, 2);
            update.setString(3, runId);
            update.executeUpdate();
        }
    }

    private static void stepStarted(Connection connection, String runId, RunEvent.StepStarted e) throws SQLException {
        int inserted;
        try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
            bindInsert(insert, runId, e, null);
            inserted = insert.executeUpdate();
        }
        if (inserted == 0) {
            reachedAgain(connection, runId, e);
        }
    }

    /** A step reached again after a restart: a resumed step keeps when it was first reached. */
    private static void reachedAgain(Connection connection, String runId, RunEvent.StepStarted e) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement(
                "UPDATE step_facts SET reached_at = ?, reached_ms = ? WHERE run_id = ? AND step_key = ? AND reached_ms IS NULL")) {
            Jdbc.setInstant(update, 1, e.at());
            update.setLong(2, e.at().toEpochMilli());
            update.setString(3, runId);
            update.setString(4, e.key());
            update.executeUpdate();
        }
    }

    /** A step's end that is not a failure: its outcome; waiting makes it a person's step. */
    private static void ended(Connection connection, String runId, String key, StepStatus status) throws SQLException {
        String kind = status == StepStatus.WAITING ? "kind = COALESCE(kind, 'person'), " : "";
        update(connection, kind + "outcome = ?", runId, key, ps -> ps.setString(1, status.name()));
    }

    /**
     * The run's event-to-first-step, from its first step's start. //why: an appended StepStarted sets it in the row's one
     * update ({@link EventAppends}); only a run folded again here needs a statement of its own
     */
    private static void firstStep(Connection connection, String runId, RunEvent.StepStarted e) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement(
                "UPDATE runs SET first_step_ms = ? - event_ms, facts_changes = facts_changes + 1 WHERE id = ? AND event_ms IS NOT NULL "
                        + "AND first_step_ms IS NULL")) {
            update.setLong(1, e.at().toEpochMilli());
            update.setString(2, runId);
            update.executeUpdate();
        }
    }

    /** Executions run again from scratch: reached anew when they start (person-time counts from then), failures kept. */
    private static void restarted(Connection connection, String runId, List<String> reset) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement(
                "UPDATE step_facts SET reached_at = NULL, reached_ms = NULL, done_at = NULL, person_ms = NULL, outcome = NULL "
                        + "WHERE run_id = ? AND step_key = ?")) {
            for (String key : reset) {
                update.setString(1, runId);
                update.setString(2, key);
                update.addBatch();
            }
            update.executeBatch();
        }
    }

    /** Binds the SET clause's values, from placeholder 1. */
    private interface Binds {
        void bind(PreparedStatement statement) throws SQLException;
    }

    private static void update(Connection connection, String sets, String runId, String key, Binds binds) throws SQLException {
        String sql = "UPDATE step_facts SET " + sets + " WHERE run_id = ? AND step_key = ?";
        int placeholders = (int) sets.chars().filter(c -> c == '?').count();
        try (PreparedStatement update = connection.prepareStatement(sql)) {
            binds.bind(update);
            update.setString(placeholders + 1, runId);
            update.setString(placeholders + 2, key);
            update.executeUpdate();
        }
    }

    private static Instant startedAt(Connection connection, String runId) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT started_at FROM runs WHERE id = ?")) {
            select.setString(1, runId);
            try (ResultSet row = select.executeQuery()) {
                row.next();
                return Jdbc.instant(row, "started_at");
            }
        }
    }

    // ---- catch-up for runs stored before V18 -----------------------------------------------

    /**
     * Folds the events of every run stored before V18 (no facts yet) into their facts, a run at a time, each in a
     * transaction holding the run's row so an append to it waits. Once per store opened: later runs get theirs as stored.
     */
    void catchUp() {
        if (caughtUp.get()) {
            return;
        }
        while (true) {
            List<String> pending = jdbc.query(connection -> {
                try (PreparedStatement select = connection.prepareStatement("SELECT id FROM runs WHERE facts_version IS NULL LIMIT 200")) {
                    List<String> ids = new ArrayList<>();
                    try (ResultSet rows = select.executeQuery()) {
                        while (rows.next()) {
                            ids.add(rows.getString(1));
                        }
                    }
                    return ids;
                }
            });
            if (pending.isEmpty()) {
                caughtUp.set(true);
                return;
            }
            pending.forEach(this::refold);
        }
    }

    private void refold(String runId) {
        jdbc.inTransaction(connection -> {
            try (PreparedStatement lock = connection.prepareStatement("SELECT facts_version FROM runs WHERE id = ? FOR UPDATE")) {
                lock.setString(1, runId);
                try (ResultSet row = lock.executeQuery()) {
                    if (!row.next() || row.getObject(1) != null) {
                        return null; // folded meanwhile
                    }
                }
            }
            try (PreparedStatement delete = connection.prepareStatement("DELETE FROM step_facts WHERE run_id = ?")) {
                delete.setString(1, runId);
                delete.executeUpdate();
            }
            List<RunEvent> events = new ArrayList<>();
            try (PreparedStatement select = connection.prepareStatement("SELECT body FROM run_events WHERE run_id = ? ORDER BY seq")) {
                select.setString(1, runId);
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        events.add(RunEventJson.read(rows.getString(1)));
                    }
                }
            }
            for (int i = 0; i < events.size(); i++) {
                RunEvent event = events.get(i);
                if (event instanceof RunEvent.RunStarted started) {
                    runStarted(connection, runId, started);
                } else if (event instanceof RunEvent.RunFinished) {
                    changed(connection, runId, event);
                } else {
                    written(connection, runId, i + 1, event);
                }
                if (event instanceof RunEvent.StepStarted started) {
                    firstStep(connection, runId, started);
                }
            }
            return null;
        });
    }
}
