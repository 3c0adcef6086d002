package dev.opsbook.runbook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One step of a runbook as written: a fenced block or a task-list item.
 *
 * @param id the {@code id} attribute, or a stable name generated from the kind or the item's text
 * @param title a short human label: the task item's text, the {@code title} attribute, or the id
 * @param body the block's text as written (a task item's text)
 * @param settings the body read as YAML (a mapping), or, for script kinds, null
 * @param explicitNeeds the {@code needs} attribute; empty means "after the previous step in reading order"
 * @param outputs named JMESPath selections over the step's result
 * @param positions where each attribute and body key was written, by name ("attr:retries", "/url")
 * @param traits the traits of its kind, from the kind's {@link StepKindSpec} (none for a kind the parser does not know)
 */
public record Step(
        String id,
        boolean generatedId,
        String kind,
        StepForm form,
        String title,
        String body,
        JsonNode settings,
        Optional<List<String>> explicitNeeds,
        Optional<String> condition,
        int retries,
        Duration backoff,
        Optional<Duration> timeout,
        FailurePolicy onFailure,
        Optional<String> rollback,
        Map<String, String> outputs,
        Map<String, String> attributes,
        SourceSpan span,
        Map<String, Position> positions,
        java.util.Set<StepKindSpec.Trait> traits) {

    public Step {
        explicitNeeds = explicitNeeds.map(List::copyOf);
        outputs = Map.copyOf(outputs);
        attributes = Map.copyOf(attributes);
        positions = Map.copyOf(positions);
        traits = java.util.Set.copyOf(traits);
        settings = settings == null ? NullNode.getInstance() : settings;
    }

    public Position position() {
        return span.start();
    }

    /** Where a named attribute or body key was written, else where the step starts. */
    public Position positionOf(String key) {
        return positions.getOrDefault(key, span.start());
    }

    /** Declared {@code idempotent=true}: running it twice does no more than running it once, so an interrupted attempt is retried. */
    public boolean isIdempotent() {
        return "true".equals(attributes.get("idempotent"));
    }

    /**
     * The attributes that shape how the step runs, besides its order and condition, as they would be written
     * ({@code timeout=30s}), in the order of the attribute table; those left at their default are left out.
     */
    public Map<String, String> runAttributes() {
        Map<String, String> shown = new java.util.LinkedHashMap<>();
        if (retries > 0) {
            shown.put("retries", Integer.toString(retries));
            shown.put("backoff", Durations.written(backoff));
        }
        timeout.ifPresent(t -> shown.put("timeout", Durations.written(t)));
        if (!(onFailure instanceof FailurePolicy.Abort)) {
            shown.put("on-failure", onFailure.toString());
        }
        rollback.ifPresent(r -> shown.put("rollback", r));
        if (isIdempotent()) {
            shown.put("idempotent", "true");
        }
        return shown;
    }

    /** Its kind has this trait. */
    public boolean has(StepKindSpec.Trait trait) {
        return traits.contains(trait);
    }
}
