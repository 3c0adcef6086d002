package dev.opsbook.graph;

import com.fasterxml.jackson.databind.JsonNode;
import dev.opsbook.expression.Reference;
import dev.opsbook.expression.References;
import dev.opsbook.runbook.Diagnostic;
import dev.opsbook.runbook.Parameter;
import dev.opsbook.runbook.Runbook;
import dev.opsbook.runbook.Step;
import dev.opsbook.runbook.StepKindSpec;
import dev.opsbook.runbook.Suggestions;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;

/**
 * The checks of a runbook against the runbooks its {@code runbook} steps run, which need them at hand (a
 * {@link RunbookCatalog}): each child is found, takes the parameters given and gets every one it requires, and no
 * runbook runs itself through its children, nor nests deeper than {@link #MAX_DEPTH}. Also the runbook's own
 * front-matter {@code outputs:} read steps it has. Errors are placed at the parent's step.
 */
public final class SubRunbooks {

    /** How deep child runs may nest: a runbook, its child, the child's child... five levels below the first. */
    public static final int MAX_DEPTH = 5;

    private SubRunbooks() {
    }

    /** The runbook with these checks' diagnostics added. */
    public static LoadedRunbook check(LoadedRunbook loaded, RunbookCatalog catalog) {
        List<Diagnostic> problems = diagnostics(loaded.runbook(), catalog);
        if (problems.isEmpty()) {
            return loaded;
        }
        List<Diagnostic> all = new ArrayList<>(loaded.diagnostics());
        all.addAll(problems);
        all.sort(Diagnostic.IN_FILE_ORDER);
        return new LoadedRunbook(loaded.runbook(), loaded.graph(), all.stream().distinct().toList());
    }

    public static List<Diagnostic> diagnostics(Runbook runbook, RunbookCatalog catalog) {
        List<Diagnostic> problems = new ArrayList<>();
        outputs(runbook, problems);
        for (Step step : runbook.steps()) {
            if (!step.has(StepKindSpec.Trait.RUNS_A_RUNBOOK)) {
                continue;
            }
            Optional<LoadedRunbook> child = child(runbook, step, catalog, problems);
            if (child.isEmpty()) {
                continue;
            }
            parameters(runbook, step, child.get().runbook(), problems);
            LinkedHashSet<String> chain = new LinkedHashSet<>(List.of(runbook.id()));
            nesting(runbook, step, child.get().runbook(), chain, catalog, problems);
        }
        return problems;
    }

    /** The child a step names, or a problem at the step. */
    private static Optional<LoadedRunbook> child(Runbook runbook, Step step, RunbookCatalog catalog, List<Diagnostic> problems) {
        JsonNode body = step.settings();
        if (body == null || !body.isObject()) {
            return Optional.empty();
        }
        if (body.path("runbook").isTextual()) {
            String id = body.get("runbook").asText();
            Optional<LoadedRunbook> found = catalog.byId(id);
            if (found.isEmpty()) {
                problems.add(Diagnostic.error(runbook.file(), step.positionOf("/runbook"), "runbook step '" + step.id()
                        + "' runs runbook '" + id + "', which is not among the runbooks read with this one"
                        + Suggestions.didYouMean(id, catalog.ids())
                        + "; name a runbook id of this folder, or give path: ./FILE.md relative to this file"));
            }
            return found;
        }
        if (body.path("path").isTextual()) {
            String path = body.get("path").asText();
            Optional<LoadedRunbook> found = catalog.byPath(runbook.file(), path);
            if (found.isEmpty()) {
                problems.add(Diagnostic.error(runbook.file(), step.positionOf("/path"), "runbook step '" + step.id() + "' runs "
                        + path + ", but there is no such file (" + RunbookCatalog.resolve(runbook.file(), path) + ")"));
            }
            return found;
        }
        return Optional.empty();
    }

    private static void parameters(Runbook runbook, Step step, Runbook child, List<Diagnostic> problems) {
        JsonNode given = step.settings().path("parameters");
        List<String> declared = child.parameters().stream().map(Parameter::name).toList();
        given.fieldNames().forEachRemaining(name -> {
            if (child.parameter(name).isEmpty()) {
                problems.add(Diagnostic.error(runbook.file(), step.positionOf("/parameters/" + name), "runbook step '" + step.id()
                        + "' gives parameter '" + name + "', which runbook " + child.id() + " does not declare"
                        + Suggestions.didYouMean(name, declared)
                        + (declared.isEmpty() ? "; it takes no parameters" : "; it takes " + String.join(", ", declared))));
            }
        });
        for (Parameter parameter : child.parameters()) {
            if (parameter.required() && parameter.defaultValue().isEmpty() && !given.has(parameter.name())) {
                problems.add(Diagnostic.error(runbook.file(), step.positionOf(given.isObject() ? "/parameters" : "/runbook"),
                        "runbook step '" + step.id() + "' does not give parameter '" + parameter.name() + "', which runbook "
                                + child.id() + " requires; add it under parameters:"));
            }
        }
    }

    /** Walks the children of {@code child} (reached from the top runbook through {@code chain}) for a cycle or too deep a nesting. */
    private static boolean nesting(Runbook top, Step step, Runbook child, LinkedHashSet<String> chain, RunbookCatalog catalog,
                                   List<Diagnostic> problems) {
        if (chain.contains(child.id())) {
            problems.add(Diagnostic.error(top.file(), step.positionOf("attr:id"), "runbook step '" + step.id() + "' makes a cycle: "
                    + String.join(" runs ", chain) + " runs " + child.id() + "; a runbook cannot run itself, directly or through"
                    + " its children"));
            return false;
        }
        if (chain.size() > MAX_DEPTH) {
            problems.add(Diagnostic.error(top.file(), step.positionOf("attr:id"), "runbook step '" + step.id()
                    + "' nests child runs deeper than " + MAX_DEPTH + " levels (" + String.join(" runs ", chain) + " runs "
                    + child.id() + "); run fewer runbooks inside one another"));
            return false;
        }
        chain.add(child.id());
        try {
            for (Step inner : child.steps()) {
                if (!inner.has(StepKindSpec.Trait.RUNS_A_RUNBOOK) || !inner.settings().isObject()) {
                    continue;
                }
                JsonNode body = inner.settings();
                Optional<LoadedRunbook> next = body.path("runbook").isTextual() ? catalog.byId(body.get("runbook").asText())
                        : body.path("path").isTextual() ? catalog.byPath(child.file(), body.get("path").asText()) : Optional.empty();
                if (next.isPresent() && !nesting(top, step, next.get().runbook(), chain, catalog, problems)) {
                    return false;
                }
            }
            return true;
        } finally {
            chain.remove(child.id());
        }
    }

    /** The runbooks a runbook's steps run, their children's, and so on, each once, in the order first met. */
    public static List<Runbook> descendants(Runbook runbook, RunbookCatalog catalog) {
        java.util.Map<String, Runbook> found = new java.util.LinkedHashMap<>();
        java.util.Deque<Runbook> next = new java.util.ArrayDeque<>(List.of(runbook));
        while (!next.isEmpty()) {
            Runbook parent = next.pop();
            for (Step step : parent.steps()) {
                if (!step.has(StepKindSpec.Trait.RUNS_A_RUNBOOK) || !step.settings().isObject()) {
                    continue;
                }
                JsonNode body = step.settings();
                Optional<LoadedRunbook> child = body.path("runbook").isTextual() ? catalog.byId(body.get("runbook").asText())
                        : body.path("path").isTextual() ? catalog.byPath(parent.file(), body.get("path").asText()) : Optional.empty();
                child.map(LoadedRunbook::runbook).filter(c -> !c.id().equals(runbook.id()) && found.putIfAbsent(c.id(), c) == null)
                        .ifPresent(next::add);
            }
        }
        return List.copyOf(found.values());
    }

    /** Front-matter outputs read steps this runbook has. */
    private static void outputs(Runbook runbook, List<Diagnostic> problems) {
        runbook.outputs().forEach((name, expression) -> {
            for (Reference reference : References.in(expression)) {
                if (reference.root().equals("steps") && runbook.step(reference.name()).isEmpty()) {
                    problems.add(Diagnostic.error(runbook.file(), runbook.positionOf("/outputs/" + name), "output '" + name + "': steps."
                            + reference.name() + " is not a step" + Suggestions.didYouMean(reference.name(),
                            runbook.steps().stream().map(Step::id).toList())));
                } else if (reference.root().equals("params") && runbook.parameter(reference.name()).isEmpty()) {
                    problems.add(Diagnostic.error(runbook.file(), runbook.positionOf("/outputs/" + name), "output '" + name + "': params."
                            + reference.name() + " is not a declared parameter"));
                }
            }
        });
    }
}
