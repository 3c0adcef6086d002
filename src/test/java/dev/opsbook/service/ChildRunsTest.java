package dev.opsbook.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opsbook.aws.AwsClients;
import dev.opsbook.aws.AwsSettings;
import dev.opsbook.engine.Engine;
import dev.opsbook.engine.Interaction;
import dev.opsbook.engine.RunControl;
import dev.opsbook.engine.RunEvent;
import dev.opsbook.engine.RunIds;
import dev.opsbook.engine.RunRequest;
import dev.opsbook.engine.RunResult;
import dev.opsbook.engine.RunStatus;
import dev.opsbook.engine.SecretResolver;
import dev.opsbook.engine.StepExecutors;
import dev.opsbook.graph.LoadedRunbook;
import dev.opsbook.graph.RunbookCatalog;
import dev.opsbook.graph.RunbookLoader;
import dev.opsbook.graph.SubRunbooks;
import dev.opsbook.steps.StandardSteps;
import dev.opsbook.store.JdbcRunStore;
import dev.opsbook.store.RunStore;
import dev.opsbook.store.StoredRun;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A runbook step's child run, at a terminal with a store: a run of its own, linked both ways, cancelled and waited for with its parent. */
class ChildRunsTest {

    @TempDir
    Path dir;

    private RunStore store;
    private final Clock clock = Clock.systemUTC();
    private final RunbookLoader loader = new RunbookLoader(StandardSteps.all().catalog());
    private RunbookCatalog catalog;
    private RecordExport export;

    @BeforeEach
    void open() throws Exception {
        store = JdbcRunStore.open(JdbcRunStore.embeddedUrl(dir.resolve("store")), "", "");
        catalog = RunbookCatalog.ofFolder(loader, dir);
        export = RecordExport.of(dir.resolve("records"), new RunRecords(store, loader), new PrintStream(PrintStream.nullOutputStream()));
        Files.writeString(dir.resolve("greet.md"), """
                ---
                id: greet
                parameters:
                  name: { type: string }
                  greeting: { type: string, default: hello }
                outputs:
                  said: steps.say.result.json.said
                ---
                ```shell id=say
                echo "{\\"said\\": \\"{{ params.greeting }} {{ params.name }}\\"}"
                ```
                """);
        Files.writeString(dir.resolve("parent.md"), """
                ---
                id: parent
                ---
                ```runbook id=greet
                runbook: greet
                parameters: { name: world }
                ```

                ```shell id=echo needs=greet
                echo "{\\"heard\\": \\"{{ steps.greet.outputs.said }}\\"}"
                ```
                """);
    }

    @AfterEach
    void close() {
        store.close();
    }

    private ChildRunner children(Interaction who, StepExecutors[] executors) {
        return new ChildRunner(store, loader, catalog, new LocalChildren(store, loader, () -> executors[0], clock, id -> SecretResolver.NONE,
                export, who, System.err), clock);
    }

    private StepExecutors executors(Interaction who) {
        StepExecutors[] executors = new StepExecutors[1];
        executors[0] = StandardSteps.with(new AwsClients(AwsSettings.DEFAULTS), children(who, executors));
        return executors[0];
    }

    private RunResult run(String file, Interaction who, RunControl control) throws Exception {
        LoadedRunbook parent = SubRunbooks.check(loader.load(dir.resolve(file)), catalog);
        assertThat(parent.errors()).isEmpty();
        String runId = RunIds.from(clock).get();
        try (Engine engine = new Engine(executors(who), clock, () -> runId)) {
            return engine.run(new RunRequest(parent, Map.of(), "tester", "cli", who, Optional.empty(), dir),
                    StoringListener.forNewRun(store, parent.runbook(), Optional.empty(), Optional.empty()), control);
        }
    }

    private static String child(RunResult parent, String step) {
        return parent.state().runId() + "." + step;
    }

    @Test
    void the_child_is_a_stored_run_of_its_own_that_names_its_parent_and_the_parent_reads_its_outputs() throws Exception {
        RunResult parent = run("parent.md", Interaction.NOBODY, new RunControl());

        assertThat(parent.state().status()).as(parent.state().message()).isEqualTo(RunStatus.SUCCEEDED);
        StoredRun child = store.run(child(parent, "greet")).orElseThrow();
        assertThat(child.runbookId()).isEqualTo("greet");
        assertThat(child.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(child.startedBy()).isEqualTo("runbook:" + parent.state().runId() + "/greet");
        assertThat(child.trigger()).isEqualTo("runbook");
        var greet = parent.state().execution("greet").orElseThrow();
        assertThat(greet.result().path("run").asText()).isEqualTo(child.id());
        assertThat(greet.outputs().path("said").asText()).isEqualTo("hello world");
        assertThat(parent.state().execution("echo").orElseThrow().result().path("json").path("heard").asText()).isEqualTo("hello world");
        String childRecord = Files.readString(dir.resolve("records/greet/" + child.id() + ".md"));
        assertThat(childRecord).contains("runbook:" + parent.state().runId() + "/greet");
        assertThat(dir.resolve("records/greet/" + child.id() + ".audit.jsonl")).exists();
    }

    @Test
    void a_failed_child_fails_the_parents_step_with_its_message_and_run_id() throws Exception {
        Files.writeString(dir.resolve("greet.md"), "---\nid: greet\nparameters:\n  name: { type: string }\n---\n"
                + "```shell id=say\necho 'no greeting today' >&2; exit 3\n```\n");

        RunResult parent = run("parent.md", Interaction.NOBODY, new RunControl());

        assertThat(parent.state().status()).isEqualTo(RunStatus.FAILED);
        assertThat(parent.state().execution("greet").orElseThrow().message())
                .startsWith("child run " + child(parent, "greet") + " of greet failed: step 'say' failed: exit code 3");
        assertThat(store.run(child(parent, "greet")).orElseThrow().status()).isEqualTo(RunStatus.FAILED);
    }

    @Test
    void a_child_waiting_for_a_person_makes_the_parent_wait_and_the_answer_lets_both_go_on() throws Exception {
        Files.writeString(dir.resolve("greet.md"), "---\nid: greet\nparameters:\n  name: { type: string }\n"
                + "outputs: { said: steps.say.result.json.said }\n---\n"
                + "```approve id=ok\nprompt: Greet?\n```\n\n```shell id=say needs=ok\necho '{\"said\": \"hi\"}'\n```\n");

        RunResult waiting = run("parent.md", Interaction.NOBODY, new RunControl());
        String parentId = waiting.state().runId();
        String childId = child(waiting, "greet");

        assertThat(waiting.state().status()).isEqualTo(RunStatus.WAITING);
        assertThat(store.run(childId).orElseThrow().status()).isEqualTo(RunStatus.WAITING);
        assertThat(waiting.state().execution("greet").orElseThrow().message())
                .contains("child run " + childId + " of greet waits").contains("opsbook approve " + childId + " ok");

        Approvals.answer(store, loader, childId, "ok", true, "alice", "", "cli", clock);
        List<RunEvent> events = store.events(parentId);
        assertThat(Approvals.resumable(events)).as("the parent is answered too").isTrue();
        List<RunEvent> history = Approvals.claim(store, parentId, events, new RunEvent.RunResumed(clock.instant(), "alice")).orElseThrow();
        LoadedRunbook parent = loader.load(store.run(parentId).orElseThrow().runbookFile(), store.runbookText(parentId).orElseThrow());
        RunResult resumed;
        try (Engine engine = new Engine(executors(Interaction.NOBODY), clock, () -> parentId)) {
            resumed = engine.resume(new RunRequest(parent, Map.of(), "tester", "cli", Interaction.NOBODY, Optional.empty(), dir), history,
                    "alice", StoringListener.continuing(store, history.size()), new RunControl());
        }

        assertThat(resumed.state().status()).as(resumed.state().message()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(store.run(childId).orElseThrow().status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(resumed.state().execution("echo").orElseThrow().result().path("json").path("heard").asText()).isEqualTo("hi");
    }

    @Test
    void cancelling_the_parent_cancels_the_child() throws Exception {
        Files.writeString(dir.resolve("greet.md"), "---\nid: greet\nparameters:\n  name: { type: string }\n---\n"
                + "```shell id=say\nsleep 30\n```\n");
        RunControl control = new RunControl();
        CompletableFuture<RunResult> parent = CompletableFuture.supplyAsync(() -> {
            try {
                return run("parent.md", Interaction.NOBODY, control);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        long until = System.nanoTime() + 20_000_000_000L;
        while (store.runs(new dev.opsbook.store.RunQuery(Optional.of("greet"), Optional.empty(), Optional.empty(), 10)).isEmpty()
                && System.nanoTime() < until) {
            Thread.sleep(50);
        }
        control.cancel("stop it");
        RunResult result = parent.get();

        assertThat(result.state().status()).isEqualTo(RunStatus.CANCELLED);
        // the parent's step is let go at once; its child stops a moment later, once its own step is stopped
        until = System.nanoTime() + 15_000_000_000L;
        while (store.run(child(result, "greet")).orElseThrow().status() == RunStatus.RUNNING && System.nanoTime() < until) {
            Thread.sleep(50);
        }
        StoredRun child = store.run(child(result, "greet")).orElseThrow();
        assertThat(child.status()).as(store.events(child.id()) + "\n" + result.events()).isEqualTo(RunStatus.CANCELLED);
        assertThat(RunEventsText.of(store.events(child.id()))).contains("its parent run " + result.state().runId());
    }

    /** The events' text, to look for a message in them. */
    private static final class RunEventsText {
        static String of(List<RunEvent> events) {
            return events.toString();
        }
    }
}
