package dev.opsbook.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opsbook.engine.Engine;
import dev.opsbook.engine.InvalidRunException;
import dev.opsbook.engine.ParameterBinding;
import dev.opsbook.engine.Plan;
import dev.opsbook.engine.Redactor;
import dev.opsbook.engine.RunControl;
import dev.opsbook.engine.RunRequest;
import dev.opsbook.engine.RunResult;
import dev.opsbook.engine.RunStatus;
import dev.opsbook.graph.LoadedRunbook;
import dev.opsbook.record.JsonSummary;
import dev.opsbook.record.RecordWriter;
import dev.opsbook.runbook.Durations;
import dev.opsbook.steps.StandardSteps;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
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

    @Option(names = "--record-dir", paramLabel = "DIR", defaultValue = "records", description = "Where records go (default: ${DEFAULT-VALUE}).")
    Path recordDir;

    @Option(names = "--dry-run", description = "Print the plan with every rendered input; run nothing.")
    boolean dryRun;

    @Option(names = {"-y", "--yes"}, description = "Confirm every manual step and approval without asking (the record says so).")
    boolean yes;

    @Option(names = "--timeout", paramLabel = "DURATION", description = "Time limit for the whole run, e.g. 10m (overrides the runbook's timeout).")
    String timeout;

    @Option(names = "--output", paramLabel = "FORMAT", defaultValue = "text", description = "text (default) or json.")
    String output;

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
        LoadedRunbook loaded;
        try {
            loaded = Runbooks.loader().load(file);
        } catch (IOException e) {
            System.err.println(file + ": error: cannot read: " + e.getMessage());
            return ExitCodes.INVALID;
        }
        loaded.diagnostics().stream().filter(d -> !d.isError()).forEach(System.err::println);
        if (dryRun) {
            return dryRun(loaded, json);
        }
        Terminal progressTerminal = json ? Terminal.stderr() : Terminal.stdout();
        ConsoleProgress progress = new ConsoleProgress(progressTerminal);
        progress.redactWith(Redactor.of(loaded.runbook(), ParameterBinding.bind(loaded.runbook(), params).values()));
        String user = System.getProperty("user.name", "unknown");
        TerminalInteraction interaction = new TerminalInteraction(progressTerminal, yes, System.console() != null, user, Clock.systemUTC());
        RunRequest request = new RunRequest(loaded, params, user, "cli", interaction, runTimeout, Path.of("").toAbsolutePath());
        RunControl control = new RunControl();
        Signal.handle(new Signal("INT"), signal -> {
            if (control.cancellation().isPresent()) {
                System.err.println("\nopsbook: interrupted twice; exiting without waiting for steps to stop");
                Runtime.getRuntime().halt(130);
            }
            control.cancel("interrupted (Ctrl-C)");
        });
        RunResult result;
        try {
            result = new Engine(StandardSteps.all()).run(request, (event, state) -> progress.on(event, state), control);
        } catch (InvalidRunException e) {
            e.problems().forEach(System.err::println);
            return ExitCodes.INVALID;
        }
        String recordPath;
        try {
            recordPath = RecordWriter.write(recordDir, result).toString();
        } catch (IOException e) {
            System.err.println("error: cannot write the record under " + recordDir + ": " + e.getMessage());
            recordPath = null;
        }
        if (json) {
            System.out.println(pretty(JsonSummary.of(result, recordPath)));
        } else if (recordPath != null) {
            progressTerminal.println("Record: " + recordPath);
        }
        return result.state().status() == RunStatus.SUCCEEDED ? ExitCodes.OK : ExitCodes.FAILED;
    }

    private int dryRun(LoadedRunbook loaded, boolean json) {
        Plan plan;
        try {
            plan = Plan.of(loaded, params);
        } catch (InvalidRunException e) {
            e.problems().forEach(System.err::println);
            return ExitCodes.INVALID;
        }
        if (json) {
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            out.put("runbook", plan.runbookId());
            out.put("dryRun", true);
            out.set("parameters", plan.redactor().json(maskedParams(loaded, plan.params())));
            ArrayNode steps = out.putArray("steps");
            for (Plan.PlannedStep step : plan.steps()) {
                ObjectNode s = steps.addObject();
                s.put("id", step.id());
                s.put("kind", step.kind());
                s.set("after", JSON.valueToTree(step.after()));
                step.condition().ifPresent(c -> s.put("if", c));
                if (!step.handlerFor().isEmpty()) {
                    s.set("handles", JSON.valueToTree(step.handlerFor()));
                }
                s.set("input", plan.redactor().json(step.input()));
            }
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
        int n = 1;
        for (Plan.PlannedStep step : plan.steps()) {
            String head = step.handlerFor().isEmpty()
                    ? String.format("%3d. %s (%s)", n++, step.id(), step.kind())
                    : String.format("  ↩  %s (%s), handler for %s", step.id(), step.kind(), String.join(", ", step.handlerFor()));
            String after = step.handlerFor().isEmpty() ? (step.after().isEmpty() ? "  first" : "  after " + String.join(", ", step.after())) : "";
            out.println(out.bold(head) + out.dim(after + step.condition().map(c -> "; if " + c).orElse("")));
            JsonNode input = plan.redactor().json(step.input());
            String text = input.has("script") && input.size() == 1 ? input.get("script").asText() : pretty(input);
            text.lines().forEach(line -> out.println("       " + line));
        }
        if (plan.steps().isEmpty()) {
            out.println("  no steps: a manual-only runbook");
        }
        return ExitCodes.OK;
    }

    private static JsonNode maskedParams(LoadedRunbook loaded, JsonNode params) {
        ObjectNode masked = JsonNodeFactory.instance.objectNode();
        params.fields().forEachRemaining(f -> {
            boolean secret = loaded.runbook().parameter(f.getKey()).map(p -> p.isSecret()).orElse(false);
            masked.set(f.getKey(), secret && !f.getValue().isNull() ? JsonNodeFactory.instance.textNode(dev.opsbook.engine.Redactor.MASK) : f.getValue());
        });
        return masked;
    }

    private static String pretty(JsonNode node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (IOException e) {
            return node.toString();
        }
    }
}
