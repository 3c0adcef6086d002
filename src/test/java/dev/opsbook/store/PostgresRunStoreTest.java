package dev.opsbook.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** What only PostgreSQL does: several instances on one database (the JVM's one embedded server, {@link SharedPostgres}). */
class PostgresRunStoreTest extends StoreContract {

    @Override
    StoreBackend backend() {
        return StoreBackend.POSTGRES;
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
    void connections_the_server_dropped_while_idle_are_replaced_before_they_are_lent() throws Exception {
        try (RunStore dropped = open(url + "&ApplicationName=opsbook-dropped")) {
            assertThat(dropped.countRuns(dev.opsbook.engine.RunStatus.RUNNING)).isZero();
            try (java.sql.Connection admin = java.sql.DriverManager.getConnection(url, "postgres", "");
                 java.sql.Statement statement = admin.createStatement()) {
                statement.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'opsbook-dropped'");
            }
            Thread.sleep(Jdbc.CHECK_AFTER_IDLE.toMillis() + 300);

            assertThat(dropped.countRuns(dev.opsbook.engine.RunStatus.RUNNING)).as("a new connection, not the dropped one").isZero();
        }
    }

    @Test
    void the_store_says_which_database_on_which_server_it_uses() {
        assertThat(store.describe()).isEqualTo("PostgreSQL postgres at localhost:" + SharedPostgres.port());
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
