package dev.opsbook.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opsbook.runbook.Suggestions;
import java.lang.reflect.InvocationTargetException;
import java.time.Duration;
import java.time.Instant;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.Map;
import software.amazon.awssdk.awscore.AwsResponse;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.SdkClient;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Calls any operation of any service on the classpath from a JSON request, and gives the
 * response back as JSON with a {@code ResponseMetadata} member (request id, HTTP status), as
 * the AWS CLI and boto3 show it. Errors keep their code, message, HTTP status and request id.
 */
public final class AwsInvoker implements AwsApi {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private final AwsServices services;
    private final AwsClients clients;

    public AwsInvoker(AwsServices services, AwsClients clients) {
        this.services = services;
        this.clients = clients;
    }

    public AwsClients clients() {
        return clients;
    }

    /**
     * @param ok whether the call succeeded
     * @param result the response document, or {@code {Error: {...}, ResponseMetadata: {...}}}
     * @param log what the audit trail keeps of the call
     */
    public record Outcome(boolean ok, JsonNode result, ObjectNode log, String message) {
    }

    @Override
    public AwsOperation operation(String service, String operation) {
        AwsService found = services.find(service).orElseThrow(() -> new IllegalArgumentException(
                "unknown AWS service '" + service + "'" + Suggestions.didYouMean(service, services.names())));
        return found.operation(operation).orElseThrow(() -> new IllegalArgumentException(
                "unknown operation '" + operation + "' of " + service + Suggestions.didYouMean(operation, found.operationNames())));
    }

    /** Whether the call only reads, judged under the canonical names; an operation that does not exist counts as changing things. */
    @Override
    public boolean isReadOnly(AwsCall call) {
        return services.operation(call.service(), call.operation()).map(OperationSafety::isReadOnly).orElse(false);
    }

    /** The IAM action of a call, e.g. {@code logs:FilterLogEvents}, under the API reference's name of the operation. */
    @Override
    public String action(AwsCall call) {
        String operation = services.operation(call.service(), call.operation()).map(AwsOperation::name).orElse(call.operation());
        return services.find(call.service()).map(AwsService::iamPrefix).orElse(call.service()) + ":" + operation;
    }

    /** The request exactly as the SDK will send it, as JSON (for dry runs and the audit trail). */
    @Override
    public JsonNode normalized(AwsCall call) {
        return ShapeDocuments.json(ShapeDocuments.request(operation(call.service(), call.operation()).requestClass(), call.input()));
    }

    @Override
    public String region(Optional<String> region) {
        return clients.region(region);
    }

    /**
     * @param idempotencySeed when present, each idempotency-token member the input leaves out
     *        (EC2 {@code ClientToken}, CloudFormation {@code ClientRequestToken}, ...) gets a token
     *        derived from it, the same every time: a retry, even by another engine instance, cannot act twice
     */
    @Override
    public Outcome invoke(AwsCall call, String sessionName, Optional<String> idempotencySeed) throws InterruptedException {
        AwsOperation operation = operation(call.service(), call.operation());
        AwsService service = services.find(call.service()).orElseThrow();
        String region = clients.region(call.region());
        JsonNode input = idempotencySeed.map(seed -> withIdempotencyTokens(operation.requestClass(), call.input(), seed)).orElse(call.input());
        Object request = ShapeDocuments.request(operation.requestClass(), input);
        ObjectNode log = JSON.objectNode();
        log.put("service", service.name());
        log.put("operation", operation.name());
        log.put("action", service.iamPrefix() + ":" + operation.name());
        log.put("region", region);
        call.role().ifPresent(role -> log.put("role", role));
        log.set("request", ShapeDocuments.json(request));
        Instant started = Instant.now();
        try {
            SdkClient client = clients.client(service, region, call.role(), sessionName);
            JsonNode response;
            String requestId;
            int status;
            if (call.paginate() && operation.paginator().isPresent()) {
                Iterable<?> pages = (Iterable<?>) operation.paginator().get().invoke(client, request);
                ObjectNode merged = JSON.objectNode();
                int count = 0;
                AwsResponse last = null;
                for (Object page : pages) {
                    if (Thread.interrupted()) {
                        throw new InterruptedException();
                    }
                    merge(merged, (ObjectNode) ShapeDocuments.json(page));
                    last = (AwsResponse) page;
                    count++;
                }
                response = merged;
                requestId = last == null ? "" : last.responseMetadata().requestId();
                status = last == null ? 200 : last.sdkHttpResponse().statusCode();
                log.put("pages", count);
            } else {
                AwsResponse answer = (AwsResponse) operation.method().invoke(client, request);
                response = ShapeDocuments.json(answer);
                requestId = answer.responseMetadata().requestId();
                status = answer.sdkHttpResponse().statusCode();
            }
            ObjectNode metadata = ((ObjectNode) response).putObject("ResponseMetadata");
            metadata.put("RequestId", requestId);
            metadata.put("HTTPStatusCode", status);
            log.put("requestId", requestId);
            log.put("httpStatus", status);
            log.put("outcome", "ok");
            log.put("durationMs", Duration.between(started, Instant.now()).toMillis());
            log.set("response", response);
            return new Outcome(true, response, log, "");
        } catch (InvocationTargetException e) {
            return failure(e.getCause(), operation, service, log, started);
        } catch (SdkException e) {
            return failure(e, operation, service, log, started);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The input with a token for each idempotency-token member it leaves out. */
    static JsonNode withIdempotencyTokens(Class<?> requestClass, JsonNode input, String seed) {
        List<String> members = ShapeDocuments.idempotencyTokenMembers(requestClass);
        if (members.isEmpty() || input != null && !input.isObject() && !input.isNull() && !input.isMissingNode()) {
            return input;
        }
        ObjectNode filled = input == null || !input.isObject() ? JSON.objectNode() : ((ObjectNode) input).deepCopy();
        for (String member : members) {
            if (!filled.hasNonNull(member)) {
                filled.put(member, idempotencyToken(seed));
            }
        }
        return filled;
    }

    /**
     * A name-based UUID of the seed: 36 characters, the form the SDK itself would send, so it fits
     * every token member's length limit and pattern.
     */
    public static String idempotencyToken(String seed) {
        return UUID.nameUUIDFromBytes(seed.getBytes(StandardCharsets.UTF_8)).toString();
    }

    private Outcome failure(Throwable cause, AwsOperation operation, AwsService service, ObjectNode log, Instant started)
            throws InterruptedException {
        if (cause instanceof software.amazon.awssdk.core.exception.AbortedException || Thread.currentThread().isInterrupted()) {
            throw new InterruptedException("AWS call interrupted");
        }
        ObjectNode result = JSON.objectNode();
        ObjectNode error = result.putObject("Error");
        ObjectNode metadata = result.putObject("ResponseMetadata");
        String message;
        if (cause instanceof AwsServiceException service1 && service1.awsErrorDetails() != null) {
            String code = service1.awsErrorDetails().errorCode();
            String text = service1.awsErrorDetails().errorMessage();
            error.put("Code", code);
            error.put("Message", text);
            metadata.put("RequestId", service1.requestId());
            metadata.put("HTTPStatusCode", service1.statusCode());
            log.put("requestId", service1.requestId());
            log.put("httpStatus", service1.statusCode());
            message = service.iamPrefix() + ":" + operation.name() + " failed: " + code + " (HTTP " + service1.statusCode() + "): "
                    + text + (service1.requestId() == null ? "" : " [request id " + service1.requestId() + "]");
        } else {
            String text = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
            error.put("Code", cause.getClass().getSimpleName());
            error.put("Message", text);
            message = service.iamPrefix() + ":" + operation.name() + " failed: " + text;
        }
        log.put("outcome", "error");
        log.set("error", error.deepCopy());
        log.put("durationMs", Duration.between(started, Instant.now()).toMillis());
        log.set("response", result);
        return new Outcome(false, result, log, message);
    }

    /** Pages merge by concatenating their lists; other members are the last page's (an earlier page's token does not stay). */
    private static void merge(ObjectNode into, ObjectNode page) {
        java.util.List<String> stale = new java.util.ArrayList<>();
        into.fieldNames().forEachRemaining(name -> {
            if (!page.has(name) && !into.get(name).isArray()) {
                stale.add(name);
            }
        });
        into.remove(stale);
        Iterator<Map.Entry<String, JsonNode>> fields = page.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            JsonNode existing = into.get(field.getKey());
            if (existing instanceof ArrayNode list && field.getValue().isArray()) {
                list.addAll((ArrayNode) field.getValue());
            } else {
                into.set(field.getKey(), field.getValue());
            }
        }
    }
}
