package dev.opsbook.docs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opsbook.aws.AwsClients;
import dev.opsbook.aws.AwsSettings;
import dev.opsbook.engine.Engine;
import dev.opsbook.engine.RunControl;
import dev.opsbook.engine.RunIds;
import dev.opsbook.engine.RunRequest;
import dev.opsbook.engine.RunResult;
import dev.opsbook.engine.RunState;
import dev.opsbook.engine.RunStatus;
import dev.opsbook.engine.SecretResolver;
import dev.opsbook.engine.StepExecutors;
import dev.opsbook.engine.StepStatus;
import dev.opsbook.graph.LoadedRunbook;
import dev.opsbook.graph.RunbookCatalog;
import dev.opsbook.graph.RunbookLoader;
import dev.opsbook.graph.SubRunbooks;
import dev.opsbook.service.ChildRunner;
import dev.opsbook.service.LocalChildren;
import dev.opsbook.service.RecordExport;
import dev.opsbook.service.RunRecords;
import dev.opsbook.service.StoringListener;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The examples of FORMAT.md that run with others ({@code with=}): written to one folder, the parent run with a store, as
 * {@code opsbook run} does, its children found there by id and run as child runs of their own.
 */
class FormatChildExamplesTest {

    private final Clock clock = Clock.systemUTC();
    private final RunbookLoader loader = new RunbookLoader(StandardSteps.all().catalog());

    static List<FormatExamplesTest.Example> parents() throws Exception {
        return FormatExamplesTest.examples().stream().filter(e -> !e.with().isEmpty()).toList();
    }

    @Test
    void the_runbook_section_has_parents_that_run_with_their_children() throws Exception {
        assertThat(parents()).extracting(FormatExamplesTest.Example::name).contains("parent-greets", "parent-upgrade");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("parents")
    void a_parent_example_runs_with_its_children_as_the_document_says(FormatExamplesTest.Example example, @TempDir Path dir) throws Exception {
        Map<String, FormatExamplesTest.Example> byName = new java.util.HashMap<>();
        FormatExamplesTest.examples().forEach(e -> byName.put(e.name(), e));
        Files.writeString(dir.resolve(example.name() + ".md"), example.text());
        for (String other : example.with()) {
            assertThat(byName).as(example + " runs with example " + other).containsKey(other);
            Files.writeString(dir.resolve(other + ".md"), byName.get(other).text());
        }
        RunStore store = JdbcRunStore.open(JdbcRunStore.embeddedUrl(dir.resolve("store")), "", "");
        try {
            RunbookCatalog catalog = RunbookCatalog.ofFolder(loader, dir);
            LoadedRunbook parent = SubRunbooks.check(loader.load(dir.resolve(example.name() + ".md")), catalog);
            assertThat(parent.diagnostics()).as(example + " with its children").isEmpty();
            RecordExport export = RecordExport.of(dir.resolve("records"), new RunRecords(store, loader),
                    new PrintStream(PrintStream.nullOutputStream()));
            StepExecutors[] executors = new StepExecutors[1];
            executors[0] = StandardSteps.with(new AwsClients(AwsSettings.DEFAULTS), new ChildRunner(store, loader, catalog,
                    new LocalChildren(store, loader, () -> executors[0], clock, id -> SecretResolver.NONE, export, DocsSupport.YES,
                            System.err), clock));
            String runId = RunIds.from(clock).get();
            RunResult result;
            try (Engine engine = new Engine(executors[0], clock, () -> runId)) {
                result = engine.run(new RunRequest(parent, Map.of(), "tester", "test", DocsSupport.YES, Optional.empty(), dir),
                        StoringListener.forNewRun(store, parent.runbook(), Optional.empty(), Optional.empty()), new RunControl());
            }

            assertThat(result.state().status()).as(example + ": " + result.state().message()).isEqualTo(example.expect());
            List<String> children = result.state().executions().values().stream().filter(x -> x.result() != null && x.result().has("run"))
                    .map(x -> x.result().path("run").asText()).toList();
            assertThat(children).as(example + " ran a child run").isNotEmpty()
                    .allMatch(child -> store.run(child).isPresent(), "stored as a run of its own");
            if (example.name().equals("parent-upgrade")) {
                RunState child = RunState.fold(store.events(runId + ".drain"));
                assertThat(child.message()).isEqualTo("its parent run " + runId + " rolls back its step 'drain'");
                assertThat(child.execution("uncordon/for-cordon").orElseThrow().status()).isEqualTo(StepStatus.SUCCEEDED);
                assertThat(result.state().execution("drain/for-drain").orElseThrow().status()).isEqualTo(StepStatus.SUCCEEDED);
            }
        } finally {
            store.close();
        }
    }
}
