package dev.opsbook.serve;

import io.smallrye.common.annotation.Identifier;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.aws.sqs.SqsAckHandler;
import io.smallrye.reactive.messaging.aws.sqs.SqsConnectorIncomingConfiguration;
import io.vertx.mutiny.core.Vertx;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.BeforeDestroyed;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.Reception;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.batchmanager.SqsAsyncBatchManager;
import software.amazon.awssdk.services.sqs.model.DeleteMessageRequest;

/**
 * The SQS connector's acknowledgement as serve ships it ({@code ack-strategy=delete-batched}, application.properties):
 * a message whose event is settled is deleted together with the others settled within {@link #WITHIN}, up to ten in one
 * {@code DeleteMessageBatch} request, by the AWS SDK's {@link SqsAsyncBatchManager}. //why: a delete of its own per
 * message was a third of the queue's requests (send, receive, delete); SQS bills each request, and on a small machine
 * the queue's share of the CPU held events back (bench row 3). Nothing waits for the delete ({@link EventChannel}): one that
 * never lands (the process killed first) only has the message come again, settled then as a duplicate.
 *
 * <p>At shutdown the deletes asked for are waited for, up to {@link #AT_MOST_AT_SHUTDOWN}, before the connector closes its
 * client (whose observer runs at priority 50, after this one).
 */
@ApplicationScoped
@Identifier(BatchedDeletes.STRATEGY)
public class BatchedDeletes implements SqsAckHandler.Factory {

    /** The connector's {@code ack-strategy} naming this. */
    public static final String STRATEGY = "delete-batched";
    /** How long a delete waits for others to share its request; ten waiting go at once. */
    static final Duration WITHIN = Duration.ofMillis(200);
    static final Duration AT_MOST_AT_SHUTDOWN = Duration.ofSeconds(2);
    /** The most entries SQS takes in one batch request. */
    private static final int MOST_IN_A_BATCH = 10;

    private final Map<SqsAsyncClient, SqsAsyncBatchManager> managers = new IdentityHashMap<>();
    private final Set<CompletableFuture<?>> asked = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "opsbook-queue-deletes");
        thread.setDaemon(true);
        return thread;
    });

    /** One handler per copy of the channel; the copies on one client share its batches. */
    @Override
    public synchronized SqsAckHandler create(SqsConnectorIncomingConfiguration conf, Vertx vertx, SqsAsyncClient client,
                                             Uni<String> queueUrl, BiConsumer<Throwable, Boolean> reportFailure) {
        SqsAsyncBatchManager manager = managers.computeIfAbsent(client, c -> SqsAsyncBatchManager.builder().client(c).scheduledExecutor(timer)
                .overrideConfiguration(o -> o.maxBatchSize(MOST_IN_A_BATCH).sendRequestFrequency(WITHIN)).build());
        return message -> queueUrl
                .map(url -> DeleteMessageRequest.builder().queueUrl(url).receiptHandle(message.getMessage().receiptHandle()).build())
                .chain(request -> Uni.createFrom().completionStage(() -> noted(manager.deleteMessage(request))))
                .replaceWithVoid()
                .emitOn(message::runOnMessageContext);
    }

    private <T> CompletableFuture<T> noted(CompletableFuture<T> delete) {
        asked.add(delete);
        delete.whenComplete((ignored, failure) -> asked.remove(delete));
        return delete;
    }

    /** Waits for the deletes asked for, which the batch timer sends within {@link #WITHIN} (at most {@link #AT_MOST_AT_SHUTDOWN}), then stops batching. */
    void beforeShutdown(@Observes(notifyObserver = Reception.IF_EXISTS) @Priority(40) @BeforeDestroyed(ApplicationScoped.class) Object event) {
        close();
    }

    void close() {
        List<CompletableFuture<?>> pending = new ArrayList<>(asked);
        try {
            // //why: the scheduled flush sends them within WITHIN; the SDK's close would cancel the answers still to come
            CompletableFuture.allOf(pending.stream().map(f -> f.exceptionally(failure -> null)).toArray(CompletableFuture[]::new))
                    .get(AT_MOST_AT_SHUTDOWN.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | java.util.concurrent.ExecutionException e) {
            // what is not deleted comes again, settled as a duplicate
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            managers.values().forEach(SqsAsyncBatchManager::close);
            managers.clear();
        }
        timer.shutdown();
    }
}
