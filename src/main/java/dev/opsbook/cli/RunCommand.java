package dev.opsbook.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opsbook.engine.Engine;
import dev.opsbook.engine.InvalidRunException;
import dev.opsbook.engine.Plan;
import dev.opsbook.engine.RunControl;
import dev.opsbook.engine.RunRequest;
import dev.opsbook.engine.RunResult;
import dev.opsbook.engine.RunStatus;
import dev.opsbook.graph.LoadedRunbook;
import dev.opsbook.record.JsonSummary;
import dev.opsbook.record.RecordPlace;
import dev.opsbook.runbook.Durations;
import dev.opsbook.steps.StandardSteps;
import dev.opsbook.audit.AuditLog;
import dev.opsbook.audit.AuditSeal;
import dev.opsbook.audit.AuditTrail;
import dev.opsbook.aws.AwsCall;
import dev.opsbook.aws.AwsClients;
import dev.opsbook.aws.AwsInvoker;
import dev.opsbook.aws.AwsPreflight;
import dev.opsbook.aws.AwsSecrets;
import dev.opsbook.aws.AwsServices;
import dev.opsbook.aws.AwsSettings;
import dev.opsbook.aws.AwsSteps;
import dev.opsbook.engine.ParameterBinding;
import dev.opsbook.engine.RunIds;
import dev.opsbook.engine.RunListener;
import dev.opsbook.engine.StepExecutors;
import dev.opsbook.service.RecordExport;
import dev.opsbook.service.RecordPlaces;
import dev.opsbook.service.RunRecords;
import dev.opsbook.incident.IncidentIds;
import dev.opsbook.service.StoringListener;
import dev.opsbook.store.RunStore;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import sun.misc.Signal;

@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Runs a runbook, shows live progress and writes its record to RECORD_DIR/<runbook>/<run>.md.",
        footer = {"", "Exit status: 0 the run succeeded, 1 it failed, was cancelled or is waiting for a person,",
                "2 invalid input (the runbook or a parameter is wrong; nothing ran)."})
public class RunCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Parameters(index = "0", paramLabel = "FILE", description = "The runbook to run.")
    Path file;

    @Option(names = {"-p", "--param"}, paramLabel = "NAME=VALUE", description = "A parameter value; repeat for each.")
    Map<String, String> params = new LinkedHashMap<>();

    @Option(names = "--record-dir", paramLabel = "DIR", defaultValue = "records", description = "Where records go: a folder or"
            + " s3://BUCKET/PREFIX (default: ${DEFAULT-VALUE}).")
    String recordDir;

    @Option(names = "--dry-run", description = "Print the plan with every rendered input; run nothing.")
    boolean dryRun;

    @Option(names = {"-y", "--yes"}, description = "Confirm every manual step and approval without asking (the record says so).")
    boolean yes;

    @Option(names = "--timeout", paramLabel = "DURATION", description = "Time limit for the whole run, e.g. 10m (overrides the runbook's timeout).")
    String timeout;

    @Option(names = "--output", paramLabel = "FORMAT", defaultValue = "text", description = "text (default) or json.")
    String output;

    @Option(names = "--incident", paramLabel = "ID", description = "The incident this run belongs to (e.g. INC-1234): its timeline and"
            + " report (opsbook incident report ID) gather the runs launched under it; child runs inherit it.")
    String incident;

    @Mixin
    StoreOption store;

    @Option(names = "--no-store", description = "Do not keep the run in the store (record and audit trail only).")
    boolean noStore;

    @Option(names = "--region", paramLabel = "REGION", description = "AWS region for steps that do not name one (default: the SDK's chain, e.g. AWS_REGION).")
    String region;

    @Option(names = "--profile", paramLabel = "NAME", description = "AWS named profile for credentials (default: the SDK's default chain).")
    String profile;

    @Option(names = "--endpoint-url", paramLabel = "URL", description = "Send every AWS call to this endpoint (LocalStack, WireMock, a game day).")
    java.net.URI endpointUrl;

    @Override
    public Integer call() throws InterruptedException {
        boolean json = output.equals("json");
        if (!json && !output.equals("text")) {
            System.err.println("error: --output must be text or json, not '" + output + "'");
            return ExitCodes.INVALID;
        }
        Optional<Duration> runTimeout = Optional.empty();
        if (timeout != null) {
            runTimeout = Durations.parse(timeout);
            if (runTimeout.isEmpty()) {
                System.err.println("error: --timeout '" + timeout + "' is not a duration; write e.g. 90s, 10m or 1h");
                return ExitCodes.INVALID;
            }
        }
        if (incident != null && IncidentIds.problem(incident).isPresent()) {
            System.err.println("error: --incident: " + IncidentIds.problem(incident).get());
            return ExitCodes.INVALID;
        }
        try (StoreOpening opening = StoreOpening.start(store, !noStore && !dryRun)) {
            return launch(json, runTimeout, opening);
        }
    }

    private int launch(boolean json, Optional<Duration> runTimeout, StoreOpening opening) throws InterruptedException {
        Optional<LoadedRunbook> found = Runbooks.loadOrReport(file, false);
        if (found.isEmpty()) {
            return ExitCodes.INVALID;
        }
        LoadedRunbook loaded = found.get();
        loaded.diagnostics().stream().filter(d -> !d.isError()).forEach(System.err::println);
        if (dryRun) {
            return dryRun(loaded, json, runTimeout);
        }
        // //why: checked before anything is created or called, so a rejected run leaves no files and makes no calls
        if (loaded.hasErrors()) {
            loaded.errors().forEach(System.err::println);
            return ExitCodes.INVALID;
        }
        ParameterBinding.Bound bound = ParameterBinding.bind(loaded.runbook(), params);
        if (!bound.ok()) {
            bound.problems().forEach(System.err::println);
            return ExitCodes.INVALID;
        }
        Terminal progressTerminal = json ? Terminal.stderr() : Terminal.stdout();
        ConsoleProgress progress = new ConsoleProgress(progressTerminal);
        String user = System.getProperty("user.name", "unknown");
        Clock clock = Clock.systemUTC();
        String runId = RunIds.from(clock).get();
        RecordPlace place;
        try {
            place = RecordPlaces.open(recordDir, awsSettings()); // //why: a bucket that cannot take the record stops the run before it starts
        } catch (RecordPlaces.Unusable e) {
            System.err.println("error: " + e.getMessage());
            return ExitCodes.INVALID;
        }
        try (place; AwsClients clients = new AwsClients(awsSettings())) {
            // //why: before the store, the record or the audit trail know of the run: a run that cannot reach AWS never starts
            Optional<String> notReady = AwsPreflight.problem(loaded.runbook(), clients);
            if (notReady.isPresent()) {
                System.err.println("error: " + notReady.get());
                return ExitCodes.INVALID;
            }
            String startedBy = user + awsIdentity(loaded, clients, runId, progressTerminal);
            TerminalInteraction interaction = new TerminalInteraction(progressTerminal, yes, System.console() != null && !Runbooks.isStdin(file), user, clock);
            RunRequest request = new RunRequest(loaded, params, startedBy, "cli", interaction, runTimeout, Path.of("").toAbsolutePath())
                    .withIncident(Optional.ofNullable(incident));
            RunControl control = new RunControl();
            Signal.handle(new Signal("INT"), signal -> {
                if (control.cancellation().isPresent()) {
                    System.err.println("\nopsbook: interrupted twice; exiting without waiting for steps to stop");
                    Runtime.getRuntime().halt(130);
                }
                control.cancel("interrupted (Ctrl-C)");
            });
            Path trailFile = UnstoredTrail.file(place, loaded.runbook().id(), runId);
            RunResult result;
            RecordExport export;
            Optional<RunStore> runs = openStore(opening, progressTerminal);
            // //why: a stored run's chain is written with its events; only a run without a store keeps its trail in a file as it goes
            try (AuditTrail trail = runs.isPresent() ? null : AuditTrail.create(trailFile); RecordWrites writer = new RecordWrites()) {
                RunListener auditLog = trail == null ? RunListener.NONE : new AuditLog(trail, loaded.runbook());
                RunListener storing = runs.<RunListener>map(store -> StoringListener.forNewRun(store, loaded.runbook(), Optional.empty(),
                        Optional.empty())).orElse(RunListener.NONE);
                export = runs.map(store -> RecordExport.of(place, new RunRecords(store, Runbooks.loader()), System.err).inBackground(writer))
                        .orElseGet(() -> RecordExport.unstored(place, loaded.runbook(),
                                () -> Optional.of(trail.summary()).map(a -> new AuditSeal(a.entries(), a.finalHash())), System.err)
                                .withTrails(UnstoredTrail.copy(place, trailFile, loaded.runbook().id())).inBackground(writer));
                RunListener listeners = RunListener.storedFirst(storing, (event, state) -> {
                    auditLog.on(event, state);
                    export.on(event, state);
                    progress.on(event, state);
                });
                AwsSecrets secrets = new AwsSecrets(new AwsInvoker(AwsServices.onClasspath(), clients), "opsbook-" + runId);
                StepExecutors executors = TerminalChildren.executors(clients, runs, loaded.runbook().file(), export, interaction, clock);
                result = new Engine(executors, clock, () -> runId, secrets).run(request, listeners, control);
            } catch (InvalidRunException e) {
                e.problems().forEach(System.err::println);
                return ExitCodes.INVALID;
            } catch (RuntimeException e) {
                if (e.getClass().getName().startsWith("dev.opsbook.store")) {
                    System.err.println("error: the run store failed: " + e.getMessage() + " (run with --no-store to run without it)");
                    return ExitCodes.FAILED;
                }
                throw e;
            } catch (IOException e) {
                System.err.println("error: cannot write the audit trail " + trailFile + ": " + e.getMessage());
                return ExitCodes.FAILED;
            }
            String recordPath = export.write(runId).orElse(null);
            return finish(result, recordPath, json, progressTerminal);
        }
    }

    /** The shared store, so opsbook runs and show know this run too; a run goes on without it if it cannot be opened. */
    private Optional<RunStore> openStore(StoreOpening opening, Terminal terminal) {
        if (noStore) {
            return Optional.empty();
        }
        try {
            RunStore opened = opening.take();
            Runtime.getRuntime().addShutdownHook(new Thread(opened::close));
            return Optional.of(opened);
        } catch (RuntimeException e) {
            terminal.println(terminal.yellow("warning: the run is not stored (" + e.getMessage() + "); its record and audit trail are"));
            return Optional.empty();
        }
    }

    private AwsSettings awsSettings() {
        return new AwsSettings(Optional.ofNullable(region), Optional.ofNullable(profile), Optional.ofNullable(endpointUrl));
    }

    /** Who the AWS calls will be made as, from STS, when the runbook calls AWS at all. */
    private static String awsIdentity(LoadedRunbook loaded, AwsClients clients, String runId, Terminal terminal) {
        if (AwsSteps.of(loaded.runbook()).isEmpty()) {
            return "";
        }
        try {
            AwsInvoker invoker = new AwsInvoker(AwsServices.onClasspath(), clients);
            String region;
            try {
                region = clients.region(Optional.empty());
            } catch (IllegalStateException e) {
                region = "us-east-1"; // STS answers who you are in any region; steps name their own
            }
            AwsInvoker.Outcome outcome = invoker.invoke(new AwsCall("sts", "GetCallerIdentity", JsonNodeFactory.instance.objectNode(),
                    Optional.of(region), Optional.empty(), false), "opsbook-" + runId);
            if (outcome.ok()) {
                return " as " + outcome.result().path("Arn").asText();
            }
            terminal.println(terminal.yellow("warning: cannot tell the AWS identity: " + outcome.message()));
        } catch (RuntimeException | InterruptedException e) {
            terminal.println(terminal.yellow("warning: cannot tell the AWS identity: " + e.getMessage()));
        }
        return " as an unknown AWS identity";
    }

    private int finish(RunResult result, String recordPath, boolean json, Terminal progressTerminal) {
        if (json) {
            System.out.println(pretty(JsonSummary.of(result, recordPath)));
        } else if (recordPath != null) {
            progressTerminal.println("Record: " + recordPath);
        }
        return result.state().status() == RunStatus.SUCCEEDED ? ExitCodes.OK : ExitCodes.FAILED;
    }

    private int dryRun(LoadedRunbook loaded, boolean json, Optional<Duration> runTimeout) {
        Plan plan;
        try {
            plan = Plan.of(loaded, params, StandardSteps.with(new AwsClients(awsSettings()), Runbooks.python()));
        } catch (InvalidRunException e) {
            e.problems().forEach(System.err::println);
            return ExitCodes.INVALID;
        }
        if (json) {
            ObjectNode out = dev.opsbook.record.PlanJson.of(plan, loaded.runbook());
            System.out.println(pretty(out));
            return ExitCodes.OK;
        }
        Terminal out = Terminal.stdout();
        out.println(out.bold("Dry run: " + plan.title()) + out.dim("  (" + plan.runbookId() + "; nothing will be executed)"));
        JsonNode params = maskedParams(loaded, plan.params());
        if (params.size() > 0) {
            StringBuilder line = new StringBuilder("Parameters:");
            params.fields().forEachRemaining(f -> line.append(' ').append(f.getKey()).append('=').append(f.getValue().isTextual() ? f.getValue().textValue() : f.getValue().toString()));
            out.println(line.toString());
        }
        runTimeout.or(plan::timeout).ifPresent(t -> out.println("Run timeout: " + Durations.written(t)
                + (runTimeout.isPresent() ? " (--timeout)" : "")));
        int n = 1;
        for (Plan.PlannedStep step : plan.steps()) {
            String head = step.handlerFor().isEmpty()
                    ? String.format("%3d. %s (%s)", n++, step.id(), step.kind())
                    : String.format("  ↩  %s (%s), handler for %s", step.id(), step.kind(), String.join(", ", step.handlerFor()));
            String after = step.handlerFor().isEmpty() ? (step.after().isEmpty() ? "  first" : "  after " + String.join(", ", step.after())) : "";
            String attributes = step.attributesText();
            out.println(out.bold(head) + out.dim(after + step.condition().map(c -> "; if " + c).orElse("")
                    + (attributes.isEmpty() ? "" : (after.isEmpty() && step.condition().isEmpty() ? "  " : "; ") + attributes)));
            step.forEach().ifPresent(forEach -> out.println("       " + forEach.describe(plan.redactor())));
            JsonNode input = plan.redactor().json(step.input());
            String text = input.has("script") && input.size() == 1 ? input.get("script").asText() : pretty(input);
            text.lines().forEach(line -> out.println("       " + line));
        }
        if (plan.steps().isEmpty()) {
            out.println("  " + dev.opsbook.graph.GraphText.NO_STEPS);
        }
        return ExitCodes.OK;
    }

    private static JsonNode maskedParams(LoadedRunbook loaded, JsonNode params) {
        return dev.opsbook.record.PlanJson.maskedParams(loaded.runbook(), params);
    }

    private static String pretty(JsonNode node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (IOException e) {
            return node.toString();
        }
    }
}
