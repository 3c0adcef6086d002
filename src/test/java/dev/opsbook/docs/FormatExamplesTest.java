package dev.opsbook.docs;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.opsbook.aws.AwsClients;
import dev.opsbook.aws.AwsFakes;
import dev.opsbook.aws.AwsSettings;
import dev.opsbook.aws.AwsSteps;
import dev.opsbook.aws.OperationSafety;
import dev.opsbook.engine.Engine;
import dev.opsbook.engine.Role;
import dev.opsbook.engine.RunListener;
import dev.opsbook.engine.RunRequest;
import dev.opsbook.engine.RunResult;
import dev.opsbook.engine.RunStatus;
import dev.opsbook.engine.StepExecution;
import dev.opsbook.graph.LoadedRunbook;
import dev.opsbook.graph.RunbookLoader;
import dev.opsbook.record.MarkdownRecord;
import dev.opsbook.runbook.Diagnostic;
import dev.opsbook.runbook.RunbookKind;
import dev.opsbook.runbook.Step;
import dev.opsbook.runbook.StepForm;
import dev.opsbook.steps.StandardSteps;
import dev.opsbook.trigger.TriggerPatternCheck;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * docs/FORMAT.md is the format's reference, so its examples must be true: each complete example
 * follows a comment {@code <!-- example: NAME [invalid] [expect=STATUS] -->} and sits in a
 * {@code ````markdown} block. Valid ones load with no diagnostic and, when they need only bash
 * and a person, run to the status the document says; invalid ones report exactly the lines of
 * the first {@code ```text} block after them. Examples that call AWS are only validated, except
 * {@code aws-reboot}, which runs against WireMock standing in for EC2. An example marked {@code with=OTHER,...} runs
 * with those examples in one folder (a parent with its children), in FormatChildExamplesTest.
 */
class FormatExamplesTest {

    private static final Path DOC = DocsSupport.projectRoot().resolve("docs/FORMAT.md");
    private static final Pattern MARKER = Pattern.compile("<!-- example: (.*?) -->");
    private static final Pattern FENCE = Pattern.compile(" {0,3}(`{3,}|~{3,})(.*)");
    /** Kinds an example may use and still be run by this test: nothing but bash, python and a person (and no assert with an AWS call). */
    private static final Set<String> RUNNABLE_KINDS = Set.of("shell", "python", "assert", "manual", "approve");

    /** {@code <!-- escalation-path: NAME -->} before a ````yaml block: a shared escalation path the examples may name. */
    private static final Pattern PATH_MARKER = Pattern.compile("<!-- escalation-path: ([A-Za-z0-9_.-]+) -->");

    /**
     * As the CLI loads runbooks: event patterns checked by event-ruler too, python steps by python3; shared escalation paths
     * from the document's {@code escalation-path} blocks, as serve finds them in its runbook folders.
     */
    private final RunbookLoader loader = new RunbookLoader(StandardSteps.all().catalog(),
            List.of(new TriggerPatternCheck(), new dev.opsbook.steps.PythonCheck("python3")))
            .findingEscalationPathsIn(List.of(escalationPaths()));

    /** The document's shared escalation paths, written to {@code target/format-examples/escalation-paths/NAME.yaml}. */
    static Path escalationPaths() {
        Path folder = DocsSupport.projectRoot().resolve("target/format-examples");
        try {
            List<String> lines = Files.readAllLines(DOC);
            Files.createDirectories(folder.resolve("escalation-paths"));
            for (int i = 0; i < lines.size(); i++) {
                Matcher marker = PATH_MARKER.matcher(lines.get(i).strip());
                if (!marker.matches()) {
                    continue;
                }
                assertThat(lines.get(i + 1)).as("FORMAT.md:" + (i + 1) + ": an escalation-path comment is followed by ````yaml")
                        .isEqualTo("````yaml");
                StringBuilder text = new StringBuilder();
                for (int j = i + 2; !lines.get(j).equals("````"); j++) {
                    text.append(lines.get(j)).append('\n');
                }
                Files.writeString(folder.resolve("escalation-paths/" + marker.group(1) + ".yaml"), text);
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return folder;
    }

    /** One example as the document gives it; {@code line} is where its comment is, for messages. */
    /** @param with the examples it runs with, in one folder ({@code with=A,B}): its child runbooks (FormatChildExamplesTest) */
    record Example(String name, boolean invalid, RunStatus expect, String text, List<String> diagnostics, int line, List<String> with) {
        @Override
        public String toString() {
            return name + " (FORMAT.md:" + line + ")";
        }
    }

    static List<Example> examples() throws IOException {
        List<String> lines = Files.readAllLines(DOC);
        List<Example> examples = new ArrayList<>();
        String openFence = null; // a marker inside a code block is an illustration, not an example
        for (int i = 0; i < lines.size(); i++) {
            Matcher fence = FENCE.matcher(lines.get(i));
            if (fence.matches()) {
                if (openFence == null) {
                    openFence = fence.group(1);
                } else if (fence.group(1).startsWith(openFence) && fence.group(2).isBlank()) {
                    openFence = null;
                }
                continue;
            }
            Matcher marker = MARKER.matcher(lines.get(i).strip());
            if (openFence != null || !marker.matches()) {
                continue;
            }
            int at = i + 1;
            String[] words = marker.group(1).strip().split("\\s+");
            boolean invalid = false;
            RunStatus expect = RunStatus.SUCCEEDED;
            List<String> with = List.of();
            for (String word : List.of(words).subList(1, words.length)) {
                if (word.equals("invalid")) {
                    invalid = true;
                } else if (word.startsWith("expect=")) {
                    expect = RunStatus.valueOf(word.substring("expect=".length()).toUpperCase(Locale.ROOT));
                } else if (word.startsWith("with=")) {
                    with = List.of(word.substring("with=".length()).split(","));
                } else {
                    fail("FORMAT.md:" + at + ": unknown word '" + word + "' in the example comment");
                }
            }
            if (i + 1 >= lines.size() || !lines.get(i + 1).equals("````markdown")) {
                fail("FORMAT.md:" + at + ": the example comment must be followed by a line ````markdown");
            }
            StringBuilder text = new StringBuilder();
            int j = i + 2;
            while (j < lines.size() && !lines.get(j).equals("````")) {
                text.append(lines.get(j)).append('\n');
                j++;
            }
            if (j >= lines.size()) {
                fail("FORMAT.md:" + at + ": the ````markdown block of example " + words[0] + " is never closed");
            }
            examples.add(new Example(words[0], invalid, expect, text.toString(), documentedDiagnostics(lines, j + 1), at, with));
            i = j;
        }
        return examples;
    }

    /** The lines of the first ```text block after an example, before the next example. */
    private static List<String> documentedDiagnostics(List<String> lines, int from) {
        for (int i = from; i < lines.size() && !MARKER.matcher(lines.get(i).strip()).matches(); i++) {
            if (lines.get(i).equals("```text")) {
                List<String> block = new ArrayList<>();
                for (int j = i + 1; j < lines.size() && !lines.get(j).equals("```"); j++) {
                    if (!lines.get(j).isBlank()) {
                        block.add(lines.get(j));
                    }
                }
                return block;
            }
        }
        return List.of();
    }

    static List<Example> validExamples() throws IOException {
        return examples().stream().filter(e -> !e.invalid()).toList();
    }

    static List<Example> invalidExamples() throws IOException {
        return examples().stream().filter(Example::invalid).toList();
    }

    @Test
    void the_document_has_at_least_six_examples_with_distinct_names() throws IOException {
        List<Example> examples = examples();

        assertThat(examples).hasSizeGreaterThanOrEqualTo(6);
        assertThat(examples).extracting(Example::name).doesNotHaveDuplicates();
        assertThat(examples).anyMatch(Example::invalid);
    }

    @Test
    void the_examples_cover_every_part_of_the_format_a_reader_starts_with() throws IOException {
        List<LoadedRunbook> valid = validExamples().stream().map(this::load).toList();
        List<Step> steps = valid.stream().flatMap(l -> l.runbook().steps().stream()).toList();

        assertThat(valid).as("a minimal runbook: no front matter, one step")
                .anyMatch(l -> l.runbook().bodyOffset() == 0 && l.runbook().steps().size() == 1);
        assertThat(valid).as("parameters with a pattern and an enum")
                .anyMatch(l -> l.runbook().parameters().stream().anyMatch(p -> p.pattern().isPresent())
                        && l.runbook().parameters().stream().anyMatch(p -> !p.allowedValues().isEmpty()));
        assertThat(steps).as("a join of parallel branches").anyMatch(s -> s.explicitNeeds().map(n -> n.size() > 1).orElse(false));
        assertThat(steps).as("a rollback").anyMatch(s -> s.rollback().isPresent());
        assertThat(steps).as("retries").anyMatch(s -> s.retries() > 0);
        assertThat(steps).as("a timeout").anyMatch(s -> s.timeout().isPresent());
        assertThat(steps).as("a task-list item").anyMatch(s -> s.form() == StepForm.TASK_ITEM);
        assertThat(steps).as("an approval").anyMatch(s -> s.kind().equals("approve"));
        assertThat(valid).as("escalation as a list of tiers and as a shared path's name, its tiers read")
                .anyMatch(l -> l.escalation().map(e -> e.path().isEmpty() && e.tiers().size() > 1).orElse(false))
                .anyMatch(l -> l.escalation().map(e -> e.path().isPresent() && e.tiers().size() > 1).orElse(false));
        assertThat(valid).as("triggers with concurrency, limits and escalation")
                .anyMatch(l -> !l.runbook().triggers().isEmpty() && l.runbook().concurrency().isPresent()
                        && l.runbook().limits().isPresent() && l.runbook().escalation().isPresent());
        assertThat(steps).as("an aws step that reads").anyMatch(s -> s.kind().equals("aws")
                && OperationSafety.isReadOnly(s.settings().path("service").asText(), s.settings().path("operation").asText()));
        assertThat(steps).as("an aws step that changes things").anyMatch(s -> s.kind().equals("aws")
                && !OperationSafety.isReadOnly(s.settings().path("service").asText(), s.settings().path("operation").asText()));
        assertThat(steps).as("a wait").anyMatch(s -> s.kind().equals("wait"));
        assertThat(steps).as("an assert with an AWS call").anyMatch(s -> s.kind().equals("assert") && AwsSteps.callsAws(s));
        assertThat(valid).as("a playbook allowed one mutating call").anyMatch(l -> l.runbook().kind() == RunbookKind.PLAYBOOK
                && l.runbook().steps().stream().anyMatch(s -> s.settings().path("mutating").asBoolean(false)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("validExamples")
    void a_valid_example_loads_with_no_diagnostic(Example example) {
        LoadedRunbook loaded = load(example);

        assertThat(loaded.diagnostics()).as(example + " should be valid").extracting(Diagnostic::toString).isEmpty();
        assertThat(loaded.runbook().steps()).as(example + " has steps").isNotEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidExamples")
    void an_invalid_example_reports_exactly_the_documented_diagnostics(Example example) {
        LoadedRunbook loaded = load(example);

        assertThat(loaded.hasErrors()).as(example + " should have errors").isTrue();
        assertThat(example.diagnostics()).as(example + " documents its diagnostics in a ```text block after it").isNotEmpty();
        assertThat(loaded.diagnostics()).extracting(Diagnostic::toString)
                .as("diagnostics of " + example)
                .containsExactlyElementsOf(example.diagnostics());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("validExamples")
    void a_runnable_example_ends_as_the_document_says(Example example, @TempDir Path dir) throws Exception {
        LoadedRunbook loaded = load(example);
        boolean runnable = loaded.runbook().steps().stream().allMatch(s -> RUNNABLE_KINDS.contains(s.kind()) && !AwsSteps.callsAws(s));
        if (!example.with().isEmpty()) {
            return; // run with its children by FormatChildExamplesTest
        }
        if (!runnable) {
            assertThat(example.expect()).as(example + " cannot be run here, so it cannot promise a status")
                    .isEqualTo(RunStatus.SUCCEEDED);
            return;
        }

        RunResult result = run(loaded, dir);

        assertThat(result.state().status()).as(example + ": " + result.state().message()).isEqualTo(example.expect());
        assertThat(MarkdownRecord.render(result)).contains("**" + example.expect().label() + "**");
    }

    @Test
    void the_rollback_example_runs_its_handler_then_its_rollbacks_latest_first(@TempDir Path dir) throws Exception {
        Example example = examples().stream().filter(e -> e.name().equals("rollback")).findFirst().orElseThrow();

        RunResult result = run(load(example), dir);

        assertThat(result.state().status()).isEqualTo(RunStatus.FAILED);
        assertThat(result.state().message())
                .isEqualTo("step 'cutover' failed: exit code 1: old load balancer still has connections");
        List<StepExecution> handlers = result.state().executions().values().stream()
                .filter(x -> x.role() != Role.NORMAL).toList();
        assertThat(handlers).extracting(x -> x.role() + " " + x.stepId() + " for " + x.forStep().orElseThrow())
                .containsExactly("ON_FAILURE collect-logs for cutover", "ROLLBACK restore-dns for dns",
                        "ROLLBACK deregister for register");
        assertThat(MarkdownRecord.render(result))
                .contains("as on-failure for `cutover`")
                .contains("as rollback for `dns`")
                .contains("as rollback for `register`")
                .contains("saving evidence: exit code 1: old load balancer still has connections");
    }

    @Test
    void the_aws_example_runs_against_a_fake_ec2(@TempDir Path dir) throws Exception {
        Example example = examples().stream().filter(e -> e.name().equals("aws-reboot")).findFirst().orElseThrow();
        AwsFakes.fakeCredentials();
        WireMockServer ec2 = new WireMockServer(options().dynamicPort());
        ec2.start();
        try {
            String instance = "<instanceId>i-0123456789abcdef0</instanceId><instanceState><code>16</code><name>running</name></instanceState>";
            ec2.stubFor(post("/").withRequestBody(containing("Action=DescribeInstanceStatus")).inScenario("reboot")
                    .whenScenarioStateIs(Scenario.STARTED).willSetStateTo("rebooted")
                    .willReturn(AwsFakes.ec2("DescribeInstanceStatus", "req-status", "<instanceStatusSet><item>" + instance
                            + "<systemStatus><status>ok</status></systemStatus><instanceStatus><status>impaired</status></instanceStatus>"
                            + "</item></instanceStatusSet>")));
            ec2.stubFor(post("/").withRequestBody(containing("Action=DescribeInstanceStatus")).inScenario("reboot")
                    .whenScenarioStateIs("rebooted")
                    .willReturn(AwsFakes.ec2("DescribeInstanceStatus", "req-healthy", "<instanceStatusSet><item>" + instance
                            + "<systemStatus><status>ok</status></systemStatus><instanceStatus><status>ok</status></instanceStatus>"
                            + "</item></instanceStatusSet>")));
            ec2.stubFor(post("/").withRequestBody(containing("Action=DescribeInstances&"))
                    .willReturn(AwsFakes.ec2Instances("req-describe", null, "i-0123456789abcdef0:running")));
            ec2.stubFor(post("/").withRequestBody(containing("Action=RebootInstances"))
                    .willReturn(AwsFakes.ec2("RebootInstances", "req-reboot", "<return>true</return>")));
            ec2.stubFor(post("/").withRequestBody(containing("Action=CreateTags"))
                    .willReturn(AwsFakes.ec2("CreateTags", "req-tag", "<return>true</return>")));
            RunResult result;
            AwsSettings settings = new AwsSettings(Optional.empty(), Optional.empty(), Optional.of(URI.create(ec2.baseUrl())));
            try (AwsClients clients = new AwsClients(settings)) {
                result = new Engine(StandardSteps.with(clients)).run(new RunRequest(load(example), Map.of(), "tester", "test",
                        DocsSupport.YES, Optional.empty(), dir), RunListener.NONE);
            }

            assertThat(result.state().status()).as(result.state().message()).isEqualTo(RunStatus.SUCCEEDED);
            ec2.verify(1, postRequestedFor(urlEqualTo("/")).withRequestBody(containing("Action=RebootInstances")));
            ec2.verify(postRequestedFor(urlEqualTo("/")).withRequestBody(containing("Tag.1.Key=last-reboot")));
            assertThat(result.state().execution("healthy").orElseThrow().result().path("Polls").asInt()).isEqualTo(1);
            assertThat(MarkdownRecord.render(result)).contains("`ec2:RebootInstances` in eu-west-1 → HTTP 200, request id `req-reboot`");
        } finally {
            ec2.stop();
        }
    }

    private RunResult run(LoadedRunbook loaded, Path dir) throws Exception {
        return new Engine(StandardSteps.all()).run(new RunRequest(loaded, Map.of(), "tester", "test", DocsSupport.YES,
                Optional.empty(), dir), RunListener.NONE);
    }

    private LoadedRunbook load(Example example) {
        return loader.load(example.name() + ".md", example.text());
    }
}
