package dev.opsbook.web;

import com.fasterxml.jackson.databind.JsonNode;
import dev.opsbook.runbook.Parameter;
import dev.opsbook.runbook.ParameterType;
import dev.opsbook.runbook.ParameterValues;
import dev.opsbook.runbook.Runbook;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The form that launches a runbook, one field per parameter, shaped by its type: allowed values
 * as a select, a boolean as a checkbox, numbers as number inputs, secrets as password inputs, a
 * {@code pattern} as the HTML {@code pattern} attribute. The browser checks what it can; the
 * server checks again with the same rules as {@code --param} ({@link ParameterValues}) and puts
 * each problem next to its field.
 */
public record LaunchForm(String runbookId, List<Field> fields) {

    /**
     * @param input    text, number, select, checkbox, password or list (comma-separated text)
     * @param pattern  for the HTML attribute, which must match the whole value: the runbook's pattern
     *                 is matched anywhere, as on the command line
     * @param checked  for a checkbox
     * @param error    what is wrong with the value sent, empty when nothing is
     */
    public record Field(String name, String type, String input, String description, String value, boolean required,
                        String pattern, String step, List<Option> options, boolean checked, String error, boolean hiddenDefault) {

        public boolean hasError() {
            return !error.isEmpty();
        }

        public String hint() {
            List<String> hints = new ArrayList<>();
            hints.add(type);
            if (input.equals("list")) {
                hints.add("comma-separated");
            }
            if (!pattern.isEmpty()) {
                hints.add("matches " + rawPattern());
            }
            if (hiddenDefault) {
                hints.add("has a default, not shown: leave empty to use it");
            }
            return String.join(" · ", hints);
        }

        private String rawPattern() {
            return pattern.substring(3, pattern.length() - 3);
        }
    }

    public record Option(String value, boolean selected) {
    }

    public boolean valid() {
        return fields.stream().noneMatch(Field::hasError);
    }

    /** The form as first shown: defaults filled in, but a secret's (its hint says it has one; left empty, the run takes it). */
    public static LaunchForm of(Runbook runbook) {
        List<Field> fields = new ArrayList<>();
        for (Parameter parameter : runbook.parameters()) {
            fields.add(field(parameter, parameter.isSecret() ? "" : parameter.defaultValue().map(LaunchForm::text).orElse(""),
                    parameter.defaultValue().map(JsonNode::asBoolean).orElse(false), ""));
        }
        return new LaunchForm(runbook.id(), fields);
    }

    /** The form as sent, each value checked; {@link #parameters()} gives what a run takes. */
    public static LaunchForm submitted(Runbook runbook, Map<String, String> form) {
        List<Field> fields = new ArrayList<>();
        for (Parameter parameter : runbook.parameters()) {
            Optional<String> text = given(parameter, form);
            String error = "";
            if (text.isEmpty()) {
                if (parameter.required() && parameter.defaultValue().isEmpty()) {
                    error = "required" + (parameter.description().isEmpty() ? "" : ": " + parameter.description());
                }
            } else {
                error = ParameterValues.problem(ParameterValues.fromText(parameter, text.get())).orElse("");
            }
            String shown = parameter.isSecret() ? "" : form.getOrDefault(parameter.name(), "");
            fields.add(field(parameter, shown, text.map(Boolean::parseBoolean).orElse(false), error));
        }
        return new LaunchForm(runbook.id(), fields);
    }

    /** The values to run with, as {@code --param} texts: empty fields left out, so defaults apply. */
    public static Map<String, String> parameters(Runbook runbook, Map<String, String> form) {
        Map<String, String> params = new LinkedHashMap<>();
        for (Parameter parameter : runbook.parameters()) {
            given(parameter, form).ifPresent(text -> params.put(parameter.name(), text));
        }
        return params;
    }

    private static Optional<String> given(Parameter parameter, Map<String, String> form) {
        if (parameter.type() == ParameterType.BOOLEAN) {
            // //why: a browser sends nothing for an unticked checkbox
            return Optional.of(String.valueOf("true".equals(form.get(parameter.name()))));
        }
        String text = form.get(parameter.name());
        return text == null || text.isBlank() ? Optional.empty() : Optional.of(text.strip());
    }

    private static Field field(Parameter parameter, String value, boolean checked, String error) {
        String input;
        if (!parameter.allowedValues().isEmpty() && parameter.type() != ParameterType.LIST) {
            input = "select";
        } else {
            input = switch (parameter.type()) {
                case BOOLEAN -> "checkbox";
                case INTEGER, NUMBER -> "number";
                case SECRET -> "password";
                case LIST -> "list";
                case STRING -> "text";
            };
        }
        List<Option> options = parameter.allowedValues().stream().map(LaunchForm::text)
                .map(v -> new Option(v, v.equals(value))).toList();
        String pattern = parameter.pattern().filter(p -> !input.equals("list")).map(p -> ".*(" + p + ").*").orElse("");
        return new Field(parameter.name(), parameter.type().label(), input, parameter.description(), value,
                parameter.required() && parameter.defaultValue().isEmpty(), pattern,
                parameter.type() == ParameterType.INTEGER ? "1" : "any", options, checked, error,
                parameter.isSecret() && parameter.defaultValue().isPresent());
    }

    private static String text(JsonNode value) {
        if (value.isArray()) {
            List<String> items = new ArrayList<>();
            value.forEach(item -> items.add(item.asText()));
            return String.join(", ", items);
        }
        return value.asText();
    }
}
