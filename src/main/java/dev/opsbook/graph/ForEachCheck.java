package dev.opsbook.graph;

import dev.opsbook.runbook.Diagnostic;
import dev.opsbook.runbook.ForEach;
import dev.opsbook.runbook.Step;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** The for-each rules that need the graph: which steps see {@code item} and {@code index}, and that handlers have no for-each of their own. */
final class ForEachCheck {

    /** What a for-each step's templates (and its rollback's) read besides the run's context. */
    static final Set<String> ROOTS = Set.of("item", "index");

    private ForEachCheck() {
    }

    /**
     * The step runs once per item, or is a handler that only ever runs as the rollback of for-each steps (once per
     * item that succeeded): a handler that also serves a step without for-each, or as an on-failure handler, runs
     * at least once with no item.
     */
    static boolean hasItem(StepGraph graph, Step step) {
        if (ForEach.of(step).isPresent()) {
            return true;
        }
        return graph.isHandler(step.id()) && withoutItem(graph, step).isEmpty();
    }

    /** A step this handler serves without an item, and how ("the rollback of 'plain'"), if there is one. */
    private static java.util.Optional<String> withoutItem(StepGraph graph, Step handler) {
        for (String id : graph.ownersOf(handler.id())) {
            Step owner = graph.step(id);
            if (owner.onFailure() instanceof dev.opsbook.runbook.FailurePolicy.Handler h && h.stepId().equals(handler.id())) {
                return java.util.Optional.of("the on-failure handler of '" + id + "', which runs it once for the step, with no item");
            }
            if (ForEach.of(owner).isEmpty()) {
                return java.util.Optional.of("the rollback of '" + id + "', which runs it with no item");
            }
        }
        return java.util.Optional.empty();
    }

    static List<Diagnostic> check(StepGraph graph) {
        List<Diagnostic> diagnostics = new ArrayList<>();
        for (Step step : graph.runbook().steps()) {
            if (ForEach.of(step).isPresent() && graph.isHandler(step.id())) {
                diagnostics.add(Diagnostic.error(graph.runbook().file(), step.positionOf("attr:foreach"), "step '" + step.id()
                        + "' runs as a rollback or on-failure handler, so it cannot have foreach; the rollback of a for-each step"
                        + " already runs once per item that succeeded, with that item as item"));
            }
        }
        return diagnostics;
    }

    /** What to add to "'item' is not something templates can read" when a step without for-each reads it. */
    static String hint(StepGraph graph, Step step, String name) {
        if (!ROOTS.contains(name)) {
            return "";
        }
        boolean servesForEach = graph.isHandler(step.id()) && graph.ownersOf(step.id()).stream().map(graph::step)
                .anyMatch(owner -> owner.rollback().filter(step.id()::equals).isPresent() && ForEach.of(owner).isPresent());
        return servesForEach ? withoutItem(graph, step).map(how -> "; '" + step.id() + "' is also " + how
                        + "; give that step a handler of its own").orElse("")
                : "; item and index are read by a step with foreach=\"EXPR\" (once per element) and by its rollback";
    }
}
