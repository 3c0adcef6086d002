package dev.opsbook.steps;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.opsbook.aws.AwsInvoker;
import dev.opsbook.aws.AwsSecrets;
import dev.opsbook.engine.Redactor;
import dev.opsbook.engine.SecretResolver;
import dev.opsbook.expression.Template;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Reads the {@code {{ secret:STORE:ID }}} references of one send's webhook URL and routing key just before sending, and
 * masks what they read (and any URL or key the send was given) from the failure lines it returns. A notify step's
 * references are read by the engine before the step starts; an escalation's are read here, outside any run.
 */
final class NotifierSecrets {

    private final SecretResolver resolver;
    private final Consumer<JsonNode> calls;
    private final List<String> values = new ArrayList<>();

    NotifierSecrets(AwsInvoker invoker, String sessionName, Consumer<JsonNode> calls) {
        this.resolver = new AwsSecrets(invoker, sessionName);
        this.calls = calls;
    }

    /** The value with its secret references read, or empty with a failure line (naming the channel, never the value). */
    Optional<String> resolve(String channel, String value, List<String> failures) {
        if (!Template.isTemplate(value)) {
            values.add(value);
            return Optional.of(value);
        }
        try {
            JsonNode rendered = Template.parse(value).render(JsonNodeFactory.instance.objectNode(), expression -> false, Template::asText,
                    (store, id) -> read(store, id));
            values.add(rendered.asText());
            return Optional.of(rendered.asText());
        } catch (RuntimeException e) {
            failures.add(channel + " could not be told: " + mask(e.getMessage()));
            return Optional.empty();
        }
    }

    private String read(String store, String id) {
        try {
            SecretResolver.Fetched fetched = resolver.fetch(store, id);
            calls.accept(fetched.call());
            values.add(fetched.value());
            return fetched.value();
        } catch (Exception e) {
            throw new IllegalStateException("cannot read secret:" + store + ":" + id + ": " + e.getMessage(), e);
        }
    }

    /** The lines with every URL, key and secret this send used replaced by {@link Redactor#MASK}. */
    List<String> masked(List<String> lines) {
        return lines.stream().map(this::mask).toList();
    }

    private String mask(String line) {
        String out = line == null ? "" : line;
        for (String value : values) {
            if (value.length() >= 3) {
                out = out.replace(value, Redactor.MASK);
            }
        }
        return out;
    }
}
