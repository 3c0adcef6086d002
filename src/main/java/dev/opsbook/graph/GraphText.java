package dev.opsbook.graph;

import dev.opsbook.runbook.FailurePolicy;
import dev.opsbook.runbook.Step;
import dev.opsbook.runbook.StepKindSpec;
import java.util.ArrayList;
import java.util.List;

/** The step graph for people: an indented plan for the terminal, or a Mermaid flowchart GitHub draws. */
public final class GraphText {

    /** What the graph, the dry run and the record say of a file without steps. */
    public static final String NO_STEPS = "No steps: nothing in it runs. Blocks fenced as `bash` or `sh` are prose;"
            + " a block fenced as `shell` (or another step kind) or a `- [ ]` checklist item is a step.";

    private GraphText() {
    }

    public static String plain(StepGraph graph) {
        StringBuilder out = new StringBuilder();
        var runbook = graph.runbook();
        out.append(runbook.title()).append(" (").append(runbook.id()).append(", ").append(runbook.kind().label())
                .append(")\n");
        if (graph.flow().isEmpty()) {
            out.append("  ").append(NO_STEPS).append('\n');
            return out.toString();
        }
        int n = 1;
        for (String id : graph.flow()) {
            Step step = graph.step(id);
            out.append(String.format("%3d. %-24s %-8s", n++, id, step.kind()));
            List<String> notes = new ArrayList<>();
            List<String> needs = graph.dependenciesOf(id);
            notes.add(needs.isEmpty() ? "first" : "after " + String.join(", ", needs));
            step.condition().ifPresent(c -> notes.add("if " + c));
            if (step.retries() > 0) {
                notes.add("retries " + step.retries());
            }
            step.timeout().ifPresent(t -> notes.add("timeout " + dev.opsbook.runbook.Durations.format(t)));
            if (!(step.onFailure() instanceof FailurePolicy.Abort)) {
                notes.add("on failure " + step.onFailure());
            }
            step.rollback().ifPresent(r -> notes.add("rollback " + r));
            if (step.has(StepKindSpec.Trait.RUNS_A_RUNBOOK) && step.settings().isObject()) {
                // one node for the whole child run; its own graph is one command away
                String child = step.settings().path(step.settings().hasNonNull("path") ? "path" : "runbook").asText();
                notes.add("runs " + child + " (its graph: opsbook graph " + (step.settings().hasNonNull("path")
                        ? RunbookCatalog.resolve(graph.runbook().file(), child) : child + ".md in this folder") + ")");
            }
            out.append(String.join("; ", notes));
            if (step.has(StepKindSpec.Trait.TASK) && !step.title().equals(id)) {
                out.append("\n").append(" ".repeat(5)).append("\"").append(abbreviate(step.title(), 70)).append("\"");
            }
            out.append('\n');
        }
        if (!graph.handlers().isEmpty()) {
            out.append("  handlers (run only on failure):\n");
            for (String id : graph.handlers()) {
                graph.runbook().step(id).ifPresent(step -> out.append(String.format("     %-24s %-8s for %s%n",
                        id, step.kind(), String.join(", ", graph.ownersOf(id)))));
            }
        }
        return out.toString();
    }

    public static String mermaid(StepGraph graph) {
        StringBuilder out = new StringBuilder("```mermaid\nflowchart TD\n");
        for (Step step : graph.runbook().steps()) {
            String shape = graph.isHandler(step.id()) ? "[/%s/]" : step.condition().isPresent() ? "{{%s}}" : "[%s]";
            out.append("  ").append(node(step.id())).append(String.format(shape, "\"" + label(step) + "\"")).append('\n');
        }
        for (String id : graph.flow()) {
            for (String dependency : graph.dependenciesOf(id)) {
                out.append("  ").append(node(dependency)).append(" --> ").append(node(id)).append('\n');
            }
        }
        for (Step step : graph.runbook().steps()) {
            step.rollback().ifPresent(r -> out.append("  ").append(node(step.id())).append(" -. rollback .-> ").append(node(r)).append('\n'));
            if (step.onFailure() instanceof FailurePolicy.Handler h) {
                out.append("  ").append(node(step.id())).append(" -. on failure .-> ").append(node(h.stepId())).append('\n');
            }
        }
        return out.append("```\n").toString();
    }

    private static String node(String id) {
        return "s_" + id.replaceAll("[^A-Za-z0-9_]", "_");
    }

    private static String label(Step step) {
        String text = step.has(StepKindSpec.Trait.TASK) ? abbreviate(step.title(), 40) : step.id() + " · " + step.kind();
        if (step.condition().isPresent()) {
            text = text + " · if " + step.condition().get();
        }
        return text.replace("\"", "#quot;");
    }

    private static String abbreviate(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max - 1) + "…";
    }
}
