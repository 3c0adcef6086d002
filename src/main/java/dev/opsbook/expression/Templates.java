package dev.opsbook.expression;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Map;
import java.util.function.Predicate;

/** Renders every template found in the strings of a settings document. */
public final class Templates {

    private Templates() {
    }

    public static JsonNode render(JsonNode settings, JsonNode context) {
        return render(settings, context, e -> false);
    }

    public static JsonNode render(JsonNode settings, JsonNode context, Predicate<String> deferred) {
        return render(settings, context, deferred, SecretSource.AS_WRITTEN);
    }

    public static JsonNode render(JsonNode settings, JsonNode context, Predicate<String> deferred, SecretSource secrets) {
        if (settings == null) {
            return null;
        }
        if (settings.isTextual()) {
            String text = settings.textValue();
            return Template.isTemplate(text)
                    ? Template.parse(text).render(context, deferred, Template::asText, secrets)
                    : settings;
        }
        if (settings.isObject()) {
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            Iterator<Map.Entry<String, JsonNode>> fields = settings.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                out.set(field.getKey(), render(field.getValue(), context, deferred, secrets));
            }
            return out;
        }
        if (settings.isArray()) {
            ArrayNode out = JsonNodeFactory.instance.arrayNode();
            for (JsonNode item : settings) {
                out.add(render(item, context, deferred, secrets));
            }
            return out;
        }
        return settings;
    }
}
