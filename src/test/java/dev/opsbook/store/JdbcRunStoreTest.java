package dev.opsbook.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class JdbcRunStoreTest {

    @Test
    void a_store_is_described_by_its_database_and_where_it_is_never_by_the_urls_parameters() {
        assertThat(Jdbc.describe("jdbc:h2:file:/var/lib/opsbook/store;AUTO_SERVER=TRUE"))
                .isEqualTo("H2 file /var/lib/opsbook/store (single instance)");
        assertThat(Jdbc.describe("jdbc:h2:mem:runs;DB_CLOSE_DELAY=-1")).isEqualTo("H2 in memory runs (single instance)");
        assertThat(Jdbc.describe("jdbc:postgresql://db.internal:5432/opsbook?user=ops&password=hunter2"))
                .isEqualTo("PostgreSQL opsbook at db.internal:5432");
        assertThat(Jdbc.describe("jdbc:postgresql://db.internal/")).isEqualTo("PostgreSQL (default database) at db.internal");
        assertThat(Jdbc.describe("jdbc:postgresql:opsbook")).isEqualTo("PostgreSQL opsbook at localhost");
    }

    @Test
    void the_embedded_url_names_an_absolute_file_so_every_process_finds_the_same_one() {
        assertThat(JdbcRunStore.embeddedUrl(Path.of(".opsbook")))
                .isEqualTo("jdbc:h2:file:" + Path.of("").toAbsolutePath().resolve(".opsbook").resolve("store") + ";AUTO_SERVER=TRUE;WRITE_DELAY=0");
    }

    @org.junit.jupiter.api.Test
    void the_schema_version_the_store_checks_is_the_newest_migration_shipped() throws Exception {
        try (var files = java.nio.file.Files.list(java.nio.file.Path.of("src/main/resources/db/migration"))) {
            int newest = files.map(f -> f.getFileName().toString()).filter(n -> n.matches("V\\d+__.*\\.sql"))
                    .mapToInt(n -> Integer.parseInt(n.substring(1, n.indexOf("__")))).max().orElse(0);
            newest = Math.max(newest, Math.max(SearchIndexMigration.VERSION, ActiveRunIndexesMigration.VERSION)); // those written in Java
            org.assertj.core.api.Assertions.assertThat(JdbcRunStore.SCHEMA_VERSION)
                    .as("JdbcRunStore.SCHEMA_VERSION must name the newest migration, or new ones are never applied").isEqualTo(newest);
        }
    }

    @Test
    void serve_sized_pool_lets_as_many_callers_hold_a_connection_at_once_as_it_was_opened_for() throws Exception {
        int connections = dev.opsbook.service.Capacity.storeConnections(32);
        assertThat(connections).as("serve --max-runs 32: one connection per two runs, plus four").isEqualTo(20);
        try (Jdbc jdbc = Jdbc.open("jdbc:h2:mem:pool-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1", "", "", "test", JdbcRunStore.SCHEMA_VERSION,
                connections)) {
            java.util.concurrent.CountDownLatch holding = new java.util.concurrent.CountDownLatch(connections);
            java.util.concurrent.ExecutorService callers = java.util.concurrent.Executors.newFixedThreadPool(connections);
            try {
                java.util.List<java.util.concurrent.Future<Boolean>> all = new java.util.ArrayList<>();
                for (int i = 0; i < connections; i++) {
                    all.add(callers.submit(() -> jdbc.query(c -> {
                        holding.countDown();
                        try {
                            return holding.await(10, java.util.concurrent.TimeUnit.SECONDS); // every caller holds one at once
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            return false;
                        }
                    })));
                }
                for (java.util.concurrent.Future<Boolean> each : all) {
                    assertThat(each.get(30, java.util.concurrent.TimeUnit.SECONDS)).as("all callers held a connection together").isTrue();
                }
            } finally {
                callers.shutdownNow();
            }
        }
    }
}
