package dev.opsbook.runbooktest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.opsbook.engine.RunOutputs;
import dev.opsbook.engine.RunResult;
import dev.opsbook.engine.RunState;
import dev.opsbook.engine.StepExecution;
import dev.opsbook.engine.StepStatus;
import dev.opsbook.rehearsal.AwsAnswer;
import dev.opsbook.rehearsal.SimulatedAws;
import dev.opsbook.rehearsal.Subset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A case's expectations against its finished run: pure, each unmet one a {@link CaseResult.Failure}. */
final class Verdicts {

    private Verdicts() {
    }

    static List<CaseResult.Failure> check(Expectations expect, RunResult result, List<SimulatedAws.MadeCall> calls, String record) {
        List<CaseResult.Failure> failures = new ArrayList<>();
        RunState state = result.state();
        expect.status().ifPresent(status -> {
            if (!state.status().label().equals(status)) {
                Optional<StepExecution> failed = state.executions().values().stream()
                        .filter(x -> x.status() == StepStatus.FAILED || x.status() == StepStatus.WAITING).findFirst();
                failures.add(new CaseResult.Failure("status: " + status, state.status().label()
                        + (state.message() == null || state.message().isBlank() ? "" : ": " + state.message())
                        + failed.map(x -> " (step " + x.key() + " " + x.status().label() + ": " + x.message() + ")").orElse(""),
                        failed.map(Verdicts::input)));
            }
        });
        for (Map.Entry<String, String> step : expect.steps().entrySet()) {
            String actual = stateOf(state, step.getKey());
            if (!actual.equals(step.getValue())) {
                Optional<StepExecution> execution = state.execution(step.getKey());
                failures.add(new CaseResult.Failure("step " + step.getKey() + ": " + step.getValue(),
                        actual + execution.filter(x -> x.message() != null && !x.message().isBlank()).map(x -> ": " + x.message()).orElse(""),
                        execution.map(Verdicts::input)));
            }
        }
        for (int i = 0; i < expect.calls().size(); i++) {
            AwsAnswer call = expect.calls().get(i);
            long made = calls.stream().filter(c -> matches(call, c)).count();
            boolean counted = expect.callCounted().get(i);
            if (counted ? made != call.times() : made == 0) {
                failures.add(new CaseResult.Failure("calls: " + describe(call) + (counted ? " " + call.times() + " time(s)" : ""),
                        made + " such call(s); calls made: " + made(calls), Optional.empty()));
            }
        }
        for (AwsAnswer call : expect.noCalls()) {
            List<SimulatedAws.MadeCall> found = calls.stream().filter(c -> matches(call, c)).toList();
            if (!found.isEmpty()) {
                failures.add(new CaseResult.Failure("no-calls: " + describe(call), found.size() + " such call(s): " + made(found), Optional.empty()));
            }
        }
        for (Map.Entry<String, JsonNode> output : expect.outputs().entrySet()) {
            JsonNode actual = output(result, output.getKey());
            if (!Subset.matches(output.getValue(), actual)) {
                failures.add(new CaseResult.Failure("outputs: " + output.getKey() + ": " + output.getValue(), String.valueOf(actual),
                        state.execution(output.getKey()).map(Verdicts::input)));
            }
        }
        for (String text : expect.recordContains()) {
            if (!record.contains(text)) {
                failures.add(new CaseResult.Failure("record-contains: " + text, "the record does not contain it (--record-dir DIR keeps it)",
                        Optional.empty()));
            }
        }
        return failures;
    }

    /** The state {@code expect: steps:} reads: see {@link StepStates#of}. */
    static String stateOf(RunState state, String stepId) {
        return StepStates.of(state, stepId);
    }

    private static JsonNode output(RunResult result, String name) {
        Optional<StepExecution> step = result.state().execution(name);
        if (step.isPresent()) {
            return step.get().outputs();
        }
        try {
            return RunOutputs.of(result.runbook(), result.state()).get(name);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static boolean matches(AwsAnswer expected, SimulatedAws.MadeCall made) {
        return made.service().equals(expected.service()) && made.operation().equals(expected.operation())
                && Subset.matches(expected.input(), made.input());
    }

    private static String describe(AwsAnswer call) {
        return call.call() + (call.input().isEmpty() ? "" : " with " + call.input());
    }

    private static String made(List<SimulatedAws.MadeCall> calls) {
        return calls.isEmpty() ? "none" : String.join(", ", calls.stream().map(c -> c.action() + " " + c.input()).toList());
    }

    private static String input(StepExecution execution) {
        return String.valueOf(execution.input());
    }
}
