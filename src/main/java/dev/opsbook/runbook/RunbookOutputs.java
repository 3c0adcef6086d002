package dev.opsbook.runbook;

import com.fasterxml.jackson.databind.JsonNode;
import dev.opsbook.expression.ExpressionException;
import dev.opsbook.expression.Expressions;
import dev.opsbook.expression.References;
import dev.opsbook.expression.Template;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * A runbook's front-matter {@code outputs:}: what a parent run reads of a run of it, each a name and a JMESPath
 * expression over the run's own context ({@code steps}, {@code params}, ...), evaluated when the run succeeded.
 */
final class RunbookOutputs {

    private static final java.util.regex.Pattern NAME = java.util.regex.Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private RunbookOutputs() {
    }

    static Map<String, String> read(JsonNode node, Function<String, Position> position, BiConsumer<Position, String> error,
            BiConsumer<Position, String> warning) {
        Map<String, String> outputs = new LinkedHashMap<>();
        if (node == null || node.isNull()) {
            return outputs;
        }
        if (!node.isObject()) {
            error.accept(position.apply("/outputs"), "outputs must map each name to a JMESPath expression over the run,"
                    + " e.g. outputs: {recovered: steps.recover.outputs.state}");
            return outputs;
        }
        node.fields().forEachRemaining(field -> {
            Position at = position.apply("/outputs/" + field.getKey());
            if (!NAME.matcher(field.getKey()).matches()) {
                error.accept(at, "output name '" + field.getKey() + "' must start with a letter or '_' and hold only letters, digits and '_'");
                return;
            }
            if (!field.getValue().isTextual() || field.getValue().asText().isBlank()) {
                error.accept(at, "output '" + field.getKey() + "' must be a JMESPath expression over the run, e.g. steps.check.outputs.state");
                return;
            }
            String expression = field.getValue().asText();
            try {
                Expressions.compile(expression);
            } catch (ExpressionException e) {
                if (!Template.isTemplate(expression)) {
                    error.accept(at, "output '" + field.getKey() + "': " + e.getMessage());
                    return;
                }
                Optional<String> inside = OutputTemplates.expression(field.getKey(), expression, at, error, warning);
                if (inside.isEmpty()) {
                    return;
                }
                expression = inside.get();
            }
            References.unknownRoot(expression).ifPresent(root -> error.accept(at, "output '" + field.getKey() + "': '" + root
                    + "' is not something outputs can read; they start from " + String.join(", ", References.ROOTS.stream().sorted().toList())
                    + Suggestions.didYouMean(root, References.ROOTS)));
            outputs.put(field.getKey(), expression);
        });
        return outputs;
    }
}
