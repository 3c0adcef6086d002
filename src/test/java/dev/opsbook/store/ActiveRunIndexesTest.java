package dev.opsbook.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * On PostgreSQL the lease and concurrency indexes hold the runs still going only (migration V27), and the store's reads
 * of them still use them: a busy store's finished runs no longer weigh on each step's update or on a heartbeat.
 */
class ActiveRunIndexesTest {

    @Test
    void leases_and_concurrency_keys_are_read_from_indexes_of_the_active_runs_only() throws Exception {
        String url = SharedPostgres.newSchemaUrl();
        BulkRuns.fill(url, "postgres", "", 3000, Instant.parse("2026-12-01T00:00:00Z"));
        try (RunStore store = JdbcRunStore.open(url, "postgres", "", 2);
             Connection connection = DriverManager.getConnection(url, "postgres", "");
             Statement statement = connection.createStatement()) {
            // finished runs an instance held, as a busy one leaves them: all under one lease owner
            statement.execute("UPDATE runs SET lease_owner = 'a', lease_expires_at = TIMESTAMP '2026-12-01 00:00:00'");
            Instant at = Instant.parse("2026-12-02T00:00:00Z");
            store.create(StoreContract.row("r1", "deploy", at, "event", "eu"), "# runbook", StoreContract.started("r1", "deploy", at, "event"),
                    Optional.of(new Lease("a", at.plusSeconds(30))));
            statement.execute("ANALYZE runs");

            for (String index : List.of("runs_by_lease_owner", "runs_by_lease_expiry", "runs_by_concurrency")) {
                try (ResultSet row = statement.executeQuery("SELECT indexdef FROM pg_indexes WHERE indexname = '" + index
                        + "' AND schemaname = current_schema()")) {
                    assertThat(row.next()).as(index).isTrue();
                    assertThat(row.getString(1)).as(index + " holds the active runs only").contains("WHERE")
                            .contains("'RUNNING'").contains("'WAITING'").contains("'NEEDS_ATTENTION'");
                }
            }
            assertThat(plan(connection, JdbcLeases.RENEW, ps -> {
                ps.setTimestamp(1, java.sql.Timestamp.from(Instant.parse("2026-12-02T00:01:00Z")));
                ps.setString(2, "a");
            })).satisfies(ActiveRunIndexesTest::readsActiveRunsOnly);
            assertThat(plan(connection, JdbcLeases.HELD, ps -> ps.setString(1, "a"))).satisfies(ActiveRunIndexesTest::readsActiveRunsOnly);
            assertThat(plan(connection, JdbcLeases.EXPIRED, ps -> ps.setTimestamp(1, java.sql.Timestamp.from(Instant.parse("2026-12-03T00:00:00Z"))))).satisfies(ActiveRunIndexesTest::readsActiveRunsOnly);
            assertThat(plan(connection, JdbcRunLog.ACTIVE_KEYED, ps -> {
                ps.setString(1, "deploy");
                ps.setString(2, "eu");
            })).satisfies(ActiveRunIndexesTest::readsActiveRunsOnly);
            assertThat(plan(connection, JdbcRunLog.ACTIVE_UNKEYED, ps -> ps.setString(1, "deploy"))).satisfies(ActiveRunIndexesTest::readsActiveRunsOnly);

            assertThat(store.renewLeases("a", Instant.parse("2026-12-02T00:01:00Z"))).as("only the running run is renewed").containsExactly("r1");
            assertThat(store.activeRuns("deploy", "eu")).isEqualTo(1);
        }
    }

    /** //why: which of the three the planner picks is its choice; each holds the active runs only, so each stays small */
    private static void readsActiveRunsOnly(String plan) {
        assertThat(plan).as(plan).doesNotContain("Seq Scan").containsAnyOf("runs_by_lease_owner", "runs_by_lease_expiry", "runs_by_concurrency");
    }

    private interface Binds {
        void bind(PreparedStatement statement) throws Exception;
    }

    private static String plan(Connection connection, String sql, Binds binds) throws Exception {
        try (PreparedStatement explain = connection.prepareStatement("EXPLAIN " + sql)) {
            binds.bind(explain);
            List<String> lines = new ArrayList<>();
            try (ResultSet rows = explain.executeQuery()) {
                while (rows.next()) {
                    lines.add(rows.getString(1));
                }
            }
            return String.join("\n", lines);
        }
    }
}
