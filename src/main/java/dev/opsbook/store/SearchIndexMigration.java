package dev.opsbook.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.flywaydb.core.api.migration.Context;

/**
 * Migration 15: the search index ({@link SearchRows}), and the runs stored before it, indexed in the same
 * transaction from their stored events, so a store upgraded from an older opsbook finds its old runs too.
 *
 * <p>//why: a Java migration, not a SQL file: the index is PostgreSQL's own full-text type on PostgreSQL and a word
 * table on H2, and the old runs' words come from their events, which only the code that writes them can read.
 */
final class SearchIndexMigration extends StoreJavaMigration {

    static final int VERSION = 15;

    SearchIndexMigration() {
        super(VERSION, "run search");
    }

    @Override
    public void migrate(Context context) throws SQLException {
        Connection connection = context.getConnection();
        boolean postgres = postgres(connection);
        try (Statement ddl = connection.createStatement()) {
            if (postgres) {
                ddl.execute("CREATE TABLE run_search (run_id VARCHAR NOT NULL PRIMARY KEY REFERENCES runs (id), "
                        + "chars INTEGER NOT NULL, doc TSVECTOR NOT NULL)");
                ddl.execute("CREATE INDEX run_search_doc ON run_search USING GIN (doc)");
            } else {
                ddl.execute("CREATE TABLE run_search (run_id VARCHAR NOT NULL PRIMARY KEY REFERENCES runs (id), chars INTEGER NOT NULL)");
                ddl.execute("CREATE TABLE run_words (word VARCHAR(" + RunText.LONGEST_WORD + ") NOT NULL, run_id VARCHAR NOT NULL, "
                        + "PRIMARY KEY (word, run_id))");
                ddl.execute("CREATE INDEX run_words_by_run ON run_words (run_id)"); // a run's words are replaced when a comment changes
            }
        }
        backfill(connection, postgres);
    }

    /** Every stored run's text from its events, in order, a batch of runs at a time. */
    private static void backfill(Connection connection, boolean postgres) throws SQLException {
        try (SearchRows rows = new SearchRows(connection, postgres);
             PreparedStatement select = connection.prepareStatement("SELECT run_id, body FROM run_events ORDER BY run_id, seq")) {
            select.setFetchSize(1000);
            String run = null;
            StringBuilder text = new StringBuilder();
            int runs = 0;
            try (ResultSet row = select.executeQuery()) {
                while (row.next()) {
                    if (!row.getString(1).equals(run)) {
                        if (run != null) {
                            rows.start(run, text.toString());
                            if (++runs % 500 == 0) {
                                rows.flush();
                            }
                        }
                        run = row.getString(1);
                        text.setLength(0);
                    }
                    if (text.length() < SearchRows.PER_RUN) {
                        text.append(' ').append(eventText(row.getString(2)));
                    }
                }
            }
            if (run != null) {
                rows.start(run, text.toString());
            }
            rows.flush();
        }
    }

    /** //why: an event this version cannot read costs that event's words, never the upgrade */
    static String eventText(String body) {
        try {
            return RunText.of(RunEventJson.read(body));
        } catch (RuntimeException e) {
            return "";
        }
    }
}
