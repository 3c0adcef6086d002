package dev.opsbook.store;

import dev.opsbook.engine.RunEvent;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Full-text search over runs: fills the index in the transaction of every event stored ({@link EventWritten}) and of
 * every comment kept ({@link JdbcComments}), so a run is found by its words from the moment they are stored, and says which runs match a search, as a condition
 * the run list adds to its other filters. A search matches the runs that contain every one of its words, on both
 * databases (PostgreSQL: {@code plainto_tsquery}; H2: its word table). Thread-safe.
 */
final class JdbcRunSearch implements EventWritten {

    /** A condition on {@code runs.id} and the values its placeholders take, in order. */
    record Condition(String sql, List<String> values) {
    }

    /** A word in at most this many runs is rare: the search starts from its runs instead of walking the list. */
    static final int RARE = 2_000;

    private final boolean postgres;

    JdbcRunSearch(boolean postgres) {
        this.postgres = postgres;
    }

    @Override
    public void written(Connection connection, String runId, long seq, RunEvent event) throws SQLException {
        String text = RunText.of(event);
        if (seq > 1 && text.isEmpty()) {
            return;
        }
        try (SearchRows rows = new SearchRows(connection, postgres)) {
            if (seq == 1) {
                rows.start(runId, text);
            } else {
                rows.add(runId, text);
            }
            rows.flush();
        }
    }

    /**
     * The words of several events of one run stored in one transaction (none of them its start), added at once.
     * //why: one growth of the run's row per step's transaction, not one per event (each rewrites the row and its index entries)
     */
    void writtenAll(Connection connection, String runId, List<RunEvent> events) throws SQLException {
        StringBuilder text = new StringBuilder();
        for (RunEvent event : events) {
            String one = RunText.of(event);
            if (!one.isEmpty()) {
                text.append(text.isEmpty() ? "" : " ").append(one);
            }
        }
        if (!text.isEmpty()) {
            try (SearchRows rows = new SearchRows(connection, postgres)) {
                rows.add(runId, text.toString());
                rows.flush();
            }
        }
    }

    /** A comment's words, added to its run's (in the transaction that keeps the comment). */
    static void commented(Connection connection, boolean postgres, String runId, String text) throws SQLException {
        try (SearchRows rows = new SearchRows(connection, postgres)) {
            rows.add(runId, text);
            rows.flush();
        }
    }

    /**
     * The run's words read again from its events and comments: after a comment was edited or deleted, what it said
     * before is found no more (someone may have deleted it for what it said).
     */
    static void reindex(Connection connection, boolean postgres, String runId) throws SQLException {
        StringBuilder text = new StringBuilder();
        boolean stored = false;
        for (String sql : List.of("SELECT body FROM run_events WHERE run_id = ? ORDER BY seq", "SELECT body FROM comments WHERE run_id = ? ORDER BY id")) {
            try (PreparedStatement select = connection.prepareStatement(sql)) {
                select.setString(1, runId);
                try (ResultSet row = select.executeQuery()) {
                    while (row.next() && text.length() < SearchRows.PER_RUN) {
                        stored |= sql.contains("run_events");
                        text.append(' ').append(sql.contains("run_events") ? SearchIndexMigration.eventText(row.getString(1)) : row.getString(1));
                    }
                }
            }
        }
        for (String sql : postgres ? List.of("DELETE FROM run_search WHERE run_id = ?")
                : List.of("DELETE FROM run_search WHERE run_id = ?", "DELETE FROM run_words WHERE run_id = ?")) {
            try (PreparedStatement delete = connection.prepareStatement(sql)) {
                delete.setString(1, runId);
                delete.executeUpdate();
            }
        }
        if (!stored) {
            return; // a run that is not stored has no words
        }
        try (SearchRows rows = new SearchRows(connection, postgres)) {
            rows.start(runId, text.toString());
            rows.flush();
        }
    }

    /**
     * The runs whose text has every word of {@code search} (already checked to have one: {@link RunQuery}). On H2 the
     * list is walked newest first ({@code runs_by_started_at}) and each run checked for each word by its key, so a
     * page of a common word stops after the page; a rare word (in at most {@link #RARE} runs) drives instead: its runs
     * are looked up by id and the other words checked on them. //why: H2 plans by column, not by value, so only a
     * count can tell "kubectl" (every run: walk) from "48213" (one run: look up); the counts stop at {@link #RARE}.
     */
    Condition matching(Connection connection, String search) throws SQLException {
        if (postgres) {
            return new Condition(" AND id IN (SELECT run_id FROM run_search WHERE doc @@ plainto_tsquery('simple', ?))", List.of(search));
        }
        List<String> words = List.copyOf(RunText.words(search));
        String rarest = null;
        int fewest = RARE + 1;
        try (PreparedStatement count = connection.prepareStatement(
                "SELECT COUNT(*) FROM (SELECT 1 FROM run_words WHERE word = ? LIMIT " + (RARE + 1) + ")")) {
            for (String word : words) {
                count.setString(1, word);
                try (ResultSet row = count.executeQuery()) {
                    row.next();
                    if (row.getInt(1) < fewest) {
                        fewest = row.getInt(1);
                        rarest = word;
                    }
                }
            }
        }
        StringBuilder sql = new StringBuilder();
        List<String> values = new ArrayList<>();
        if (rarest != null) {
            sql.append(" AND id IN (SELECT run_id FROM run_words WHERE word = ?)");
            values.add(rarest);
        }
        for (String word : words) {
            if (!word.equals(rarest)) {
                sql.append(" AND EXISTS (SELECT 1 FROM run_words w WHERE w.word = ? AND w.run_id = runs.id)");
                values.add(word);
            }
        }
        return new Condition(sql.toString(), values);
    }
}
