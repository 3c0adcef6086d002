package dev.opsbook.runbooktest;

import dev.opsbook.engine.Role;
import dev.opsbook.engine.RunState;
import dev.opsbook.engine.StepExecution;
import dev.opsbook.engine.StepStatus;
import java.util.List;
import java.util.Optional;

/**
 * The state {@code expect: steps:} reads for a step id, from a finished run: pure. A handler's runs are keyed
 * {@code handler/for-owner}, and a for-each step's rollbacks run for its items ({@code ID[i]}), so neither is found
 * under the plain id; this class maps the id a test author writes onto those executions.
 */
final class StepStates {

    private StepStates() {
    }

    /**
     * The step's own execution when it ran in the normal flow (rolled-back when it succeeded and its rollbacks all
     * succeeded); for a step that ran only as a handler, the state of its runs as a handler (failed if any failed,
     * succeeded if all did); not-run when it never started.
     */
    static String of(RunState state, String stepId) {
        Optional<StepExecution> execution = state.execution(stepId);
        if (execution.isEmpty()) {
            return asHandler(state, stepId);
        }
        List<StepExecution> rollbacks = state.executions().values().stream()
                .filter(x -> x.role() == Role.ROLLBACK && serves(x, stepId)).toList();
        boolean rolledBack = !rollbacks.isEmpty() && rollbacks.stream().allMatch(x -> x.status() == StepStatus.SUCCEEDED);
        return execution.get().status() == StepStatus.SUCCEEDED && rolledBack ? "rolled-back" : execution.get().status().label();
    }

    /** Whether {@code handler} ran for the step {@code stepId} itself or for one of its for-each items. */
    static boolean serves(StepExecution handler, String stepId) {
        return handler.forStep().filter(owner -> owner.equals(stepId) || owner.startsWith(stepId + "[")).isPresent();
    }

    private static String asHandler(RunState state, String stepId) {
        List<StepExecution> runs = state.executions().values().stream()
                .filter(x -> x.stepId().equals(stepId) && (x.role() == Role.ROLLBACK || x.role() == Role.ON_FAILURE)).toList();
        if (runs.isEmpty()) {
            return "not-run";
        }
        return runs.stream().filter(x -> x.status() == StepStatus.FAILED).findFirst()
                .or(() -> runs.stream().filter(x -> x.status() != StepStatus.SUCCEEDED).findFirst())
                .orElse(runs.get(0)).status().label();
    }
}
