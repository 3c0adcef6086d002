package dev.opsbook.rehearsal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opsbook.aws.AwsApi;
import dev.opsbook.aws.AwsCall;
import dev.opsbook.aws.AwsClients;
import dev.opsbook.aws.AwsInvoker;
import dev.opsbook.aws.AwsOperation;
import dev.opsbook.aws.AwsServices;
import dev.opsbook.aws.AwsSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * AWS that answers from a list of {@link AwsAnswer}s and never calls the real API. A call takes the first entry for its
 * operation whose input it matches and that has answers left ({@code times}); once a call's entries are used up, the
 * last one keeps answering, so a {@code wait} sees "pending", then "running" for as long as it asks. A call no entry
 * matches fails, saying how to simulate it, and is kept in {@link #unsimulated()}. Names, safety and the request's
 * shape are the real invoker's: an input the SDK would refuse is refused here too. Thread-safe.
 */
public final class SimulatedAws implements AwsApi {

    /** The region calls are said to go to when the step names none. */
    public static final String REGION = "us-east-1";

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private final List<AwsAnswer> answers;
    private final int[] used;
    private final AwsInvoker names = new AwsInvoker(AwsServices.onClasspath(), new AwsClients(AwsSettings.DEFAULTS));
    private final List<MadeCall> calls = new ArrayList<>();
    private final List<String> unsimulated = new ArrayList<>();

    /**
     * One call a step made.
     *
     * @param action {@code ec2:StopInstances}; @param input the input the step sent; @param answered whether an entry answered it
     */
    public record MadeCall(String action, String service, String operation, JsonNode input, boolean answered) {
    }

    public SimulatedAws(List<AwsAnswer> answers) {
        this.answers = List.copyOf(answers);
        this.used = new int[answers.size()];
    }

    @Override
    public AwsInvoker.Outcome invoke(AwsCall call, String sessionName, Optional<String> idempotencySeed) {
        AwsOperation operation = names.operation(call.service(), call.operation());
        String service = AwsServices.onClasspath().find(call.service()).orElseThrow().name();
        String action = names.action(call);
        JsonNode request = names.normalized(call); // the SDK's refusal of a bad input, as a real call would get it
        ObjectNode log = JSON.objectNode();
        log.put("service", service).put("operation", operation.name()).put("action", action).put("region", region(call.region()));
        call.role().ifPresent(role -> log.put("role", role));
        log.set("request", request);
        log.put("simulated", true);
        JsonNode input = call.input() == null || call.input().isMissingNode() ? JSON.objectNode() : call.input();
        Optional<AwsAnswer> answer = take(service, operation.name(), input);
        synchronized (this) {
            calls.add(new MadeCall(action, service, operation.name(), input, answer.isPresent()));
        }
        ObjectNode result = JSON.objectNode();
        ObjectNode metadata = JSON.objectNode();
        metadata.put("RequestId", "simulated");
        if (answer.isEmpty()) {
            String message = action + " is not simulated by this case: add to its aws: list - call: " + action
                    + (input.isEmpty() ? "" : ", input: " + input) + ", respond: {...} (or error: {code: ...})";
            synchronized (this) {
                unsimulated.add(message);
            }
            result.putObject("Error").put("Code", "NotSimulated").put("Message", message);
            result.set("ResponseMetadata", metadata.put("HTTPStatusCode", 0));
            log.put("outcome", "error").set("error", result.get("Error").deepCopy());
            log.set("response", result);
            return new AwsInvoker.Outcome(false, result, log, message);
        }
        AwsAnswer given = answer.get();
        if (given.error().isPresent()) {
            AwsAnswer.Error error = given.error().get();
            result.putObject("Error").put("Code", error.code()).put("Message", error.message());
            result.set("ResponseMetadata", metadata.put("HTTPStatusCode", error.status()));
            log.put("requestId", "simulated").put("httpStatus", error.status()).put("outcome", "error").set("error", result.get("Error").deepCopy());
            log.set("response", result);
            return new AwsInvoker.Outcome(false, result, log,
                    action + " failed: " + error.code() + " (HTTP " + error.status() + "): " + error.message() + " [simulated]");
        }
        ObjectNode response = given.respond().deepCopy();
        response.set("ResponseMetadata", metadata.put("HTTPStatusCode", 200));
        log.put("requestId", "simulated").put("httpStatus", 200).put("outcome", "ok").set("response", response);
        return new AwsInvoker.Outcome(true, response, log, "");
    }

    private synchronized Optional<AwsAnswer> take(String service, String operation, JsonNode input) {
        int last = -1;
        for (int i = 0; i < answers.size(); i++) {
            AwsAnswer answer = answers.get(i);
            if (answer.service().equals(service) && answer.operation().equals(operation) && Subset.matches(answer.input(), input)) {
                if (used[i] < answer.times()) {
                    used[i]++;
                    return Optional.of(answer);
                }
                last = i;
            }
        }
        if (last >= 0) {
            used[last]++;
            return Optional.of(answers.get(last));
        }
        return Optional.empty();
    }

    /** Every call the steps made, answered or not, in the order they were made. */
    public synchronized List<MadeCall> calls() {
        return List.copyOf(calls);
    }

    /** One line for each call no entry answered: what to add to simulate it. */
    public synchronized List<String> unsimulated() {
        return List.copyOf(unsimulated);
    }

    @Override
    public AwsOperation operation(String service, String operation) {
        return names.operation(service, operation);
    }

    @Override
    public boolean isReadOnly(AwsCall call) {
        return names.isReadOnly(call);
    }

    @Override
    public String action(AwsCall call) {
        return names.action(call);
    }

    @Override
    public JsonNode normalized(AwsCall call) {
        return names.normalized(call);
    }

    @Override
    public String region(Optional<String> region) {
        return region.orElse(REGION);
    }
}
