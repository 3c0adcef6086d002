package dev.opsbook.store;

import java.nio.file.Path;

/** A database the store contracts run against: where a fresh, empty one is, and who connects. */
enum StoreBackend {

    /** The embedded store: an H2 file in the test's own directory. */
    H2 {
        @Override
        String newDatabaseUrl(Path dir) {
            return JdbcRunStore.embeddedUrl(dir.resolve("h2"));
        }

        @Override
        String user() {
            return "sa";
        }
    },

    /** The production store: a schema of its own in the JVM's one embedded PostgreSQL ({@link SharedPostgres}). */
    POSTGRES {
        @Override
        String newDatabaseUrl(Path dir) throws Exception {
            return SharedPostgres.newSchemaUrl();
        }

        @Override
        String user() {
            return "postgres";
        }
    };

    abstract String newDatabaseUrl(Path dir) throws Exception;

    abstract String user();

    String password() {
        return "";
    }
}
