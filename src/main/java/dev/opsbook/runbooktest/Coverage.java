package dev.opsbook.runbooktest;

import dev.opsbook.engine.Role;
import dev.opsbook.engine.RunState;
import dev.opsbook.engine.StepExecution;
import dev.opsbook.engine.StepStatus;
import dev.opsbook.graph.StepGraph;
import dev.opsbook.runbook.FailurePolicy;
import dev.opsbook.runbook.ForEach;
import dev.opsbook.runbook.Step;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Predicate;

/**
 * Which paths through a runbook its cases took ({@code opsbook test --coverage}), from the runs' states against the
 * runbook's graph. Pure. The paths: every step of the normal flow ran; a step with {@code if=} ran and was skipped;
 * each rollback ran for its step; each on-failure handler ran for its step; a for-each step had an item fail.
 */
public final class Coverage {

    /**
     * One path and whether a case took it.
     *
     * @param label how {@code --coverage} names it: {@code step verify}, {@code if sample-logs false},
     *              {@code rollback switch-back for switch}, {@code on-failure page for check}, {@code for-each recover with an item failing}
     */
    public record Path(String label, boolean exercised) {
    }

    /** @param paths in the runbook's reading order */
    public record Report(String runbookId, List<Path> paths) {

        public long exercised() {
            return paths.stream().filter(Path::exercised).count();
        }

        public List<Path> missed() {
            return paths.stream().filter(p -> !p.exercised()).toList();
        }
    }

    private Coverage() {
    }

    /** The paths of {@code graph}'s runbook and which of {@code runs} (each case's final state) took them. */
    public static Report of(StepGraph graph, Collection<RunState> runs) {
        List<Path> paths = new ArrayList<>();
        for (String id : graph.flow()) {
            Step step = graph.step(id);
            boolean ran = any(runs, x -> x.stepId().equals(id) && x.role() != Role.ROLLBACK && x.role() != Role.ON_FAILURE
                    && x.status() != StepStatus.SKIPPED);
            if (step.condition().isPresent()) {
                paths.add(new Path("if " + id + " true", ran));
                paths.add(new Path("if " + id + " false", any(runs, x -> x.stepId().equals(id) && x.status() == StepStatus.SKIPPED)));
            } else {
                paths.add(new Path("step " + id, ran));
            }
            if (step.attributes().containsKey(ForEach.ATTRIBUTES.get(0))) {
                paths.add(new Path("for-each " + id + " with an item failing",
                        any(runs, x -> x.stepId().equals(id) && x.role() == Role.ITEM && x.status() == StepStatus.FAILED)));
            }
            step.rollback().ifPresent(handler -> paths.add(new Path("rollback " + handler + " for " + id,
                    any(runs, x -> x.role() == Role.ROLLBACK && x.stepId().equals(handler) && StepStates.serves(x, id)))));
            if (step.onFailure() instanceof FailurePolicy.Handler handler) {
                paths.add(new Path("on-failure " + handler.stepId() + " for " + id, any(runs, x -> x.role() == Role.ON_FAILURE
                        && x.stepId().equals(handler.stepId()) && StepStates.serves(x, id))));
            }
        }
        return new Report(graph.runbook().id(), paths);
    }

    private static boolean any(Collection<RunState> runs, Predicate<StepExecution> taken) {
        return runs.stream().anyMatch(state -> state.executions().values().stream().anyMatch(taken));
    }

    /** What {@code --coverage} prints for one runbook: a line with the count, then each path no case took. */
    public static List<String> lines(Report report) {
        List<String> lines = new ArrayList<>();
        lines.add((report.missed().isEmpty() ? "✅ " : "⚠️ ") + report.runbookId() + ": " + report.exercised() + " of "
                + report.paths().size() + " paths exercised");
        report.missed().forEach(p -> lines.add("     not exercised: " + p.label()));
        return lines;
    }
}
