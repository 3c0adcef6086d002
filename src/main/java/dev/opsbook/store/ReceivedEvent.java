package dev.opsbook.store;

import java.time.Instant;
import java.util.List;

/**
 * An event received from outside (SQS or HTTP).
 *
 * @param eventId the EventBridge event's id, or for a message that is not one, a key derived from the message
 * @param body the message as received, with what a trigger reads into a secret parameter masked
 */
public record ReceivedEvent(String eventId, Instant receivedAt, String channel, String source, String detailType,
                            EventOutcome outcome, String reason, List<String> runIds, String body) {

    public ReceivedEvent {
        runIds = List.copyOf(runIds);
    }
}
