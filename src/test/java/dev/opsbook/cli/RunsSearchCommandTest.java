package dev.opsbook.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.opsbook.engine.RunEvent;
import dev.opsbook.engine.RunStatus;
import dev.opsbook.store.JdbcRunStore;
import dev.opsbook.store.RunStore;
import dev.opsbook.store.StoredRun;
import dev.opsbook.testing.InProcessCli;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code opsbook runs --search --since --until}: what an on-call engineer types after an incident, and what a typo gets. */
class RunsSearchCommandTest {

    @TempDir
    Path dir;

    private record Result(int exit, String out, String err) {
    }

    @Test
    void runs_are_searched_by_their_words_within_a_time_range_and_a_bad_range_is_one_line_saying_how_to_write_it() {
        String url = JdbcRunStore.embeddedUrl(dir.resolve("store"));
        Instant now = Instant.now();
        try (RunStore store = JdbcRunStore.open(url, "", "")) {
            store(store, "today", "drain-node", "ip-10-0-3-17", now.minus(Duration.ofHours(1)));
            store(store, "last-month", "drain-node", "ip-10-0-9-99", now.minus(Duration.ofDays(30)));
        }

        Result found = opsbook("runs", "--search", "drain-node ip-10-0-3-17", "--store", url);
        assertThat(found.exit()).isZero();
        assertThat(found.out()).contains("today").doesNotContain("last-month");
        Result recent = opsbook("runs", "--search", "drain-node", "--since", "7d", "--store", url);
        assertThat(recent.out()).contains("today").doesNotContain("last-month");
        Result older = opsbook("runs", "--search", "drain-node", "--until", "24h", "--store", url);
        assertThat(older.out()).contains("last-month").doesNotContain("today");
        Result none = opsbook("runs", "--search", "nowhere", "--store", url);
        assertThat(none.exit()).isZero();
        assertThat(none.err()).startsWith("no runs match in H2 file");

        Result typo = opsbook("runs", "--since", "yesterdy", "--store", url);
        assertThat(typo.exit()).isEqualTo(ExitCodes.INVALID);
        assertThat(typo.err().strip()).isEqualTo("error: --since 'yesterdy' is not a time: write an instant (2026-11-23T03:00:00Z), "
                + "a date (2026-11-23, UTC) or how long ago (24h, 7d)");
        assertThat(opsbook("runs", "--search", "++", "--store", url).err()).contains("has no word to look for");
    }

    private static void store(RunStore store, String id, String runbook, String node, Instant at) {
        store.create(new StoredRun(id, runbook, "runbooks/" + runbook + ".md", "hash", RunStatus.RUNNING, "cli", "ada", Optional.empty(),
                        Optional.empty(), at, Optional.empty(), "", ""), "# " + runbook,
                new RunEvent.RunStarted(at, id, runbook, "Drain a node", "hash", JsonNodeFactory.instance.objectNode().put("node", node),
                        JsonNodeFactory.instance.objectNode(), "ada", "cli"));
    }

    /** The command in this JVM (it must talk to this test's serve or store), through the one lock on the JVM's streams. */
    private static Result opsbook(String... args) {
        InProcessCli.Result result = InProcessCli.run(new OpsbookCommand(), args);
        return new Result(result.exitCode(), result.stdout(), result.stderr());
    }
}
