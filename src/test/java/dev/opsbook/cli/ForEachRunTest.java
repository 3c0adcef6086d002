package dev.opsbook.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.opsbook.engine.RunStatus;
import dev.opsbook.engine.StepStatus;
import dev.opsbook.graph.RunbookLoader;
import dev.opsbook.service.Approvals;
import dev.opsbook.steps.StandardSteps;
import dev.opsbook.store.JdbcRunStore;
import dev.opsbook.store.RunQuery;
import dev.opsbook.store.RunStore;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A for-each step run by {@code opsbook run} with the store: one terminal line per item naming it, an approval per
 * item answered as {@code opsbook approve} does (each answer lets the next item start), and the stored run's audit
 * trail with one entry per item's start and end, each saying which item.
 */
class ForEachRunTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private String url;
    private RunStore store;
    private Path runbook;
    private Path records;

    @BeforeEach
    void prepare() throws Exception {
        url = JdbcRunStore.embeddedUrl(dir.resolve("store"));
        store = JdbcRunStore.open(url, "", "");
        runbook = dir.resolve("foreach-approve.md");
        Files.write(runbook, getClass().getResourceAsStream("/runbooks/engine/foreach-approve.md").readAllBytes());
        records = dir.resolve("records");
    }

    @AfterEach
    void close() {
        store.close();
    }

    /** The trail's entries of {@code type} for the items of {@code step}: index, value and, for an end, status. */
    private static List<String> entries(List<JsonNode> trail, String type, String step) {
        return trail.stream().filter(e -> e.path("type").asText().equals(type) && e.at("/data/step").asText().equals(step)
                        && e.at("/data/item").isInt())
                .map(e -> (e.at("/data/item").asInt() + " " + e.at("/data/value").asText() + " " + e.at("/data/status").asText()).strip())
                .toList();
    }

    private record Ran(int exit, String out) {
    }

    private static Ran capture(Callable<Integer> command) throws Exception {
        PrintStream original = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            return new Ran(command.call(), out.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(original);
        }
    }

    private void approve(String run, String by) throws Exception {
        Approvals.answer(store, new RunbookLoader(StandardSteps.all().catalog(), List.of()), run, "allow", true, by, "", "opsbook approve",
                Clock.systemUTC());
    }

    private Ran resume(String run) throws Exception {
        return capture(() -> new CommandLine(new ResumeCommand()).execute(run, "--record-dir", records.toString(), "--store", url));
    }

    @Test
    void each_item_waits_for_its_own_approval_and_the_terminal_the_record_and_the_audit_trail_name_every_item() throws Exception {
        Ran first = capture(() -> new CommandLine(new RunCommand()).execute(runbook.toString(), "--record-dir", records.toString(),
                "--store", url));
        assertThat(first.exit()).as("without a terminal the approval waits: " + first.out()).isEqualTo(1);
        String run = store.runs(RunQuery.latest(1)).get(0).id();
        var waiting = dev.opsbook.engine.RunState.fold(store.events(run));
        assertThat(waiting.status()).isEqualTo(RunStatus.WAITING);
        assertThat(store.runs(RunQuery.latest(1)).get(0).waitingFor()).as("what opsbook runs says it waits at").isEqualTo("allow[0]");
        assertThat(waiting.execution("allow[0]").orElseThrow().status()).isEqualTo(StepStatus.WAITING);
        assertThat(waiting.execution("allow[1]")).as("concurrency=1: a waiting item holds the step's one place").isEmpty();
        assertThat(first.out()).contains("▶ allow", "2 items from params.hosts", "▶ allow[0] web-1");

        approve(run, "erin");
        Ran second = resume(run);
        assertThat(second.exit()).as(second.out()).isEqualTo(1);
        var next = dev.opsbook.engine.RunState.fold(store.events(run));
        assertThat(next.execution("allow[0]").orElseThrow().status()).isEqualTo(StepStatus.SUCCEEDED);
        assertThat(next.execution("allow[1]").orElseThrow().status()).as("the answer let the next item start").isEqualTo(StepStatus.WAITING);
        assertThat(next.execution("restart")).isEmpty();

        approve(run, "frank");
        Ran last = resume(run);
        assertThat(last.exit()).as(last.out()).isZero();
        assertThat(last.out()).contains("▶ restart[0] web-1", "restart[1] web-2 succeeded", "restart succeeded", "2 items: 2 succeeded");

        String record = Files.readString(records.resolve("foreach-approve/" + run + ".md"));
        assertThat(record.split("\\*\\*Items\\*\\*", -1)).as("each for-each step shown once").hasSize(3);
        assertThat(record).contains("Approved by **erin**", "Approved by **frank**", "restarted web-2");
        assertThat(record.indexOf("Approved by **erin**")).as("in item 0's details").isLessThan(record.indexOf("Approved by **frank**"));

        List<JsonNode> trail = Files.readAllLines(records.resolve("foreach-approve/" + run + ".audit.jsonl")).stream()
                .map(line -> {
                    try {
                        return JSON.readTree(line);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }).toList();
        assertThat(entries(trail, "step-started", "restart")).containsExactly("0 web-1", "1 web-2");
        assertThat(entries(trail, "step-finished", "restart")).containsExactly("0 web-1 succeeded", "1 web-2 succeeded");
        // an approval's item stops as waiting, and starts again when the run resumes with its answer, as any approval does
        assertThat(entries(trail, "step-started", "allow")).containsExactly("0 web-1", "0 web-1", "1 web-2", "1 web-2");
        assertThat(entries(trail, "step-finished", "allow"))
                .containsExactly("0 web-1 waiting", "0 web-1 succeeded", "1 web-2 waiting", "1 web-2 succeeded");
        List<JsonNode> answers = trail.stream().filter(e -> e.path("type").asText().equals("answer")).toList();
        assertThat(answers).extracting(e -> e.at("/data/item").asInt() + " " + e.at("/data/by").asText()).containsExactly("0 erin", "1 frank");
    }

    @Test
    void with_two_items_waiting_opsbook_approve_answers_the_item_its_key_names() throws Exception {
        Path together = dir.resolve("foreach-approve-together.md");
        Files.write(together, getClass().getResourceAsStream("/runbooks/engine/foreach-approve-together.md").readAllBytes());
        Ran first = capture(() -> new CommandLine(new RunCommand()).execute(together.toString(), "--record-dir", records.toString(),
                "--store", url));
        assertThat(first.exit()).as(first.out()).isEqualTo(1);
        String run = store.runs(RunQuery.latest(1)).get(0).id();

        Approvals.answer(store, new RunbookLoader(StandardSteps.all().catalog(), List.of()), run, "allow[1]", true, "frank", "", "opsbook approve",
                Clock.systemUTC());

        var state = dev.opsbook.engine.RunState.fold(store.events(run));
        assertThat(state.execution("allow[1]").orElseThrow().answer().orElseThrow().by()).isEqualTo("frank");
        assertThat(state.execution("allow[0]").orElseThrow().answer()).as("the other item still waits for its own answer").isEmpty();
    }
}
