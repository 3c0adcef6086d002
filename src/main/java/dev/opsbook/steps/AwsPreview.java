package dev.opsbook.steps;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Set;
import dev.opsbook.aws.AwsApi;
import dev.opsbook.aws.AwsCall;

/** What a dry run shows of a call: the IAM action, the region, and the request as the SDK will send it. */
final class AwsPreview {

    private AwsPreview() {
    }

    static JsonNode of(AwsApi invoker, JsonNode input) {
        ObjectNode preview = JsonNodeFactory.instance.objectNode();
        AwsCall call = AwsCall.from(input);
        try {
            invoker.operation(call.service(), call.operation());
            preview.put("action", invoker.action(call));
            preview.put("mutating", !invoker.isReadOnly(call));
            try {
                preview.put("region", invoker.region(call.region()));
            } catch (IllegalStateException e) {
                preview.put("region", "(none configured: " + e.getMessage() + ")");
            }
            if (input.path("input").toString().contains("{{")) {
                preview.set("input", input.path("input")); // known only when the steps before it have run
            } else {
                preview.set("request", invoker.normalized(call));
            }
        } catch (RuntimeException e) {
            preview.put("error", e.getMessage());
        }
        input.fields().forEachRemaining(field -> {
            if (!Set.of("service", "operation", "input", "region").contains(field.getKey())) {
                preview.set(field.getKey(), field.getValue());
            }
        });
        return preview;
    }
}
