package dev.opsbook.store;

/** For tests outside this package that need instances sharing a store: a schema of its own in the JVM's embedded PostgreSQL. */
public final class PostgresStores {

    private PostgresStores() {
    }

    /** A fresh, empty schema's JDBC URL (user {@code postgres}, no password); the test is skipped where PostgreSQL cannot run. */
    public static String newSchemaUrl() throws Exception {
        return SharedPostgres.newSchemaUrl();
    }

    public static RunStore open(String url) {
        return JdbcRunStore.open(url, "postgres", "");
    }
}
