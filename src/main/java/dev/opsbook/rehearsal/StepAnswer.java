package dev.opsbook.rehearsal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opsbook.runbook.Suggestions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A simulated result of one step, by id, as a case lists it under {@code steps:}: {@code {exit, stdout, stderr}} for
 * shell and python, {@code {status, body, headers}} for http, {@code approve: true|false} or {@code manual: done|failed}
 * for people, and for any kind {@code result: {...}} (it succeeds with that document) or {@code fail: message}.
 *
 * @param settings the mapping as written
 * @param pointer where it is in its file
 */
public record StepAnswer(String stepId, ObjectNode settings, String pointer) {

    static final Set<String> KEYS = Set.of("exit", "stdout", "stderr", "outputs", "status", "body", "headers", "approve", "manual",
            "by", "result", "fail");

    /** Reads a {@code steps:} mapping; which step ids exist is checked against the runbook later. */
    public static Map<String, StepAnswer> parse(JsonNode steps, String pointer, List<Problem> problems) {
        Map<String, StepAnswer> answers = new LinkedHashMap<>();
        if (steps == null || steps.isMissingNode() || steps.isNull()) {
            return answers;
        }
        if (!steps.isObject()) {
            problems.add(new Problem(pointer, "steps: maps step ids to simulated results, e.g. check: {exit: 0, stdout: ok}"));
            return answers;
        }
        steps.fields().forEachRemaining(field -> {
            String at = pointer + "/" + field.getKey().replace("~", "~0").replace("/", "~1");
            if (!field.getValue().isObject()) {
                problems.add(new Problem(at, "the simulated result of " + field.getKey() + " is a mapping, e.g. {exit: 1, stderr: boom}"));
                return;
            }
            ObjectNode settings = (ObjectNode) field.getValue();
            settings.fieldNames().forEachRemaining(key -> {
                if (!KEYS.contains(key)) {
                    problems.add(new Problem(at + "/" + key + "#key", "unknown key '" + key + "' in the simulated result of " + field.getKey()
                            + Suggestions.didYouMean(key, KEYS) + "; keys: " + String.join(", ", new java.util.TreeSet<>(KEYS))));
                }
            });
            if (settings.has("exit") && !settings.get("exit").isIntegralNumber()) {
                problems.add(new Problem(at + "/exit", "exit: is the script's exit code, a whole number"));
            }
            if (settings.has("status") && !settings.get("status").isIntegralNumber()) {
                problems.add(new Problem(at + "/status", "status: is the HTTP status the request gets, e.g. 200"));
            }
            if (settings.has("approve") && !settings.get("approve").isBoolean()) {
                problems.add(new Problem(at + "/approve", "approve: is true (approved) or false (rejected)"));
            }
            if (settings.has("manual") && !Set.of("done", "failed").contains(settings.get("manual").asText())) {
                problems.add(new Problem(at + "/manual", "manual: is done or failed"));
            }
            answers.put(field.getKey(), new StepAnswer(field.getKey(), settings, at));
        });
        return answers;
    }

    /** Whether it answers a person's step (approve or manual) rather than replacing an executor. */
    public boolean isAnswer() {
        return settings.has("approve") || settings.has("manual");
    }
}
