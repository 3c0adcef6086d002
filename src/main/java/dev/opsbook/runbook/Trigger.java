package dev.opsbook.runbook;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Optional;

/**
 * One entry of {@code triggers:}: an EventBridge event pattern and how the parameters of a run
 * are read from a matching event.
 *
 * @param index the trigger's rank in {@code triggers:}, from 0
 * @param pattern the event pattern as written (JSON); its syntax is EventBridge's, checked by a
 *        {@code RunbookCheck} outside this package
 * @param parameters parameter name to JMESPath over the event, in the order written
 * @param position where the trigger's entry starts
 * @param pointer JSON pointer of the trigger in the front matter ("/triggers/0"); the positions of
 *        the pattern's members are under {@code pointer + "/pattern"} in {@link Runbook#positions()}
 */
public record Trigger(int index, JsonNode pattern, List<Mapping> parameters, Position position, String pointer) {

    /** {@code instanceId: detail."instance-id"}: the parameter, the expression and where the expression is written. */
    public record Mapping(String parameter, String expression, Position position) {
    }

    public Trigger {
        parameters = List.copyOf(parameters);
    }

    public Optional<Mapping> mapping(String parameter) {
        return parameters.stream().filter(m -> m.parameter().equals(parameter)).findFirst();
    }

    /** The pattern as JSON text, as EventBridge and event-ruler take it. */
    public String patternJson() {
        return pattern.toString();
    }

    /** The trigger as people count it: "trigger 1" for the first. */
    public String label() {
        return "trigger " + (index + 1);
    }
}
