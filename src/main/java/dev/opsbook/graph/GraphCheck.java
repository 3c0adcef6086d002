package dev.opsbook.graph;

import dev.opsbook.expression.Reference;
import dev.opsbook.expression.References;
import dev.opsbook.runbook.Diagnostic;
import dev.opsbook.runbook.ExpressionSite;
import dev.opsbook.runbook.ExpressionSites;
import dev.opsbook.runbook.FailurePolicy;
import dev.opsbook.runbook.Parameter;
import dev.opsbook.runbook.Position;
import dev.opsbook.runbook.Runbook;
import dev.opsbook.runbook.Step;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The checks that need the whole graph: every name a step refers to exists and, for step
 * outputs, belongs to a step certain to have run before; no cycles.
 */
public final class GraphCheck {

    /** Fields of {@code run} that templates can read. */
    public static final Set<String> RUN_FIELDS = Set.of("id", "runbook", "startedAt", "startedBy", "trigger", "dryRun", "drill", "incident");

    private GraphCheck() {
    }

    public static List<Diagnostic> check(StepGraph graph) {
        return check(graph, ExpressionSites::of);
    }

    /** @param scans a step's expressions, e.g. as the parser already found them ({@link dev.opsbook.runbook.ParsedRunbook#scan}) */
    public static List<Diagnostic> check(StepGraph graph, java.util.function.Function<Step, ExpressionSites.Scan> scans) {
        Runbook runbook = graph.runbook();
        List<Diagnostic> diagnostics = new ArrayList<>();
        Set<String> ids = new LinkedHashSet<>();
        runbook.steps().forEach(s -> ids.add(s.id()));
        for (Step step : runbook.steps()) {
            step.explicitNeeds().ifPresent(needs -> {
                for (String need : needs) {
                    Position at = step.positionOf("attr:needs");
                    if (!ids.contains(need)) {
                        diagnostics.add(error(runbook, at, "step '" + step.id() + "' needs '" + need + "', which is not a step"
                                + dev.opsbook.runbook.Suggestions.didYouMean(need, ids)));
                    } else if (need.equals(step.id())) {
                        diagnostics.add(error(runbook, at, "step '" + step.id() + "' needs itself"));
                    } else if (graph.isHandler(need)) {
                        diagnostics.add(error(runbook, at, "step '" + step.id() + "' needs '" + need
                                + "', which runs only as a rollback or on-failure handler"));
                    }
                }
                if (graph.isHandler(step.id())) {
                    diagnostics.add(warning(runbook, at(step, "attr:needs"), "needs on '" + step.id()
                            + "' is ignored: it runs only as a rollback or on-failure handler"));
                }
            });
            if (graph.isHandler(step.id()) && step.condition().isPresent()) {
                diagnostics.add(warning(runbook, at(step, "attr:if"), "if on '" + step.id()
                        + "' is ignored: it runs only as a rollback or on-failure handler, whenever it is called"));
            }
            step.rollback().ifPresent(target -> handlerTarget(graph, step, target, "rollback", ids, diagnostics));
            if (step.onFailure() instanceof FailurePolicy.Handler handler) {
                handlerTarget(graph, step, handler.stepId(), "on-failure", ids, diagnostics);
            }
        }
        graph.cycle().ifPresent(cycle -> {
            Step first = graph.step(cycle.get(0));
            diagnostics.add(error(runbook, at(first, "attr:needs"), "steps form a cycle: "
                    + String.join(" needs ", cycle) + "; break it by removing one of these needs"));
        });
        for (Step step : runbook.steps()) {
            references(graph, step, scans.apply(step), ids, diagnostics);
        }
        diagnostics.addAll(ForEachCheck.check(graph));
        return diagnostics;
    }

    private static void handlerTarget(StepGraph graph, Step step, String target, String role, Set<String> ids,
                                      List<Diagnostic> diagnostics) {
        Runbook runbook = graph.runbook();
        Position at = step.positionOf("attr:" + role);
        if (!ids.contains(target)) {
            diagnostics.add(error(runbook, at, role + " of step '" + step.id() + "' names '" + target
                    + "', which is not a step" + dev.opsbook.runbook.Suggestions.didYouMean(target, ids)));
        } else if (target.equals(step.id())) {
            diagnostics.add(error(runbook, at, "step '" + step.id() + "' cannot be its own " + role));
        } else if (graph.isHandler(step.id())) {
            diagnostics.add(error(runbook, at, "step '" + step.id() + "' is itself a handler, so it cannot have a " + role
                    + "; put what should happen into '" + step.id() + "' itself"));
        }
    }

    private static void references(StepGraph graph, Step step, ExpressionSites.Scan scan, Set<String> ids, List<Diagnostic> diagnostics) {
        Runbook runbook = graph.runbook();
        Set<String> reachable = null; // //why: computed only for a handler that reads another step's results
        Set<String> itemRoots = ForEachCheck.hasItem(graph, step) ? ForEachCheck.ROOTS : Set.of();
        for (ExpressionSite site : scan.sites()) {
            if (site.overResult()) {
                continue; // outputs read the step's own result
            }
            Set<String> extra = site.where().equals("foreach") ? Set.of() : itemRoots;
            References.unknownRoot(site.expression(), extra).ifPresent(name -> {
                // a for-each step also reads item and index: list them, and suggest them for a typo such as itme
                List<String> roots = java.util.stream.Stream.concat(References.ROOTS.stream(), extra.stream()).sorted().toList();
                String didYouMean = dev.opsbook.runbook.Suggestions.didYouMean(name, roots);
                boolean foreign = didYouMean.isEmpty() && site.where().equals("script") && ForEachCheck.hint(graph, step, name).isEmpty(); //why: no near name: likely another tool's template
                diagnostics.add(error(runbook, site.position(), site.where() + ": '" + name
                        + "' is not something templates can read; they start from "
                        + String.join(", ", roots) + didYouMean
                        + ForEachCheck.hint(graph, step, name) + (foreign ? ExpressionSites.LITERAL_HINT : "")));
            });
            for (Reference reference : References.in(site.expression())) {
                String name = reference.name();
                switch (reference.root()) {
                    case "params" -> {
                        if (runbook.parameter(name).isEmpty()) {
                            diagnostics.add(error(runbook, site.position(), site.where() + ": params." + name
                                    + " is not a declared parameter" + dev.opsbook.runbook.Suggestions.didYouMean(name,
                                    runbook.parameters().stream().map(Parameter::name).toList())
                                    + "; declare it under parameters: in the front matter"));
                        }
                    }
                    case "steps" -> {
                        if (!ids.contains(name)) {
                            diagnostics.add(error(runbook, site.position(), site.where() + ": steps." + name
                                    + " is not a step" + dev.opsbook.runbook.Suggestions.didYouMean(name,
                                    runbook.steps().stream().map(Step::id).toList())));
                            continue;
                        }
                        if (reachable == null && graph.isHandler(step.id())) {
                            reachable = reachableFrom(graph, step);
                        }
                        if (reachable != null ? !reachable.contains(name) : !graph.isAncestor(name, step.id())) {
                            diagnostics.add(error(runbook, site.position(), site.where() + ": step '" + step.id()
                                    + "' reads steps." + name + ", but '" + name + "' is not certain to have run before it;"
                                    + " add needs=" + name + " or move the step after it"));
                        }
                    }
                    case "env" -> {
                        if (!runbook.envAllowList().contains(name)) {
                            diagnostics.add(error(runbook, site.position(), site.where() + ": env." + name
                                    + " is not allow-listed; add it to env: in the front matter to let templates read it"));
                        }
                    }
                    case "run" -> {
                        if (!RUN_FIELDS.contains(name)) {
                            diagnostics.add(warning(runbook, site.position(), site.where() + ": run." + name
                                    + " is always null; run has " + String.join(", ", RUN_FIELDS.stream().sorted().toList())));
                        }
                    }
                    default -> {
                        // event: its shape is the triggering event's, known only at run time
                    }
                }
            }
        }
    }

    /** The steps whose results a step can read: its ancestors, or for a handler, what its owners could read and the owners. */
    private static Set<String> reachableFrom(StepGraph graph, Step step) {
        if (!graph.isHandler(step.id())) {
            return graph.ancestors(step.id());
        }
        Set<String> reachable = new LinkedHashSet<>();
        for (String owner : graph.ownersOf(step.id())) {
            reachable.add(owner);
            reachable.addAll(graph.ancestors(owner));
        }
        return reachable;
    }

    private static Position at(Step step, String key) {
        return step.positionOf(key);
    }

    private static Diagnostic error(Runbook runbook, Position at, String message) {
        return Diagnostic.error(runbook.file(), at, message);
    }

    private static Diagnostic warning(Runbook runbook, Position at, String message) {
        return Diagnostic.warning(runbook.file(), at, message);
    }
}
