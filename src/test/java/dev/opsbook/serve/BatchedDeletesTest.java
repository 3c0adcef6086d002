package dev.opsbook.serve;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opsbook.service.EmbeddedQueue;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.aws.sqs.SqsAckHandler;
import io.smallrye.reactive.messaging.aws.sqs.SqsMessage;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/** The messages of settled events, deleted from a real (embedded) queue by the handler serve ships. */
@Timeout(60)
class BatchedDeletesTest {

    @Test
    void ten_messages_settled_together_are_deleted_with_one_request() throws Exception {
        try (EmbeddedQueue queue = EmbeddedQueue.start(0, 5); SqsClient sender = EmbeddedQueue.client(queue.endpoint());
             SqsAsyncClient real = asyncClient(queue)) {
            Counting counting = new Counting(real);
            BatchedDeletes deletes = new BatchedDeletes();
            SqsAckHandler handler = deletes.create(null, null, counting.client(), Uni.createFrom().item(queue.queueUrl()), (failure, fatal) -> { });
            List<Message> received = sendAndReceive(sender, queue.queueUrl(), 10);

            List<CompletableFuture<Void>> acks = new ArrayList<>();
            for (Message message : received) {
                acks.add(handler.handle(new SqsMessage<>(message, null, handler, null)).subscribeAsCompletionStage());
            }
            CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
            deletes.close();

            assertThat(left(sender, queue.queueUrl())).as("messages in the queue, visible or not").isZero();
            assertThat(counting.calls()).containsEntry("deleteMessageBatch", 1).doesNotContainKey("deleteMessage");
        }
    }

    @Test
    void a_delete_asked_for_just_before_shutdown_is_sent_before_the_client_may_close() throws Exception {
        try (EmbeddedQueue queue = EmbeddedQueue.start(0, 5); SqsClient sender = EmbeddedQueue.client(queue.endpoint());
             SqsAsyncClient client = asyncClient(queue)) {
            BatchedDeletes deletes = new BatchedDeletes();
            SqsAckHandler handler = deletes.create(null, null, client, Uni.createFrom().item(queue.queueUrl()), (failure, fatal) -> { });
            Message message = sendAndReceive(sender, queue.queueUrl(), 1).get(0);

            handler.handle(new SqsMessage<>(message, null, handler, null)).subscribeAsCompletionStage(); // a lone one waits for company
            deletes.close();

            assertThat(left(sender, queue.queueUrl())).as("the message, deleted by the time shutdown went on").isZero();
        }
    }

    private static SqsAsyncClient asyncClient(EmbeddedQueue queue) {
        return SqsAsyncClient.builder().endpointOverride(queue.endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("opsbook", "opsbook"))).build();
    }

    private static List<Message> sendAndReceive(SqsClient sqs, String url, int count) {
        for (int i = 0; i < count; i++) {
            int n = i;
            sqs.sendMessage(b -> b.queueUrl(url).messageBody("{\"n\":" + n + "}"));
        }
        List<Message> received = new ArrayList<>();
        while (received.size() < count) {
            received.addAll(sqs.receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(10).waitTimeSeconds(1)).messages());
        }
        return received;
    }

    private static int left(SqsClient sqs, String url) {
        Map<QueueAttributeName, String> attributes = sqs.getQueueAttributes(b -> b.queueUrl(url).attributeNames(
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)).attributes();
        return Integer.parseInt(attributes.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
                + Integer.parseInt(attributes.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE));
    }

    /** The real client, counting the calls made of it by name. */
    private record Counting(SqsAsyncClient real, Map<String, AtomicInteger> counts) {

        Counting(SqsAsyncClient real) {
            this(real, new ConcurrentHashMap<>());
        }

        SqsAsyncClient client() {
            return (SqsAsyncClient) Proxy.newProxyInstance(SqsAsyncClient.class.getClassLoader(), new Class<?>[] {SqsAsyncClient.class},
                    (proxy, method, args) -> {
                        if (method.getName().startsWith("delete")) {
                            counts.computeIfAbsent(method.getName(), k -> new AtomicInteger()).incrementAndGet();
                        }
                        try {
                            return method.invoke(real, args);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        }
                    });
        }

        Map<String, Integer> calls() {
            Map<String, Integer> calls = new java.util.TreeMap<>();
            counts.forEach((name, count) -> calls.put(name, count.get()));
            return calls;
        }
    }
}
