package dev.opsbook.serve;

import dev.opsbook.service.Dispatcher;
import dev.opsbook.service.EventIntake;
import dev.opsbook.service.Service;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.smallrye.reactive.messaging.aws.sqs.SqsIncomingMetadata;
import io.smallrye.reactive.messaging.aws.sqs.fault.VisibilityTimeoutMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.jboss.logging.Logger;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * The channel {@code events}: every message goes to the served {@link EventIntake}. A message is
 * acknowledged (SQS: deleted) only once the intake says {@link EventIntake.Verdict#DONE}: its run
 * is stored, or it is settled as rejected, duplicate, suppressed. Otherwise it is handed back
 * (nack; SQS: visible again in {@link #RETRY_SECONDS} s, the connector's {@code visibility}
 * failure strategy), and it comes again, to this instance or another. On Kafka a nack sends the
 * record through the connector's retry topics ({@code failure-strategy=delayed-retry-topic},
 * application.properties), so one that must wait does not stop the channel.
 *
 * <p>Each message first reserves a slot of {@code --max-runs} ({@link EventIntake#reserve}); its
 * run is then stored on a worker thread while the channel takes the next message, so events are
 * stored several at a time, up to the instance's free slots. While the instance is full it holds
 * the message it has instead of handing it back, and offers it once a slot frees: the connector
 * stops receiving once its small buffer is full (its in-flight limit, {@code max-number-of-messages}
 * per receive), and the messages behind stay in the queue for other instances. Handing them back
 * would have had them received again and again, each delivery counting towards the redrive limit.
 */
@ApplicationScoped
public class EventChannel {

    /** How soon a message handed back comes again (as the queue loop before it waited). */
    static final int RETRY_SECONDS = 2;

    private static final Logger LOG = Logger.getLogger(EventChannel.class);
    private static final Executor WORKERS = command -> Infrastructure.getDefaultWorkerPool().execute(command);

    private final Serving serving;
    private final QueueWatch watch;
    private final String source;

    @Inject
    public EventChannel(Serving serving, QueueWatch watch,
                        @ConfigProperty(name = EventSource.CONNECTOR, defaultValue = EventSource.SQS) String connector) {
        this.serving = serving;
        this.watch = watch;
        this.source = new EventSource(connector).name();
    }

    @Incoming("events")
    public CompletionStage<Void> receive(Message<String> message) {
        Optional<software.amazon.awssdk.services.sqs.model.Message> sqs = message.getMetadata(SqsIncomingMetadata.class)
                .map(SqsIncomingMetadata::getMessage);
        Optional<KafkaDelivery> kafka = KafkaDelivery.of(message);
        int receives = sqs.map(m -> m.attributes().get(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT))
                .filter(s -> s.matches("\\d{1,9}")).map(Integer::parseInt).or(() -> kafka.map(KafkaDelivery::receives)).orElse(1);
        Optional<Duration> lag = sqs.map(m -> m.attributes().get(MessageSystemAttributeName.SENT_TIMESTAMP))
                .filter(s -> s.matches("\\d{1,18}")).map(s -> Instant.ofEpochMilli(Long.parseLong(s)))
                .or(() -> kafka.map(KafkaDelivery::produced)).map(sent -> Duration.between(sent, Instant.now()));
        lag.ifPresent(d -> serving.current().ifPresent(service -> service.metrics().queueLag(d)));
        return offerWhenRoom(message, receives);
    }

    private CompletionStage<Void> offerWhenRoom(Message<String> message, int receives) {
        Optional<Service> served = serving.current();
        if (served.isEmpty()) {
            return later(message, "opsbook serve is starting: no service to take it yet");
        }
        EventIntake intake = served.get().intake();
        Optional<EventIntake.Reserved> slot = intake.reserve();
        if (slot.isEmpty()) {
            if (intake.closed()) {
                return later(message, "this instance is draining or stopping: the message goes to another instance");
            }
            watch.holding(1);
            return intake.whenRoom().whenComplete((ignored, failure) -> watch.holding(-1))
                    .thenComposeAsync(ignored -> offerWhenRoom(message, receives), WORKERS);
        }
        String body = message.getPayload() == null ? "" : message.getPayload();
        CompletableFuture.supplyAsync(() -> slot.get().offer(source, body, receives), WORKERS)
                .handle((outcome, failure) -> failure != null
                        ? later(message, "failed: " + failure)
                        : outcome.verdict() == EventIntake.Verdict.DONE ? forget(message) : later(message, reason(outcome)));
        // //why: the message's slot is reserved, so the channel takes the next one while this one's run is stored (a store's
        // round trips per event would otherwise bound the intake to one event at a time); it is deleted or handed back after
        return CompletableFuture.completedFuture(null);
    }

    /**
     * Acknowledges (SQS: deletes) without waiting for the queue's answer. //why: the run is stored and the event settled, so a
     * delete that is lost (the process killed meanwhile) only has the message come again, to be settled as a duplicate; waiting
     * for it held the next message behind a round trip.
     */
    private static CompletionStage<Void> forget(Message<String> message) {
        message.ack().whenComplete((ignored, failure) -> {
            if (failure != null) {
                LOG.debugf("event settled, its message not deleted (it comes again, a duplicate): %s", failure);
            }
        });
        return CompletableFuture.completedFuture(null);
    }

    private static String reason(Dispatcher.Outcome outcome) {
        return outcome.report().path("outcome").asText("") + ": " + outcome.report().path("reason").asText("");
    }

    private static CompletionStage<Void> later(Message<String> message, String why) {
        LOG.debugf("event handed back to come again in %d s: %s", RETRY_SECONDS, why);
        return message.nack(new Later(why), Metadata.of(new VisibilityTimeoutMetadata(RETRY_SECONDS)));
    }

    /** Why a message was handed back: not a failure of the channel, just "not now". */
    static final class Later extends RuntimeException {
        Later(String why) {
            super(why, null, false, false);
        }
    }
}
