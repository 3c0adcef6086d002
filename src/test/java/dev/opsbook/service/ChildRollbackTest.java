package dev.opsbook.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opsbook.aws.AwsClients;
import dev.opsbook.aws.AwsSettings;
import dev.opsbook.engine.Engine;
import dev.opsbook.engine.Interaction;
import dev.opsbook.engine.Role;
import dev.opsbook.engine.RunControl;
import dev.opsbook.engine.RunEvent;
import dev.opsbook.engine.RunIds;
import dev.opsbook.engine.RunRequest;
import dev.opsbook.engine.RunResult;
import dev.opsbook.engine.RunState;
import dev.opsbook.engine.RunStatus;
import dev.opsbook.engine.SecretResolver;
import dev.opsbook.engine.StepExecution;
import dev.opsbook.engine.StepExecutors;
import dev.opsbook.engine.StepStatus;
import dev.opsbook.graph.LoadedRunbook;
import dev.opsbook.graph.RunbookCatalog;
import dev.opsbook.graph.RunbookLoader;
import dev.opsbook.graph.SubRunbooks;
import dev.opsbook.steps.StandardSteps;
import dev.opsbook.store.JdbcRunStore;
import dev.opsbook.store.RunStore;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The parent's rollback of a runbook step runs the child's own rollbacks, in the child's run and record; the records of
 * parent and child link each other.
 */
class ChildRollbackTest {

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
        Files.writeString(dir.resolve("drain.md"), """
                ---
                id: drain
                parameters:
                  node: { type: string }
                ---
                ```shell id=cordon rollback=uncordon
                echo "cordoned {{ params.node }}"
                ```

                ```shell id=evict needs=cordon rollback=readmit
                echo "evicted the pods of {{ params.node }}"
                ```

                ```shell id=note needs=evict
                echo "drained"
                ```

                ```shell id=uncordon
                echo "uncordoned {{ params.node }}"
                ```

                ```shell id=readmit
                echo "pods may come back to {{ params.node }}"
                ```
                """);
    }

    @AfterEach
    void close() {
        store.close();
    }

    private StepExecutors executors() {
        StepExecutors[] executors = new StepExecutors[1];
        executors[0] = StandardSteps.with(new AwsClients(AwsSettings.DEFAULTS), new ChildRunner(store, loader, catalog,
                new LocalChildren(store, loader, () -> executors[0], clock, id -> SecretResolver.NONE, export, Interaction.NOBODY,
                        System.err), clock));
        return executors[0];
    }

    private RunResult run(String file) throws Exception {
        LoadedRunbook parent = SubRunbooks.check(loader.load(dir.resolve(file)), catalog);
        assertThat(parent.errors()).isEmpty();
        String runId = RunIds.from(clock).get();
        try (Engine engine = new Engine(executors(), clock, () -> runId)) {
            return engine.run(new RunRequest(parent, Map.of(), "tester", "cli", Interaction.NOBODY, Optional.empty(), dir),
                    StoringListener.forNewRun(store, parent.runbook(), Optional.empty(), Optional.empty()), new RunControl());
        }
    }

    private List<String> rollbacks(RunState state) {
        return state.executions().values().stream().filter(x -> x.role() == Role.ROLLBACK)
                .map(x -> x.stepId() + " for " + x.forStep().orElseThrow() + " " + x.status().label()).toList();
    }

    @Test
    void a_failed_parent_rolls_back_its_runbook_step_by_the_childs_own_rollbacks_latest_first() throws Exception {
        Files.writeString(dir.resolve("parent.md"), """
                ---
                id: parent
                ---
                ```runbook id=drain rollback=page
                runbook: drain
                parameters: { node: node-7 }
                ```

                ```shell id=upgrade needs=drain
                echo "kernel upgrade failed" >&2; exit 1
                ```

                ```shell id=page
                echo "paged"
                ```
                """);

        RunResult parent = run("parent.md");

        assertThat(parent.state().status()).isEqualTo(RunStatus.FAILED);
        assertThat(parent.state().message()).contains("kernel upgrade failed");
        String childId = parent.state().runId() + ".drain";
        StepExecution undo = parent.state().execution("drain/for-drain").orElseThrow();
        assertThat(undo.status()).as(undo.message()).isEqualTo(StepStatus.SUCCEEDED);
        assertThat(undo.result().path("run").asText()).isEqualTo(childId);
        assertThat(undo.result().path("message").asText()).contains("rolled back: 'readmit' for 'evict', 'uncordon' for 'cordon'");
        assertThat(rollbacks(parent.state())).as("the child is undone first, then the step's own rollback=")
                .containsExactly("drain for drain succeeded", "page for drain succeeded");

        RunState child = RunState.fold(store.events(childId));
        assertThat(child.status()).isEqualTo(RunStatus.FAILED);
        assertThat(child.message()).isEqualTo("its parent run " + parent.state().runId() + " rolls back its step 'drain'");
        assertThat(rollbacks(child)).containsExactly("readmit for evict succeeded", "uncordon for cordon succeeded");
        assertThat(child.execution("uncordon/for-cordon").orElseThrow().attempts().get(0).result().path("stdout").asText())
                .contains("uncordoned node-7");
        assertThat(store.events(childId)).anyMatch(e -> e instanceof RunEvent.RollbackRequested);
        assertThat(store.run(childId).orElseThrow().status()).isEqualTo(RunStatus.FAILED);

        String childRecord = Files.readString(dir.resolve("records/drain/" + childId + ".md"));
        assertThat(childRecord).contains("Rollback requested by runbook:" + parent.state().runId() + "/drain")
                .contains("uncordon").contains("readmit");
        export.write(parent.state().runId());
        String parentRecord = Files.readString(dir.resolve("records/parent/" + parent.state().runId() + ".md"));
        assertThat(parentRecord).contains("as rollback for `drain`");
    }

    @Test
    void each_item_of_a_for_each_runbook_step_is_rolled_back_in_its_own_child() throws Exception {
        Files.writeString(dir.resolve("parent.md"), """
                ---
                id: parent
                ---
                ```shell id=list
                echo '{"nodes": ["a", "b"]}'
                ```

                ```runbook id=drain needs=list foreach="steps.list.result.json.nodes"
                runbook: drain
                parameters: { node: "{{ item }}" }
                ```

                ```shell id=upgrade needs=drain
                exit 1
                ```
                """);

        RunResult parent = run("parent.md");

        assertThat(parent.state().status()).isEqualTo(RunStatus.FAILED);
        assertThat(rollbacks(parent.state())).containsExactlyInAnyOrder("drain for drain[0] succeeded", "drain for drain[1] succeeded");
        for (String item : List.of("drain-0-", "drain-1-")) {
            RunState child = RunState.fold(store.events(parent.state().runId() + "." + item));
            assertThat(rollbacks(child)).containsExactly("readmit for evict succeeded", "uncordon for cordon succeeded");
        }
    }

    @Test
    void the_parents_record_links_each_childs_record_and_the_child_links_back() throws Exception {
        Files.writeString(dir.resolve("parent.md"), """
                ---
                id: parent
                ---
                ```runbook id=drain
                runbook: drain
                parameters: { node: node-7 }
                ```
                """);

        RunResult parent = run("parent.md");
        String parentId = parent.state().runId();
        String childId = parentId + ".drain";
        export.write(parentId);

        assertThat(parent.state().status()).isEqualTo(RunStatus.SUCCEEDED);
        Path parentFile = dir.resolve("records/parent/" + parentId + ".md");
        Path childFile = dir.resolve("records/drain/" + childId + ".md");
        String parentRecord = Files.readString(parentFile);
        String childRecord = Files.readString(childFile);
        assertThat(parentRecord).contains("Child run [`" + childId + "`](../drain/" + childId + ".md)");
        assertThat(childRecord).contains("Child run of [`" + parentId + "`](../parent/" + parentId + ".md), step `drain`");
        assertThat(parentFile.getParent().resolve("../drain/" + childId + ".md").normalize()).as("the link leads to the child's file")
                .isEqualTo(childFile.normalize());
        String html = new RunRecords(store, loader).of(parentId).orElseThrow().html();
        assertThat(html).contains("<a href=\"../drain/" + childId + ".md\"><code>" + childId + "</code></a>");
    }
}
