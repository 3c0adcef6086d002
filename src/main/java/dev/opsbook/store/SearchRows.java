package dev.opsbook.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Set;

/**
 * The search index's rows for runs, written on one connection, in its transaction: a run's first text when it is
 * created, more as its events are stored. PostgreSQL keeps a {@code tsvector} per run (GIN index, the {@code simple}
 * configuration: no stemming and no stop words, since what people look for in runs is ids, hosts and error words, in
 * any language); H2 keeps a table of (word, run) pairs.
 *
 * <p>//why: on H2 a word table, not H2's own {@code FT_*} full-text functions: those re-split a row's whole text at
 * every update through a trigger (a run's text grows with each event), need aliases and a schema created in every
 * database, and answer a search apart from the other filters; a primary key on (word, run) answers "runs with every
 * one of these words" with index look-ups, and the words are split the same way when written and when searched.
 *
 * <p>A run's text stops growing at {@link #PER_RUN} characters, so a run that prints without end keeps a bounded row.
 * Statements are batched: {@link #flush()} sends them (the store calls it after each event; a bulk fill after many).
 */
final class SearchRows implements AutoCloseable {

    static final int PER_RUN = 256_000;

    private final boolean postgres;
    private final PreparedStatement insert;
    private final PreparedStatement grow;
    private final PreparedStatement word;

    SearchRows(Connection connection, boolean postgres) throws SQLException {
        this.postgres = postgres;
        if (postgres) {
            insert = connection.prepareStatement("INSERT INTO run_search (run_id, chars, doc) VALUES (?, ?, to_tsvector('simple', ?))");
            grow = connection.prepareStatement(
                    "UPDATE run_search SET doc = doc || to_tsvector('simple', ?), chars = chars + ? WHERE run_id = ? AND chars < " + PER_RUN);
            word = null;
        } else {
            insert = connection.prepareStatement("INSERT INTO run_search (run_id, chars) VALUES (?, ?)");
            grow = connection.prepareStatement("UPDATE run_search SET chars = chars + ? WHERE run_id = ? AND chars < " + PER_RUN);
            // //why: not MERGE, which rewrites a word the run has already (a row, its index entry and an undo record) at every step
            word = connection.prepareStatement("INSERT INTO run_words (word, run_id) SELECT ?, ? "
                    + "WHERE NOT EXISTS (SELECT 1 FROM run_words WHERE word = ? AND run_id = ?)");
        }
    }

    /** A new run's row with its first words (the start event's). */
    void start(String runId, String text) throws SQLException {
        insert.setString(1, runId);
        insert.setInt(2, text.length());
        if (postgres) {
            insert.setString(3, text);
        } else {
            words(runId, text);
        }
        insert.addBatch();
    }

    /** More words of a run, unless its text is full. */
    void add(String runId, String text) throws SQLException {
        if (text.isEmpty()) {
            return;
        }
        if (postgres) {
            grow.setString(1, text);
            grow.setInt(2, text.length());
            grow.setString(3, runId);
            grow.addBatch();
            return;
        }
        grow.setInt(1, text.length());
        grow.setString(2, runId);
        if (grow.executeUpdate() == 1) { // //why: H2 adds the words only while the run's text is not full
            words(runId, text);
        }
    }

    private void words(String runId, String text) throws SQLException {
        Set<String> words = RunText.words(text);
        for (String w : words) {
            word.setString(1, w);
            word.setString(2, runId);
            word.setString(3, w);
            word.setString(4, runId);
            word.addBatch();
        }
    }

    /** Sends what was batched: the rows first, then the words (H2) or the growth (PostgreSQL). */
    void flush() throws SQLException {
        insert.executeBatch();
        if (postgres) {
            grow.executeBatch();
        } else {
            word.executeBatch();
        }
    }

    @Override
    public void close() throws SQLException {
        insert.close();
        grow.close();
        if (word != null) {
            word.close();
        }
    }
}
