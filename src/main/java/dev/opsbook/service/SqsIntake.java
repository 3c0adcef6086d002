package dev.opsbook.service;

import java.util.concurrent.atomic.AtomicBoolean;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageResponse;

/**
 * Takes events off an SQS queue with long polling. A message is deleted only once the handler
 * says its outcome is durably recorded; otherwise it becomes visible again after a short delay,
 * and after the queue's maximum receives its redrive policy moves it to the dead-letter queue.
 *
 * //why: the SDK's SqsClient rather than SmallRye's SQS connector: the connector starts with the
 * application, so every CLI command would start messaging, and it needs the queue URL before
 * boot, while serve only knows it once its embedded queue is up.
 */
public final class SqsIntake implements AutoCloseable {

    public enum Verdict {
        /** Recorded: delete the message. */
        DONE,
        /** Not now (busy, or failed): leave it to come back. */
        LATER
    }

    @FunctionalInterface
    public interface Handler {
        Verdict handle(String body, int receiveCount, String messageId);
    }

    private final SqsClient sqs;
    private final String queueUrl;
    private final Handler handler;
    private final int retryDelaySeconds;
    private final AtomicBoolean running = new AtomicBoolean();
    private Thread thread;

    private final java.util.function.IntSupplier room;

    public SqsIntake(SqsClient sqs, String queueUrl, Handler handler, int retryDelaySeconds) {
        this(sqs, queueUrl, handler, retryDelaySeconds, () -> 10);
    }

    /**
     * @param room how many runs the instance can take on now: it receives no more messages than
     *        that, and none at all when it is full, so they stay in the queue for other instances
     */
    public SqsIntake(SqsClient sqs, String queueUrl, Handler handler, int retryDelaySeconds, java.util.function.IntSupplier room) {
        this.room = room;
        this.sqs = sqs;
        this.queueUrl = queueUrl;
        this.handler = handler;
        this.retryDelaySeconds = retryDelaySeconds;
    }

    public synchronized void start() {
        if (running.getAndSet(true)) {
            return;
        }
        thread = new Thread(this::loop, "opsbook-sqs-intake");
        thread.setDaemon(true);
        thread.start();
    }

    private void loop() {
        while (running.get()) {
            int free = Math.min(10, room.getAsInt());
            if (free <= 0) {
                sleep(50); // //why: full: the messages stay in the queue, where another instance can take them
                continue;
            }
            ReceiveMessageResponse response;
            try {
                response = sqs.receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(free).waitTimeSeconds(1)
                        .messageSystemAttributeNames(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT));
            } catch (RuntimeException e) {
                if (!running.get()) {
                    return;
                }
                System.err.println("opsbook: cannot receive from " + queueUrl + ": " + e.getMessage() + "; retrying");
                sleep(2000);
                continue;
            }
            for (Message message : response.messages()) {
                int receives = Integer.parseInt(message.attributes().getOrDefault(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT, "1"));
                Verdict verdict;
                try {
                    verdict = handler.handle(message.body(), receives, message.messageId());
                } catch (RuntimeException e) {
                    System.err.println("opsbook: message " + message.messageId() + " failed: " + e);
                    verdict = Verdict.LATER;
                }
                try {
                    if (verdict == Verdict.DONE) {
                        sqs.deleteMessage(b -> b.queueUrl(queueUrl).receiptHandle(message.receiptHandle()));
                    } else {
                        sqs.changeMessageVisibility(b -> b.queueUrl(queueUrl).receiptHandle(message.receiptHandle())
                                .visibilityTimeout(retryDelaySeconds));
                    }
                } catch (RuntimeException e) {
                    // the message comes back after its visibility timeout; the event id keeps it from running twice
                    System.err.println("opsbook: cannot settle message " + message.messageId() + ": " + e.getMessage());
                }
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public synchronized void close() {
        running.set(false);
        if (thread != null) {
            try {
                thread.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
