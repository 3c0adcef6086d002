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

    /** The step runs once per item, or is the rollback of one that does (which runs once per item that succeeded). */
    static boolean hasItem(StepGraph graph, Step step) {
        if (ForEach.of(step).isPresent()) {
            return true;
        }
        return graph.isHandler(step.id()) && graph.ownersOf(step.id()).stream()
                .map(graph::step)
                .anyMatch(owner -> owner.rollback().filter(step.id()::equals).isPresent() && ForEach.of(owner).isPresent());
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
    static String hint(String name) {
        return ROOTS.contains(name) ? "; item and index are read by a step with foreach=\"EXPR\" (once per element) and by its rollback" : "";
    }
}
