package dev.opsbook.library;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.common.Json;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;
import dev.opsbook.aws.AwsClients;
import dev.opsbook.aws.AwsFakes;
import dev.opsbook.aws.AwsSettings;
import dev.opsbook.aws.AwsSteps;
import dev.opsbook.aws.OperationSafety;
import dev.opsbook.engine.Engine;
import dev.opsbook.engine.Interaction;
import dev.opsbook.engine.RunListener;
import dev.opsbook.engine.RunRequest;
import dev.opsbook.engine.RunResult;
import dev.opsbook.engine.RunStatus;
import dev.opsbook.engine.StepExecution;
import dev.opsbook.graph.LoadedRunbook;
import dev.opsbook.graph.RunbookLoader;
import dev.opsbook.record.MarkdownRecord;
import dev.opsbook.runbook.Diagnostic;
import dev.opsbook.runbook.FailurePolicy;
import dev.opsbook.runbook.Runbook;
import dev.opsbook.runbook.Step;
import dev.opsbook.runbook.StepKindSpec;
import dev.opsbook.service.EventMatcher;
import dev.opsbook.service.TriggerMatcher;
import dev.opsbook.steps.StandardSteps;
import dev.opsbook.trigger.TriggerPatternCheck;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Runs one runbook of {@code runbooks/library/} the way {@code serve} would for a real event: the event sample under
 * {@code events/} is read and matched by the service's own {@link TriggerMatcher} against every library runbook, the
 * parameters it maps start the run, and AWS is WireMock serving the mappings under
 * {@code src/test/resources/library/NAME/} (every {@code *.json} file there: one stub mapping, or {@code {"mappings": [...]}};
 * files in folders below it, the answers of one case, are added by a test with {@link #stub(String)}).
 * Approvals are answered yes unless a test says otherwise for a step. Close it to stop WireMock.
 *
 * <pre>{@code
 * try (LibraryHarness h = LibraryHarness.start("ec2-status-check-failed")) {
 *     LibraryHarness.Run run = h.run("ec2-status-check-failed.json");
 *     h.aws().verify(postRequestedFor(urlEqualTo("/")).withRequestBody(containing("Action=RebootInstances")));
 * }
 * }</pre>
 */
public final class LibraryHarness implements AutoCloseable {

    public static final Path LIBRARY = Path.of("runbooks/library");
    public static final Path EVENTS = Path.of("events");
    public static final Path FIXTURES = Path.of("src/test/resources/library");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String name;
    private final WireMockServer aws;
    private final Map<String, Boolean> answers = new LinkedHashMap<>();
    private final List<Interaction.Prompt> asked = Collections.synchronizedList(new ArrayList<>());
    private String region = "us-east-1";

    /**
     * What a run through the trigger gave.
     *
     * @param matched the ids of every library runbook the event starts
     * @param params the parameters the trigger mapped, as the service hands them to the run
     * @param asked the approvals and manual steps a person was asked, in order
     * @param record the Markdown record of the run
     */
    public record Run(List<String> matched, Map<String, String> params, RunResult result, List<Interaction.Prompt> asked, String record) {

        public RunStatus status() {
            return result.state().status();
        }

        public StepExecution step(String key) {
            return result.state().execution(key).orElseThrow(() -> new AssertionError("no execution " + key + " in the run; it has "
                    + result.state().executions().keySet()));
        }

        /** The executions that ran, in the order they were started: handler keys ({@code undo/for-step}) included. */
        public List<String> started() {
            List<String> keys = new ArrayList<>();
            result.events().forEach(e -> {
                if (e instanceof dev.opsbook.engine.RunEvent.StepStarted s) {
                    keys.add(s.key());
                }
            });
            return keys;
        }
    }

    private LibraryHarness(String name) {
        this.name = name;
        this.aws = new WireMockServer(options().dynamicPort());
    }

    /** Starts WireMock with the mappings of {@code src/test/resources/library/NAME/}; {@code name} is the runbook's file name, no {@code .md}. */
    public static LibraryHarness start(String name) {
        AwsFakes.fakeCredentials();
        LibraryHarness harness = new LibraryHarness(name);
        harness.aws.start();
        harness.loadMappings();
        return harness;
    }

    /** The WireMock server standing in for AWS: add stubs for a scenario, verify the calls made. */
    public WireMockServer aws() {
        return aws;
    }

    /** Answers the approval (or manual step) with this id: yes or no. Every other one is answered yes. */
    public LibraryHarness answer(String stepId, boolean yes) {
        answers.put(stepId, yes);
        return this;
    }

    /** The region the AWS clients default to (a step's own {@code region:} wins). */
    public LibraryHarness region(String region) {
        this.region = region;
        return this;
    }

    /** Every runbook of the library, loaded as {@code validate} loads them (EventBridge patterns checked by event-ruler). */
    public static List<LoadedRunbook> library() {
        return Library.LOADED;
    }

    //why: read once per test JVM: the files do not change while tests run, and each read loads a dozen SDK service models
    private static final class Library {
        static final List<LoadedRunbook> LOADED = List.copyOf(read());
    }

    private static List<LoadedRunbook> read() {
        RunbookLoader loader = new RunbookLoader(StandardSteps.all().catalog(), List.of(new TriggerPatternCheck()));
        try (Stream<Path> files = Files.walk(LIBRARY)) {
            List<LoadedRunbook> loaded = new ArrayList<>();
            for (Path file : files.filter(p -> p.toString().endsWith(".md")).sorted().toList()) {
                loaded.add(loader.load(file));
            }
            return loaded;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The event sample {@code events/FILE}, as EventBridge delivers it. */
    public static String event(String file) {
        try {
            return Files.readString(EVENTS.resolve(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The event {@code events/FILE} matched by the service's matcher against the whole library; this runbook must be among the matches. */
    public Run run(String eventFile) throws Exception {
        return runEvent(event(eventFile));
    }

    /** As {@link #run(String)}, for an event given as text (a sample altered by the test, say). */
    public Run runEvent(String eventBody) throws Exception {
        List<LoadedRunbook> library = library();
        for (LoadedRunbook runbook : library) {
            List<Diagnostic> errors = runbook.errors();
            if (!errors.isEmpty()) {
                throw new AssertionError(runbook.runbook().id() + " does not validate: " + errors);
            }
        }
        TriggerMatcher matcher = new TriggerMatcher();
        matcher.use(library);
        EventMatcher.Parsed parsed = matcher.parse(eventBody);
        EventMatcher.Event event = parsed.event().orElseThrow(() -> new AssertionError("the sample is no EventBridge event: " + parsed.problem()));
        List<EventMatcher.Match> matches = matcher.match(event);
        List<String> matched = matches.stream().map(m -> m.runbook().runbook().id()).toList();
        EventMatcher.Match match = matches.stream().filter(m -> m.runbook().runbook().id().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("the event starts " + matched + ", not " + name));
        if (!match.runbook().diagnostics().isEmpty()) {
            throw new AssertionError(name + " must validate with no warnings either: " + match.runbook().diagnostics());
        }
        checkShape(match.runbook());
        ObjectNode params = match.params().orElseThrow(() -> new AssertionError(name + "'s trigger matches but cannot map: " + match.problem()));
        Map<String, String> texts = texts(params);
        Path workDir = Files.createTempDirectory("opsbook-library-");
        AwsSettings settings = new AwsSettings(Optional.of(region), Optional.empty(), Optional.of(URI.create(aws.baseUrl())));
        RunResult result;
        try (AwsClients clients = new AwsClients(settings); Engine engine = new Engine(StandardSteps.with(clients))) {
            // a wait whose condition the mappings never meet would poll for its full timeout (minutes): the run's limit cuts it short
            RunRequest request = new RunRequest(match.runbook(), texts, "event " + event.id(), "event", this::ask,
                    Optional.of(Duration.ofMinutes(2)), workDir, Optional.of(event.raw()));
            result = engine.run(request, RunListener.NONE);
        }
        return new Run(matched, texts, result, List.copyOf(asked), MarkdownRecord.render(result));
    }

    /** What every library runbook promises: an escalation, and no change to AWS before a person agreed to it. */
    private static void checkShape(LoadedRunbook loaded) {
        Runbook runbook = loaded.runbook();
        if (loaded.escalation().isEmpty() || loaded.escalation().get().tiers().isEmpty()) {
            throw new AssertionError(runbook.id() + " names no escalation");
        }
        Set<String> handlers = new HashSet<>();
        runbook.steps().forEach(step -> {
            step.rollback().ifPresent(handlers::add);
            if (step.onFailure() instanceof FailurePolicy.Handler handler) {
                handlers.add(handler.stepId());
            }
        });
        boolean approved = false;
        for (Step step : runbook.steps()) {
            approved |= step.has(StepKindSpec.Trait.APPROVAL);
            String service = step.settings().path("service").asText();
            String operation = step.settings().path("operation").asText();
            // //why: Run Command is how a diagnosis reads inside an instance (df, du); whether it only reads is in its script, which the reviewer reads
            boolean runCommand = service.equals("ssm") && operation.equals("SendCommand");
            boolean mutating = AwsSteps.callsAws(step) && !OperationSafety.isReadOnly(service, operation) && !runCommand;
            if (mutating && !approved && !handlers.contains(step.id())) {
                throw new AssertionError(runbook.id() + ": step " + step.id() + " changes AWS before any approval");
            }
        }
    }

    private Interaction.Answer ask(Interaction.Prompt prompt) {
        asked.add(prompt);
        boolean yes = answers.getOrDefault(prompt.stepId(), true);
        return new Interaction.Answer(yes, "oncall", yes ? "go ahead" : "not now", Instant.now(), "test");
    }

    // as service.Dispatcher hands mapped parameters to a run: text, a null (not in the event) left out
    private static Map<String, String> texts(ObjectNode params) {
        Map<String, String> texts = new LinkedHashMap<>();
        params.fields().forEachRemaining(f -> {
            if (!f.getValue().isNull()) {
                texts.put(f.getKey(), f.getValue().isTextual() ? f.getValue().textValue() : f.getValue().toString());
            }
        });
        return texts;
    }

    /** Adds the mappings of {@code src/test/resources/library/NAME/FILE}: the answers one case needs (a failing call, say). */
    public LibraryHarness stub(String file) {
        Path path = FIXTURES.resolve(name).resolve(file);
        try {
            JsonNode tree = JSON.readTree(path.toFile());
            List<JsonNode> mappings = new ArrayList<>();
            if (tree.has("mappings")) {
                tree.get("mappings").forEach(mappings::add);
            } else {
                mappings.add(tree);
            }
            for (JsonNode mapping : mappings) {
                aws.addStubMapping(Json.read(mapping.toString(), StubMapping.class));
            }
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(path + ": " + e.getMessage(), e);
        }
    }

    private void loadMappings() {
        Path folder = FIXTURES.resolve(name);
        if (!Files.isDirectory(folder)) {
            throw new IllegalStateException("no WireMock mappings for " + name + ": " + folder.toAbsolutePath() + " is not a folder");
        }
        try (Stream<Path> files = Files.list(folder)) {
            files.filter(p -> p.toString().endsWith(".json")).sorted().forEach(p -> stub(p.getFileName().toString()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        aws.stop();
    }
}
