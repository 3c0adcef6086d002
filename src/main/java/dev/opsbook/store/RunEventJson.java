package dev.opsbook.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opsbook.engine.Attempt;
import dev.opsbook.engine.Interaction;
import dev.opsbook.engine.Resolution;
import dev.opsbook.engine.Role;
import dev.opsbook.engine.RunEvent;
import dev.opsbook.engine.RunStatus;
import dev.opsbook.engine.StepStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Run events as JSON, the form they are stored in: an object with a {@code type}
 * ({@link #type}), instants as ISO-8601 strings, durations as milliseconds, enums by name,
 * JSON payloads as they are. An empty {@code Optional} or a Java {@code null} is an absent
 * field; a JSON {@code null} payload stays a JSON {@code null}, so decoding gives back an
 * equal event and folding the decoded events gives back an equal state.
 */
public final class RunEventJson {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private RunEventJson() {
    }

    /** The {@code type} an event is stored under: {@code run-started}, {@code step-finished}, ... */
    public static String type(RunEvent event) {
        if (event instanceof RunEvent.RunStarted) {
            return "run-started";
        } else if (event instanceof RunEvent.StepStarted) {
            return "step-started";
        } else if (event instanceof RunEvent.AttemptFinished) {
            return "attempt-finished";
        } else if (event instanceof RunEvent.RetryStarted) {
            return "retry-started";
        } else if (event instanceof RunEvent.CallMade) {
            return "call-made";
        } else if (event instanceof RunEvent.StepAnswered) {
            return "step-answered";
        } else if (event instanceof RunEvent.StepFinished) {
            return "step-finished";
        } else if (event instanceof RunEvent.StepSkipped) {
            return "step-skipped";
        } else if (event instanceof RunEvent.CancelRequested) {
            return "cancel-requested";
        } else if (event instanceof RunEvent.RunTimedOut) {
            return "run-timed-out";
        } else if (event instanceof RunEvent.RunResumed) {
            return "run-resumed";
        } else if (event instanceof RunEvent.RunRestarted) {
            return "run-restarted";
        } else if (event instanceof RunEvent.RollbackRequested) {
            return "rollback-requested";

        } else if (event instanceof RunEvent.RunTakenOver) {
            return "run-taken-over";
        } else if (event instanceof RunEvent.StepInterrupted) {
            return "step-interrupted";
        } else if (event instanceof RunEvent.StepResolved) {
            return "step-resolved";
        } else if (event instanceof RunEvent.RunFinished) {
            return "run-finished";
        }
        throw new IllegalArgumentException("unknown run event " + event.getClass().getName());
    }

    public static ObjectNode encode(RunEvent event) {
        ObjectNode json = NODES.objectNode();
        json.put("type", type(event));
        putInstant(json, "at", event.at());
        if (event instanceof RunEvent.RunStarted e) {
            putText(json, "runId", e.runId());
            putText(json, "runbookId", e.runbookId());
            putText(json, "title", e.title());
            putText(json, "contentHash", e.contentHash());
            putJson(json, "params", e.params());
            putJson(json, "env", e.env());
            putText(json, "startedBy", e.startedBy());
            putText(json, "trigger", e.trigger());
            putJson(json, "event", e.event());
            e.drill().ifPresent(drill -> json.put("drill", drill));
            e.incident().ifPresent(incident -> json.put("incident", incident));
        } else if (event instanceof RunEvent.StepStarted e) {
            putText(json, "key", e.key());
            putText(json, "stepId", e.stepId());
            putEnum(json, "role", e.role());
            e.forStep().ifPresent(forStep -> json.put("forStep", forStep));
            putJson(json, "input", e.input());
        } else if (event instanceof RunEvent.AttemptFinished e) {
            putText(json, "key", e.key());
            if (e.attempt() != null) {
                json.set("attempt", attempt(e.attempt()));
            }
            e.retryAt().ifPresent(retryAt -> putInstant(json, "retryAt", retryAt));
        } else if (event instanceof RunEvent.RetryStarted e) {
            putText(json, "key", e.key());
            json.put("attempt", e.attempt());
        } else if (event instanceof RunEvent.CallMade e) {
            putText(json, "key", e.key());
            putJson(json, "call", e.call());
        } else if (event instanceof RunEvent.StepAnswered e) {
            putText(json, "key", e.key());
            if (e.answer() != null) {
                json.set("answer", answer(e.answer()));
            }
        } else if (event instanceof RunEvent.StepFinished e) {
            putText(json, "key", e.key());
            putEnum(json, "status", e.status());
            putJson(json, "outputs", e.outputs());
            putText(json, "message", e.message());
        } else if (event instanceof RunEvent.StepSkipped e) {
            putText(json, "key", e.key());
            putText(json, "reason", e.reason());
        } else if (event instanceof RunEvent.CancelRequested e) {
            putText(json, "reason", e.reason());
        } else if (event instanceof RunEvent.RunTimedOut e) {
            if (e.limit() != null) {
                json.put("limitMs", e.limit().toMillis());
            }
        } else if (event instanceof RunEvent.RunResumed e) {
            putText(json, "by", e.by());
        } else if (event instanceof RunEvent.RunRestarted e) {
            putText(json, "by", e.by());
            putText(json, "fromStep", e.fromStep());
            var reset = json.putArray("reset");
            e.reset().forEach(reset::add);
        } else if (event instanceof RunEvent.RollbackRequested e) {
            putText(json, "by", e.by());
            putText(json, "reason", e.reason());

        } else if (event instanceof RunEvent.RunTakenOver e) {
            putText(json, "by", e.by());
            putText(json, "from", e.from());
        } else if (event instanceof RunEvent.StepInterrupted e) {
            putText(json, "key", e.key());
            json.put("retry", e.retry());
            putText(json, "detail", e.detail());
        } else if (event instanceof RunEvent.StepResolved e) {
            putText(json, "key", e.key());
            putEnum(json, "resolution", e.resolution());
            putText(json, "by", e.by());
            putText(json, "comment", e.comment());
        } else if (event instanceof RunEvent.RunFinished e) {
            putEnum(json, "status", e.status());
            putText(json, "message", e.message());
        }
        return json;
    }

    public static RunEvent decode(JsonNode json) {
        String type = text(json, "type");
        if (type == null) {
            throw new IllegalArgumentException("a run event without a type: " + json);
        }
        Instant at = instant(json, "at");
        return switch (type) {
            case "run-started" -> new RunEvent.RunStarted(at, text(json, "runId"), text(json, "runbookId"), text(json, "title"),
                    text(json, "contentHash"), object(json, "params"), object(json, "env"), text(json, "startedBy"),
                    text(json, "trigger"), payload(json, "event"), Optional.ofNullable(text(json, "drill")),
                    Optional.ofNullable(text(json, "incident")));
            case "step-started" -> new RunEvent.StepStarted(at, text(json, "key"), text(json, "stepId"),
                    enumValue(json, "role", Role.class), Optional.ofNullable(text(json, "forStep")), payload(json, "input"));
            case "attempt-finished" -> new RunEvent.AttemptFinished(at, text(json, "key"),
                    json.hasNonNull("attempt") ? attempt(json.get("attempt")) : null,
                    retryAt(json, at));
            case "retry-started" -> new RunEvent.RetryStarted(at, text(json, "key"), json.path("attempt").asInt());
            case "call-made" -> new RunEvent.CallMade(at, text(json, "key"), payload(json, "call"));
            case "step-answered" -> new RunEvent.StepAnswered(at, text(json, "key"),
                    json.hasNonNull("answer") ? answer(json.get("answer")) : null);
            case "step-finished" -> new RunEvent.StepFinished(at, text(json, "key"), enumValue(json, "status", StepStatus.class),
                    payload(json, "outputs"), text(json, "message"));
            case "step-skipped" -> new RunEvent.StepSkipped(at, text(json, "key"), text(json, "reason"));
            case "cancel-requested" -> new RunEvent.CancelRequested(at, text(json, "reason"));
            case "run-timed-out" -> new RunEvent.RunTimedOut(at,
                    json.hasNonNull("limitMs") ? Duration.ofMillis(json.get("limitMs").asLong()) : null);
            case "run-resumed" -> new RunEvent.RunResumed(at, text(json, "by"));
            case "run-restarted" -> new RunEvent.RunRestarted(at, text(json, "by"), text(json, "fromStep"),
                    java.util.stream.StreamSupport.stream(json.path("reset").spliterator(), false).map(n -> n.asText()).toList());

            case "rollback-requested" -> new RunEvent.RollbackRequested(at, text(json, "by"), text(json, "reason"));
            case "run-taken-over" -> new RunEvent.RunTakenOver(at, text(json, "by"), text(json, "from"));
            case "step-interrupted" -> new RunEvent.StepInterrupted(at, text(json, "key"), json.path("retry").asBoolean(),
                    text(json, "detail"));
            case "step-resolved" -> new RunEvent.StepResolved(at, text(json, "key"), enumValue(json, "resolution", Resolution.class),
                    text(json, "by"), text(json, "comment"));
            case "run-finished" -> new RunEvent.RunFinished(at, enumValue(json, "status", RunStatus.class), text(json, "message"));
            default -> throw new IllegalArgumentException("unknown run event type '" + type + "'");
        };
    }

    /**
     * When a failed attempt's retry is due. //why: histories stored before retries were the scheduler's decisions hold
     * the wait ({@code retryInMs}) instead of the time; the old engine waited it out from the attempt's end, which is
     * the event's time
     */
    private static Optional<Instant> retryAt(JsonNode json, Instant at) {
        if (json.hasNonNull("retryAt")) {
            return Optional.of(instant(json, "retryAt"));
        }
        return json.hasNonNull("retryInMs") ? Optional.of(at.plus(Duration.ofMillis(json.get("retryInMs").asLong()))) : Optional.empty();
    }

    /** The event as a JSON document's text, the form the store keeps. */
    public static String write(RunEvent event) {
        try {
            return JSON.writeValueAsString(encode(event));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a " + type(event) + " event: " + e.getOriginalMessage(), e);
        }
    }

    public static RunEvent read(String text) {
        try {
            return decode(JSON.readTree(text));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a stored run event: " + e.getOriginalMessage(), e);
        }
    }

    private static ObjectNode attempt(Attempt attempt) {
        ObjectNode json = NODES.objectNode();
        json.put("number", attempt.number());
        putInstant(json, "startedAt", attempt.startedAt());
        putInstant(json, "endedAt", attempt.endedAt());
        json.put("succeeded", attempt.succeeded());
        putText(json, "message", attempt.message());
        putJson(json, "result", attempt.result());
        return json;
    }

    private static Attempt attempt(JsonNode json) {
        return new Attempt(json.path("number").asInt(), instant(json, "startedAt"), instant(json, "endedAt"),
                json.path("succeeded").asBoolean(), text(json, "message"), payload(json, "result"));
    }

    private static ObjectNode answer(Interaction.Answer answer) {
        ObjectNode json = NODES.objectNode();
        json.put("confirmed", answer.confirmed());
        putText(json, "by", answer.by());
        putText(json, "comment", answer.comment());
        putInstant(json, "at", answer.at());
        putText(json, "how", answer.how());
        return json;
    }

    private static Interaction.Answer answer(JsonNode json) {
        return new Interaction.Answer(json.path("confirmed").asBoolean(), text(json, "by"), text(json, "comment"),
                instant(json, "at"), text(json, "how"));
    }

    private static void putText(ObjectNode json, String field, String value) {
        if (value != null) {
            json.put(field, value);
        }
    }

    private static void putInstant(ObjectNode json, String field, Instant value) {
        if (value != null) {
            json.put(field, value.toString());
        }
    }

    private static void putEnum(ObjectNode json, String field, Enum<?> value) {
        if (value != null) {
            json.put(field, value.name());
        }
    }

    // //why: a Java null is left out and a JSON null kept, so the two stay apart after a round trip
    private static void putJson(ObjectNode json, String field, JsonNode value) {
        if (value != null) {
            json.set(field, value);
        }
    }

    private static String text(JsonNode json, String field) {
        JsonNode value = json.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    private static Instant instant(JsonNode json, String field) {
        String value = text(json, field);
        return value == null ? null : Instant.parse(value);
    }

    private static <E extends Enum<E>> E enumValue(JsonNode json, String field, Class<E> type) {
        String value = text(json, field);
        return value == null ? null : Enum.valueOf(type, value);
    }

    private static JsonNode payload(JsonNode json, String field) {
        return json.get(field);
    }

    private static ObjectNode object(JsonNode json, String field) {
        JsonNode value = json.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isObject()) {
            throw new IllegalArgumentException("'" + field + "' is not a JSON object: " + value);
        }
        return (ObjectNode) value;
    }
}
