package dev.opsbook.steps;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opsbook.aws.AwsCall;
import dev.opsbook.aws.AwsInvoker;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/** Emails through SES {@code SendEmail}, made by the {@link AwsInvoker} so the call is audited like every other AWS call. */
final class SesEmail {

    record Answer(JsonNode result, Optional<String> failure) {
    }

    private final AwsInvoker invoker;
    private final Optional<String> from;

    SesEmail(AwsInvoker invoker, Optional<String> from) {
        this.invoker = invoker;
        this.from = from;
    }

    Answer send(List<String> to, String subject, String message, JsonNode details, String sessionName, Consumer<JsonNode> calls)
            throws InterruptedException {
        if (from.isEmpty()) {
            return new Answer(JsonNodeFactory.instance.nullNode(), Optional.of("email to " + String.join(", ", to)
                    + " was not sent: set opsbook.email-from (OPSBOOK_EMAIL_FROM) to an address SES may send from"));
        }
        ObjectNode input = JsonNodeFactory.instance.objectNode();
        input.put("Source", from.get());
        to.forEach(input.putObject("Destination").putArray("ToAddresses")::add);
        ObjectNode content = input.putObject("Message");
        content.putObject("Subject").put("Data", subject).put("Charset", "UTF-8");
        String link = details == null ? "" : details.path("link").asText("");
        content.putObject("Body").putObject("Text").put("Data", message + (link.isEmpty() ? "" : "\n\n" + link)).put("Charset", "UTF-8");
        AwsInvoker.Outcome outcome = invoker.invoke(new AwsCall("ses", "SendEmail", input, Optional.empty(), Optional.empty(), false),
                sessionName);
        calls.accept(outcome.log());
        return new Answer(outcome.result(), outcome.ok() ? Optional.empty() : Optional.of("email to " + String.join(", ", to)
                + " failed: " + outcome.message()));
    }
}
