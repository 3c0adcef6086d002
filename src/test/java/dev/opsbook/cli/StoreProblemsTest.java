package dev.opsbook.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opsbook.store.JdbcRunStore;
import dev.opsbook.store.RunStore;
import dev.opsbook.testing.InProcessCli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A run store a command cannot use: one line saying what and where, exit status 2, and the store left as it was. */
class StoreProblemsTest {

    @TempDir
    Path dir;

    @Test
    void a_store_upgraded_by_a_newer_opsbook_is_refused_in_one_line_and_left_untouched() throws Exception {
        String url = JdbcRunStore.embeddedUrl(dir.resolve("store"));
        try (RunStore store = JdbcRunStore.open(url, "", "")) {
            assertThat(store.runs(dev.opsbook.store.RunQuery.latest(1))).isEmpty();
        }
        int known = count(url, "SELECT MAX(CAST(\"version\" AS INTEGER)) FROM \"flyway_schema_history\""); // this opsbook's own
        int newer = upgradeAsIfNewer(url);
        int migrations = migrations(url);

        InProcessCli.Result runs = InProcessCli.run(new OpsbookCommand(), "runs", "--store", url);
        Files.writeString(dir.resolve("hello.md"), """
                ---
                title: Hello
                owner: test
                description: Says hello.
                ---

                ```shell id=hello
                echo hello
                ```
                """);
        InProcessCli.Result run = InProcessCli.run(new OpsbookCommand(), "run", dir.resolve("hello.md").toString(), "--yes", "--store", url,
                "--record-dir", dir.resolve("records").toString());

        assertThat(runs.exitCode()).isEqualTo(ExitCodes.INVALID);
        assertThat(runs.stderr().strip()).doesNotContain("\n").isEqualTo("error: the run store at H2 file " + dir.resolve("store").resolve("store")
                + " (single instance) has schema version " + newer + ", newer than this opsbook's " + known + ": a newer opsbook upgraded it; "
                + "use that opsbook, or a newer one, with this store");
        assertThat(run.exitCode()).as("run goes on without its store, as for any store it cannot use").isZero();
        assertThat(run.stdout() + run.stderr()).contains("warning: the run is not stored (the run store at H2 file ", "newer than this opsbook's " + known);
        assertThat(migrations(url)).as("no migration ran: the store is as the newer opsbook left it").isEqualTo(migrations);
        assertThat(count(url, "SELECT COUNT(*) FROM runs")).as("nothing written to it").isZero();
    }

    private static int migrations(String url) throws Exception {
        return count(url, "SELECT COUNT(*) FROM \"flyway_schema_history\"");
    }

    private static int count(String url, String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(url, "", ""); Statement st = c.createStatement(); ResultSet rows = st.executeQuery(sql)) {
            rows.next();
            return rows.getInt(1);
        }
    }

    @Test
    void a_store_that_cannot_be_reached_is_one_line_for_every_command_that_reads_it() throws Exception {
        int port;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
            port = free.getLocalPort(); // closed: nothing listens there now
        }
        String nowhere = "jdbc:postgresql://127.0.0.1:" + port + "/opsbook";
        for (String[] command : java.util.List.of(new String[] {"runs", "--store", nowhere}, new String[] {"show", "no-such-run", "--store", nowhere},
                new String[] {"audit", "verify", "no-such-run", "--store", nowhere})) {
            InProcessCli.Result result = InProcessCli.run(new OpsbookCommand(), command);
            assertThat(result.exitCode()).as(String.join(" ", command) + ": " + result.stderr()).isEqualTo(ExitCodes.INVALID);
            assertThat(result.stderr().strip()).as(command[0]).doesNotContain("\n").doesNotContain("Exception")
                    .startsWith("error: ").contains("cannot prepare the run store at PostgreSQL opsbook at 127.0.0.1:" + port + ": ");
        }
    }

    /** Records in the store's history a migration past what this opsbook knows, as a newer one would. */
    private static int upgradeAsIfNewer(String url) throws Exception {
        try (Connection c = DriverManager.getConnection(url, "", ""); Statement st = c.createStatement()) {
            st.executeUpdate("UPDATE \"flyway_schema_history\" SET \"version\" = '99' WHERE \"installed_rank\" = "
                    + "(SELECT MAX(\"installed_rank\") FROM \"flyway_schema_history\")");
            try (ResultSet rows = st.executeQuery("SELECT MAX(CAST(\"version\" AS INTEGER)) FROM \"flyway_schema_history\"")) {
                rows.next();
                return rows.getInt(1);
            }
        }
    }
}
