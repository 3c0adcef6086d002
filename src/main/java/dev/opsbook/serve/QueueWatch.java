package dev.opsbook.serve;

import io.smallrye.common.annotation.Identifier;
import io.smallrye.reactive.messaging.aws.sqs.SqsReceiveMessageRequestCustomizer;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageRequest;

/**
 * The SQS side of the channel {@code events}: each receive asks for the attributes the intake
 * needs (how often the message was delivered, for the dispatcher's poison rule, and when it was
 * sent, for the queue-lag metric), and is noted, so readiness can say whether the queue answers.
 * The connector asks again as soon as a receive answered, so one asked recently means the one
 * before it was answered; a channel holding messages for want of room asks nothing, and is fine.
 */
@ApplicationScoped
@Identifier("events")
@jakarta.enterprise.inject.Default
public class QueueWatch implements SqsReceiveMessageRequestCustomizer {

    static final Duration QUIET = Duration.ofSeconds(30);

    private final String queueUrl;
    private final String connector;
    private volatile Instant asked = Instant.now();
    private final AtomicInteger held = new AtomicInteger();

    // //why: Optional, since an empty defaultValue counts as none and fails start when the channel is on another broker
    public QueueWatch(@ConfigProperty(name = "opsbook.queue-url") java.util.Optional<String> queueUrl,
                      @ConfigProperty(name = EventSource.CONNECTOR, defaultValue = EventSource.SQS) String connector) {
        this.queueUrl = queueUrl.orElse("");
        this.connector = connector;
    }

    @Override
    public void customize(ReceiveMessageRequest.Builder request) {
        asked = Instant.now();
        request.messageSystemAttributeNames(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT, MessageSystemAttributeName.SENT_TIMESTAMP);
    }

    void holding(int change) {
        held.addAndGet(change);
    }

    /**
     * Readiness check "queue": what is consumed, or why it is not ready.
     *
     * @throws IllegalStateException when the SQS queue has not answered a receive for 30 s
     */
    public String check() {
        if (!new EventSource(connector).sqs()) {
            return "channel events on " + connector; // //why: other connectors report through SmallRye's own messaging health
        }
        if (held.get() == 0 && asked.isBefore(Instant.now().minus(QUIET))) {
            throw new IllegalStateException("no answer from " + queueUrl + " for " + QUIET.toSeconds() + " s");
        }
        return queueUrl;
    }
}
