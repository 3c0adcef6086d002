package dev.opsbook.testing;

import dev.opsbook.serve.QueueProperties;
import dev.opsbook.service.EmbeddedQueue;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.config.ConfigProvider;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The queue every {@code @QuarkusTest} boots with: the application consumes the channel
 * {@code events} in tests too, so one embedded queue starts before the application and stops
 * after it, for all tests (registered here once, for every test class). A test that sends to it
 * sees the run in the service it installed ({@link Served}).
 *
 * //why: global on purpose: one application for all tests, and each needs a queue to boot
 */
@QuarkusTestResource(TestQueue.class)
public final class TestQueue implements QuarkusTestResourceLifecycleManager {

    /** Deliveries before the queue moves a message to its dead-letter queue, as serve's default --max-receives. */
    public static final int MAX_RECEIVES = 5;

    private EmbeddedQueue queue;

    @Override
    public Map<String, String> start() {
        try {
            queue = EmbeddedQueue.start(0, MAX_RECEIVES);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return QueueProperties.of(queue.queueUrl(), Optional.empty(), true);
    }

    @Override
    public void stop() {
        if (queue != null) {
            queue.close();
        }
    }

    /** The queue the booted application consumes (in a {@code @QuarkusTest}). */
    public static String url() {
        return ConfigProvider.getConfig().getValue("opsbook.queue-url", String.class);
    }

    /** A client for it; close it. */
    public static SqsClient client() {
        return EmbeddedQueue.client(URI.create(ConfigProvider.getConfig().getValue("opsbook.queue-endpoint", String.class)));
    }
}
