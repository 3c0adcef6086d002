package dev.opsbook.trigger;

import com.fasterxml.jackson.databind.JsonNode;
import dev.opsbook.graph.RunbookCheck;
import dev.opsbook.runbook.Diagnostic;
import dev.opsbook.runbook.Position;
import dev.opsbook.runbook.Runbook;
import dev.opsbook.runbook.Trigger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.event.ruler.JsonRuleCompiler;

/**
 * Checks the syntax of every trigger's event pattern with event-ruler, the library EventBridge's
 * own matching comes from, and reports a pattern it refuses at the member at fault, with
 * event-ruler's message. The runbook parser has already checked that each pattern is a non-empty
 * mapping.
 */
public final class TriggerPatternCheck implements RunbookCheck {

    @Override
    public List<Diagnostic> check(Runbook runbook) {
        List<Diagnostic> diagnostics = new ArrayList<>();
        for (Trigger trigger : runbook.triggers()) {
            if (!trigger.pattern().isObject() || trigger.pattern().isEmpty()) {
                continue;
            }
            problem(trigger.pattern()).ifPresent(problem -> diagnostics.add(Diagnostic.error(runbook.file(),
                    position(runbook.positions(), trigger.pointer() + "/pattern", problem.pointer()),
                    "pattern of " + trigger.label() + " is not a valid EventBridge pattern: " + problem.message())));
        }
        return diagnostics;
    }

    /** event-ruler's objection to a pattern, if it has one, with where in the pattern (a JSON pointer). */
    static Optional<PatternJson.Problem> problem(JsonNode pattern) {
        PatternJson json = PatternJson.of(pattern);
        String message;
        try {
            message = JsonRuleCompiler.check(json.json());
        } catch (RuntimeException e) {
            message = String.valueOf(e.getMessage());
        }
        return message == null ? Optional.empty() : Optional.of(json.problem(message));
    }

    private static Position position(Map<String, Position> positions, String patternPointer, Optional<String> inPattern) {
        Position whole = positions.getOrDefault(patternPointer, Position.START);
        if (inPattern.isEmpty()) {
            return whole;
        }
        String pointer = patternPointer + inPattern.get();
        Position at = positions.get(pointer);
        if (at == null && pointer.endsWith("#key")) {
            at = positions.get(pointer.substring(0, pointer.length() - "#key".length()));
        }
        return at == null ? whole : at;
    }
}
