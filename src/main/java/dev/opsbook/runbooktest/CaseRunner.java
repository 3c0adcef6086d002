package dev.opsbook.runbooktest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opsbook.aws.AwsSecrets;
import dev.opsbook.engine.Engine;
import dev.opsbook.engine.InvalidRunException;
import dev.opsbook.engine.ParameterBinding;
import dev.opsbook.engine.RunControl;
import dev.opsbook.engine.RunListener;
import dev.opsbook.engine.RunRequest;
import dev.opsbook.engine.RunResult;
import dev.opsbook.engine.SimulatedClock;
import dev.opsbook.graph.LoadedRunbook;
import dev.opsbook.record.MarkdownRecord;
import dev.opsbook.rehearsal.SimulatedAws;
import dev.opsbook.rehearsal.SimulatedSteps;
import dev.opsbook.service.EventMatcher;
import dev.opsbook.service.TriggerMatcher;
import dev.opsbook.trigger.TriggerIndex;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Runs one case: the event matched and mapped by {@code serve}'s own {@link TriggerMatcher}, the run on the real engine
 * with simulated AWS, steps and time ({@link SimulatedClock}), shell and python in a scratch folder deleted after, then
 * its expectations checked. Each case has its own simulation and engine, so cases run in parallel.
 */
public final class CaseRunner {

    private final String python;

    /** @param python the interpreter python steps run with */
    public CaseRunner(String python) {
        this.python = python;
    }

    public CaseResult run(LoadedRunbook loaded, TestCase testCase, String runId) throws InterruptedException {
        long started = System.nanoTime();
        String runbookId = loaded.runbook().id();
        Map<String, String> params = new LinkedHashMap<>();
        if (testCase.event().isPresent()) {
            Optional<String> refused = mapEvent(loaded, testCase.event().get(), params);
            if (refused.isPresent()) {
                return new CaseResult(runbookId, testCase, since(started), Optional.empty(), "",
                        List.of(new CaseResult.Failure("the event to start " + runbookId, refused.get(), Optional.empty())));
            }
        }
        params.putAll(testCase.params());
        ParameterBinding.Bound bound = ParameterBinding.bind(loaded.runbook(), params);
        if (!bound.ok()) {
            return new CaseResult(runbookId, testCase, since(started), Optional.empty(), "",
                    List.of(new CaseResult.Failure("parameters the runbook takes", String.join("; ", bound.problems()), Optional.empty())));
        }
        SimulatedClock clock = new SimulatedClock(Instant.now());
        SimulatedAws aws = new SimulatedAws(testCase.aws());
        SimulatedSteps steps = new SimulatedSteps(aws, clock, python, testCase.steps(), testCase.strict());
        Path scratch = null;
        try {
            scratch = Files.createTempDirectory("opsbook-test-");
            RunRequest request = new RunRequest(loaded, params, "opsbook test", "test", steps.interaction(), Optional.empty(), scratch,
                    testCase.event());
            RunResult result;
            try (Engine engine = new Engine(steps.executors(), clock, () -> runId, new AwsSecrets(aws, "opsbook-" + runId))) {
                result = engine.run(request, RunListener.NONE, new RunControl());
            }
            String record = MarkdownRecord.render(result);
            List<CaseResult.Failure> failures = new ArrayList<>();
            aws.unsimulated().forEach(m -> failures.add(new CaseResult.Failure("every AWS call simulated", m, Optional.empty())));
            steps.unsimulated().forEach(m -> failures.add(new CaseResult.Failure("nothing that touches the world", m, Optional.empty())));
            failures.addAll(Verdicts.check(testCase.expect(), result, aws.calls(), record));
            return new CaseResult(runbookId, testCase, since(started), Optional.of(result), record, failures);
        } catch (InvalidRunException e) {
            return new CaseResult(runbookId, testCase, since(started), Optional.empty(), "",
                    List.of(new CaseResult.Failure("a run to start", String.join("; ", e.problems().stream().map(Object::toString).toList()), Optional.empty())));
        } catch (IOException e) {
            return new CaseResult(runbookId, testCase, since(started), Optional.empty(), "",
                    List.of(new CaseResult.Failure("a scratch folder", e.getMessage(), Optional.empty())));
        } finally {
            deleteQuietly(scratch);
        }
    }

    /** The parameters the event maps to, as {@code serve} would start the run; else why it would not start it. */
    private static Optional<String> mapEvent(LoadedRunbook loaded, JsonNode event, Map<String, String> params) {
        TriggerMatcher matcher = new TriggerMatcher();
        EventMatcher.Parsed parsed = matcher.parse(event.toString());
        if (parsed.event().isEmpty()) {
            return Optional.of("serve would not take it: " + parsed.problem());
        }
        matcher.use(List.of(loaded));
        List<EventMatcher.Match> matches = matcher.match(parsed.event().get());
        if (matches.isEmpty()) {
            List<String> why = new ArrayList<>();
            for (TriggerIndex.Miss miss : TriggerIndex.of(List.of(loaded.runbook())).misses(parsed.event().get().raw())) {
                why.add(miss.trigger().label() + ": " + String.join("; ", miss.reasons()));
            }
            return Optional.of("the event matches no trigger of " + loaded.runbook().id()
                    + (loaded.runbook().triggers().isEmpty() ? " (it has none)" : "") + (why.isEmpty() ? "" : ": " + String.join(" | ", why)));
        }
        EventMatcher.Match match = matches.get(0);
        if (match.params().isEmpty()) {
            return Optional.of("the event matches a trigger, but its parameters cannot be mapped: " + match.problem());
        }
        ObjectNode mapped = match.params().get();
        mapped.fields().forEachRemaining(f -> {
            if (!f.getValue().isNull()) {
                params.put(f.getKey(), f.getValue().isTextual() ? f.getValue().textValue() : f.getValue().toString());
            }
        });
        return Optional.empty();
    }

    private static Duration since(long started) {
        return Duration.ofNanos(System.nanoTime() - started);
    }

    private static void deleteQuietly(Path folder) {
        if (folder == null) {
            return;
        }
        try (Stream<Path> paths = Files.walk(folder)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a scratch folder left in the temp directory is harmless
        }
    }
}
