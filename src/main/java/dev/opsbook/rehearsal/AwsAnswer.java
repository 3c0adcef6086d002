package dev.opsbook.rehearsal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.opsbook.aws.AwsOperation;
import dev.opsbook.aws.AwsService;
import dev.opsbook.aws.AwsServices;
import dev.opsbook.runbook.Suggestions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * One simulated AWS call, as a test case or a game-day scenario lists it under {@code aws:}:
 * {@code {call: ec2:StopInstances, input: {...}, respond: {...} | error: {code, message, status}, times: N}}.
 *
 * @param service the service's name in the SDK ({@code ec2}); @param operation the API reference's name
 * @param input the members a call's input must have (a subset); empty matches every call of the operation
 * @param respond the response document; empty object when the entry is an error
 * @param error the error the call gets instead of a response
 * @param times how many calls it answers before the next entry for the same call takes over
 * @param pointer where the entry is in its file, for messages
 */
public record AwsAnswer(String service, String operation, JsonNode input, JsonNode respond, Optional<Error> error, int times,
                        String pointer) {

    /** @param status the HTTP status of the error response */
    public record Error(String code, String message, int status) {
    }

    /** The answers read from an {@code aws:} list, and what is wrong with it (pointers under {@code pointer}). */
    public record Parsed(List<AwsAnswer> answers, List<Problem> problems) {
    }

    private static final Set<String> KEYS = Set.of("call", "input", "respond", "error", "times");

    /** What the IAM action reads: {@code ec2:StopInstances}. */
    public String call() {
        return service + ":" + operation;
    }

    /**
     * Reads an {@code aws:} list; an unknown service or operation gets the runbook validator's did-you-mean.
     *
     * @param aws the list, or null/missing for none
     * @param pointer where the list is in its file ({@code /cases/0/aws})
     */
    public static Parsed parse(JsonNode aws, String pointer) {
        List<AwsAnswer> answers = new ArrayList<>();
        List<Problem> problems = new ArrayList<>();
        if (aws == null || aws.isMissingNode() || aws.isNull()) {
            return new Parsed(answers, problems);
        }
        if (!aws.isArray()) {
            problems.add(new Problem(pointer, "aws: must be a list of simulated calls, e.g. - call: ec2:DescribeInstances"));
            return new Parsed(answers, problems);
        }
        for (int i = 0; i < aws.size(); i++) {
            String at = pointer + "/" + i;
            JsonNode entry = aws.get(i);
            if (!entry.isObject()) {
                problems.add(new Problem(at, "a simulated call is a mapping: {call: service:Operation, respond: {...}}"));
                continue;
            }
            entry.fieldNames().forEachRemaining(key -> {
                if (!KEYS.contains(key)) {
                    problems.add(new Problem(at + "/" + key + "#key", "unknown key '" + key + "' in a simulated call" + Suggestions.didYouMean(key, KEYS)
                            + "; keys: call, input, respond, error, times"));
                }
            });
            read(entry, at, problems).ifPresent(answers::add);
        }
        return new Parsed(answers, problems);
    }

    private static Optional<AwsAnswer> read(JsonNode entry, String at, List<Problem> problems) {
        String call = entry.path("call").asText("");
        int colon = call.indexOf(':');
        if (colon <= 0 || colon == call.length() - 1) {
            problems.add(new Problem(entry.has("call") ? at + "/call" : at,
                    "call: names the operation as service:Operation, e.g. ec2:StopInstances" + (call.isEmpty() ? "" : ", not '" + call + "'")));
            return Optional.empty();
        }
        String serviceName = call.substring(0, colon);
        String operationName = call.substring(colon + 1);
        AwsServices services = AwsServices.onClasspath();
        Optional<AwsService> service = services.find(serviceName);
        if (service.isEmpty()) {
            problems.add(new Problem(at + "/call", "unknown AWS service '" + serviceName + "'" + Suggestions.didYouMean(serviceName, services.names())));
            return Optional.empty();
        }
        Optional<AwsOperation> operation = service.get().operation(operationName);
        if (operation.isEmpty()) {
            problems.add(new Problem(at + "/call", "unknown operation '" + operationName + "' of " + serviceName
                    + Suggestions.didYouMean(operationName, service.get().operationNames())));
            return Optional.empty();
        }
        JsonNode input = entry.path("input");
        if (!input.isMissingNode() && !input.isNull() && !input.isObject()) {
            problems.add(new Problem(at + "/input", "input: is a mapping of the members a call's input must have"));
        }
        JsonNode respond = entry.path("respond");
        if (!respond.isMissingNode() && !respond.isNull() && !respond.isObject()) {
            problems.add(new Problem(at + "/respond", "respond: is the response document, a mapping (e.g. {Reservations: []})"));
        }
        if (entry.has("respond") && entry.has("error")) {
            problems.add(new Problem(at + "/error#key", "a simulated call has respond: or error:, not both"));
        }
        Optional<Error> error = Optional.empty();
        if (entry.has("error")) {
            JsonNode e = entry.get("error");
            if (!e.isObject() || !e.path("code").isTextual()) {
                problems.add(new Problem(at + "/error", "error: needs code: (e.g. ThrottlingException), and may have message: and status: (default 400)"));
            } else {
                int status = e.path("status").asInt(400);
                if (status < 400 || status > 599) {
                    problems.add(new Problem(at + "/error/status", "status: is an HTTP error status, 400 to 599"));
                }
                error = Optional.of(new Error(e.get("code").asText(), e.path("message").asText(e.get("code").asText()), status));
            }
        }
        int times = 1;
        if (entry.has("times")) {
            JsonNode t = entry.get("times");
            if (!t.canConvertToInt() || !t.isIntegralNumber() || t.asInt() < 1) {
                problems.add(new Problem(at + "/times", "times: is how many calls this entry answers, a whole number of at least 1"));
            } else {
                times = t.asInt();
            }
        }
        return Optional.of(new AwsAnswer(service.get().name(), operation.get().name(), input.isObject() ? input : JsonNodeFactory.instance.objectNode(),
                respond.isObject() ? respond : JsonNodeFactory.instance.objectNode(), error, times, at));
    }
}
