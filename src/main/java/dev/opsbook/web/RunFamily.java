package dev.opsbook.web;

import dev.opsbook.engine.ChildRuns;
import dev.opsbook.engine.RunState;
import dev.opsbook.engine.StepExecution;
import dev.opsbook.graph.LoadedRunbook;
import dev.opsbook.runbook.StepKindSpec;
import java.util.List;

/**
 * The runs a run page links besides its own: the parent that started it by a {@code runbook} step, and the child run
 * of each execution of its own {@code runbook} steps (one per item of a for-each), by the id the step gives its child.
 *
 * @param parent the parent run's id, or null when this run is no child
 * @param parentStep the parent's step key that started it
 */
public record RunFamily(String parent, String parentStep, List<Child> children) {

    public record Child(String id, String step) {
    }

    static RunFamily of(String startedBy, LoadedRunbook runbook, RunState state) {
        String[] parent = ChildRuns.parentOf(startedBy);
        List<Child> children = state.executions().values().stream()
                .filter(x -> runbook.runbook().step(x.stepId()).map(s -> s.has(StepKindSpec.Trait.RUNS_A_RUNBOOK)).orElse(false))
                .map(StepExecution::key).sorted()
                .map(key -> new Child(ChildRuns.childRunId(state.runId(), key), key)).toList();
        return new RunFamily(parent == null ? null : parent[0], parent == null ? null : parent[1], children);
    }
}
