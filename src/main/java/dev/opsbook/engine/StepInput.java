package dev.opsbook.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opsbook.expression.ExpressionException;
import dev.opsbook.expression.SecretSource;
import dev.opsbook.expression.Template;
import dev.opsbook.expression.Templates;
import dev.opsbook.runbook.Runbook;
import dev.opsbook.runbook.Step;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A step's call rendered over the run's context when it starts: its input (templates), its script
 * (script values), its environment, and the secrets it reads, each read once per run and taught to
 * the run's {@link Redactor} before anything that holds it is recorded. Used by the engine thread only.
 */
final class StepInput {

    private final RunRequest request;
    private final Runbook runbook;
    private final SecretResolver secrets;
    private final Redactor redactor;
    private final Map<String, String> secretValues = new HashMap<>();

    StepInput(RunRequest request, SecretResolver secrets, Redactor redactor) {
        this.request = request;
        this.runbook = request.runbook().runbook();
        this.secrets = secrets;
        this.redactor = redactor;
    }

    /**
     * A step's input and script rendered over the run's context now; secrets it reads are added to {@code secretReads}.
     *
     * @param item the for-each item whose {@code item} and {@code index} the call sees ({@link ForEachItems#scope}), if any
     */
    Prepared prepare(Step step, RunState state, Optional<String> item, List<JsonNode> secretReads) {
        JsonNode context = ForEachItems.context(state, item, redactor);
        SecretSource source = (store, id) -> secret(store, id, secretReads);
        unkeptSecret(step, context).ifPresent(message -> {
            throw new ExpressionException(message, 0);
        });
        JsonNode input = input(step, context, source);
        String script = null;
        if (step.settings().isNull() && step.has(dev.opsbook.runbook.StepKindSpec.Trait.PROGRAM)) {
            script = step.body(); // a program reads the context as variables; its braces are its own, never rendered
            input = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode().put("script", script);
        } else if (step.settings().isNull()) {
            ScriptValues.Rendered rendered = ScriptValues.render(step.body(), context, source);
            script = rendered.script();
            input = rendered.input();
        }
        return new Prepared(input, script, environment(step, state), context);
    }

    /**
     * A secret parameter this step reads, in a run that goes on from the store: the store keeps
     * it masked, and running with the mask in its place would, say, set a password to it.
     */
    private Optional<String> unkeptSecret(Step step, JsonNode context) {
        List<String> masked = request.runbook().runbook().parameters().stream()
                .filter(p -> p.isSecret() && context.path("params").path(p.name()).asText("").equals(Redactor.MASK))
                .map(dev.opsbook.runbook.Parameter::name).toList();
        if (masked.isEmpty()) {
            return Optional.empty();
        }
        //why: a script also reads parameters as environment variables ($token), which hold the mask too
        java.util.stream.Stream<String> inScript = step.settings().isNull() && step.body() != null
                ? masked.stream().filter(name -> java.util.regex.Pattern.compile(step.has(dev.opsbook.runbook.StepKindSpec.Trait.PROGRAM)
                                ? "[\"']" + java.util.regex.Pattern.quote(name) + "[\"']" // a program reads params["name"], os.environ["name"]
                                : "\\$\\{?" + java.util.regex.Pattern.quote(name) + "(?![A-Za-z0-9_])")
                        .matcher(step.body()).find())
                : java.util.stream.Stream.empty();
        return java.util.stream.Stream.concat(dev.opsbook.runbook.ExpressionSites.of(step).sites().stream()
                .flatMap(site -> dev.opsbook.expression.References.in(site.expression()).stream())
                .filter(r -> r.root().equals("params") && masked.contains(r.name()))
                .map(dev.opsbook.expression.Reference::name), inScript)
                .findFirst()
                .map(name -> "params." + name + " is a secret, and the store does not keep secrets: a run that goes on from the store"
                        + " (after an approval, a resume or a takeover) cannot read it; read it in this step with a secret reference"
                        + " ({{ secret:ssm:NAME }} or {{ secret:secretsmanager:NAME }}), or start a new run");
    }

    private JsonNode input(Step step, JsonNode context, SecretSource source) {
        if (!step.settings().isObject()) {
            return null;
        }
        ObjectNode settings = step.settings().deepCopy();
        settings.remove("outputs"); // expressions over the result, evaluated after the step
        return Templates.render(settings, context, e -> false, source);
    }

    /** Reads a secret once per run; from then on its value is masked wherever the run is shown. */
    private String secret(String store, String id, List<JsonNode> reads) {
        String key = store + ":" + id;
        String known = secretValues.get(key);
        if (known != null) {
            return known;
        }
        try {
            SecretResolver.Fetched fetched = secrets.fetch(store, id);
            redactor.add(fetched.value());
            secretValues.put(key, fetched.value());
            if (fetched.call() != null) {
                reads.add(fetched.call());
            }
            return fetched.value();
        } catch (Exception e) {
            throw new ExpressionException("cannot read secret:" + key + ": " + e.getMessage(), 0);
        }
    }

    private Map<String, String> environment(Step step, RunState state) {
        Map<String, String> environment = new LinkedHashMap<>();
        state.params().fields().forEachRemaining(field ->
                environment.put(field.getKey(), Template.asText(field.getValue())));
        environment.put("OPSBOOK_RUN_ID", state.runId());
        environment.put("OPSBOOK_RUNBOOK", runbook.id());
        environment.put("OPSBOOK_STEP_ID", step.id());
        return environment;
    }

    /** A step's call as rendered when it started: its retries repeat it. */
    record Prepared(JsonNode input, String script, Map<String, String> environment, JsonNode context) {
    }
}
