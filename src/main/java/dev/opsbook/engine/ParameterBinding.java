package dev.opsbook.engine;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opsbook.runbook.Parameter;
import dev.opsbook.runbook.ParameterValues;
import dev.opsbook.runbook.Runbook;
import dev.opsbook.runbook.Suggestions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Turns {@code --param k=v} texts into typed values, checked before anything runs. */
public final class ParameterBinding {

    /** @param problems one line per bad parameter, saying which, why and where it is declared */
    public record Bound(ObjectNode values, List<String> problems) {
        public boolean ok() {
            return problems.isEmpty();
        }
    }

    private ParameterBinding() {
    }

    public static Bound bind(Runbook runbook, Map<String, String> given) {
        ObjectNode values = JsonNodeFactory.instance.objectNode();
        List<String> problems = new ArrayList<>();
        List<String> declared = runbook.parameters().stream().map(Parameter::name).toList();
        for (String name : given.keySet()) {
            if (runbook.parameter(name).isEmpty()) {
                problems.add("parameter '" + name + "' is not declared by " + runbook.id()
                        + Suggestions.didYouMean(name, declared)
                        + (declared.isEmpty() ? "; it takes no parameters" : "; it takes " + String.join(", ", declared)));
            }
        }
        for (Parameter parameter : runbook.parameters()) {
            String where = " (declared at " + runbook.file() + ":" + parameter.position() + ")";
            String text = given.get(parameter.name());
            if (text != null) {
                ParameterValues.Outcome outcome = ParameterValues.fromText(parameter, text);
                if (outcome instanceof ParameterValues.Valid valid) {
                    values.set(parameter.name(), valid.value());
                } else if (outcome instanceof ParameterValues.Invalid invalid) {
                    problems.add("parameter '" + parameter.name() + "': " + invalid.reason() + where);
                }
            } else if (parameter.defaultValue().isPresent()) {
                values.set(parameter.name(), parameter.defaultValue().get());
            } else if (parameter.required()) {
                problems.add("parameter '" + parameter.name() + "' is required: pass --param " + parameter.name() + "=..."
                        + (parameter.description().isEmpty() ? "" : " (" + parameter.description() + ")") + where);
            } else {
                values.putNull(parameter.name());
            }
        }
        return new Bound(values, problems);
    }
}
