package dev.opsbook.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opsbook.expression.ExpressionException;
import dev.opsbook.expression.References;
import dev.opsbook.expression.Template;
import dev.opsbook.expression.Templates;
import dev.opsbook.graph.LoadedRunbook;
import dev.opsbook.graph.StepGraph;
import dev.opsbook.runbook.Diagnostic;
import dev.opsbook.runbook.Step;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * What a run would do, for {@code --dry-run}: every step in order with its input rendered from
 * the parameters. Values that only a run can know (step outputs) stay as written.
 */
public record Plan(String runbookId, String title, JsonNode params, List<PlannedStep> steps, Redactor redactor,
                   Optional<java.time.Duration> timeout) {

    /**
     * @param handlerFor for a rollback or on-failure handler, the steps it serves
     * @param attributes what else shapes how it runs: retries, backoff, timeout, on-failure, rollback, idempotent ({@link Step#runAttributes()})
     * @param forEach for a step with {@code foreach=}, what it would run over
     */
    public record PlannedStep(String id, String kind, String title, List<String> after, Optional<String> condition,
                              JsonNode input, List<String> handlerFor, java.util.Map<String, String> attributes,
                              Optional<PlannedForEach> forEach) {

        /** The attributes as they would be written in an info string: {@code retries=2 backoff=1s timeout=30s}. */
        public String attributesText() {
            return String.join(" ", attributes.entrySet().stream().map(a -> a.getKey() + "=" + a.getValue()).toList());
        }
    }

    public static Plan of(LoadedRunbook loaded, java.util.Map<String, String> params, StepExecutors executors) throws InvalidRunException {
        if (loaded.hasErrors()) {
            throw new InvalidRunException(loaded.errors().stream().map(Diagnostic::toString).toList());
        }
        ParameterBinding.Bound bound = ParameterBinding.bind(loaded.runbook(), params);
        if (!bound.ok()) {
            throw new InvalidRunException(bound.problems());
        }
        StepGraph graph = loaded.graph();
        ObjectNode context = JsonNodeFactory.instance.objectNode();
        context.set("params", bound.values());
        context.putObject("steps");
        ObjectNode run = context.putObject("run");
        run.put("id", "(dry run)");
        run.put("runbook", loaded.runbook().id());
        run.put("dryRun", true);
        ObjectNode env = context.putObject("env");
        loaded.runbook().envAllowList().forEach(name -> env.put(name, System.getenv(name)));
        Predicate<String> unknownYet = expression -> References.in(expression).stream()
                .anyMatch(r -> r.root().equals("steps") || r.root().equals("event") || r.root().equals("run") && !run.has(r.name()));
        List<PlannedStep> steps = new ArrayList<>();
        for (Step step : loaded.runbook().steps()) {
            List<String> owners = graph.isHandler(step.id()) ? graph.ownersOf(step.id()) : List.of();
            steps.add(new PlannedStep(step.id(), step.kind(), step.title(), graph.dependenciesOf(step.id()),
                    step.condition(), preview(executors, step, render(step, context, unknownYet.or(PER_ITEM))), owners, step.runAttributes(),
                    PlannedForEach.of(loaded.runbook(), step, context, unknownYet)));
        }
        // normal flow first, in reading order, then handlers
        List<PlannedStep> ordered = new ArrayList<>(steps.stream().filter(s -> s.handlerFor().isEmpty()).toList());
        ordered.addAll(steps.stream().filter(s -> !s.handlerFor().isEmpty()).toList());
        return new Plan(loaded.runbook().id(), loaded.runbook().title(), bound.values(), ordered,
                Redactor.of(loaded.runbook(), bound.values(), null), loaded.runbook().timeout());
    }

    // //why: item and index are an item's, known only when it runs; the plan shows them as written (References knows only the roots)
    private static final java.util.regex.Pattern ITEM = java.util.regex.Pattern.compile("(?<![A-Za-z0-9_.\"])(item|index)(?![A-Za-z0-9_])");
    private static final Predicate<String> PER_ITEM = expression -> ITEM.matcher(expression).find();

    private static JsonNode preview(StepExecutors executors, Step step, JsonNode input) {
        return executors.find(step.kind()).map(e -> e.preview(input)).orElse(input);
    }

    /**
     * A step's input rendered with what is known in {@code context}; what {@code unknownYet} says
     * only a later moment can tell stays as written.
     */
    public static JsonNode render(Step step, JsonNode context, Predicate<String> unknownYet) {
        try {
            if (step.settings().isObject()) {
                ObjectNode settings = step.settings().deepCopy();
                settings.remove("outputs");
                return Templates.render(settings, context, unknownYet);
            }
            return JsonNodeFactory.instance.objectNode().put("script", step.has(dev.opsbook.runbook.StepKindSpec.Trait.PROGRAM)
                    ? step.body() : ScriptValues.display(step.body(), context, unknownYet));
        } catch (ExpressionException e) {
            return JsonNodeFactory.instance.objectNode().put("error", "cannot render: " + e.getMessage());
        }
    }
}
