package dev.opsbook.service;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.util.Map;
import org.elasticmq.NodeAddress;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * SQS inside the process, for {@code opsbook serve} with no queue configured: ElasticMQ, a real
 * SQS-protocol server, on loopback. It holds the events queue and a dead-letter queue that
 * takes a message after {@code maxReceives} deliveries, as a real queue's redrive policy would.
 */
public final class EmbeddedQueue implements AutoCloseable {

    public static final String QUEUE = "opsbook-events";

    private final SQSRestServer server;
    private final URI endpoint;
    private final String queueUrl;
    private final String deadLetterUrl;

    private EmbeddedQueue(SQSRestServer server, URI endpoint, String queueUrl, String deadLetterUrl) {
        this.server = server;
        this.endpoint = endpoint;
        this.queueUrl = queueUrl;
        this.deadLetterUrl = deadLetterUrl;
    }

    /** @param port 0 for any free port */
    public static EmbeddedQueue start(int port, int maxReceives) throws IOException {
        int chosen = port == 0 ? freePort() : port;
        SQSRestServer server = SQSRestServerBuilder.withInterface("127.0.0.1").withPort(chosen)
                .withServerAddress(new NodeAddress("http", "127.0.0.1", chosen, "")).start();
        server.waitUntilStarted();
        URI endpoint = URI.create("http://127.0.0.1:" + chosen);
        try (SqsClient sqs = client(endpoint)) {
            String dead = sqs.createQueue(b -> b.queueName(QUEUE + "-dead")).queueUrl();
            String deadArn = sqs.getQueueAttributes(b -> b.queueUrl(dead).attributeNames(QueueAttributeName.QUEUE_ARN))
                    .attributes().get(QueueAttributeName.QUEUE_ARN);
            String queue = sqs.createQueue(b -> b.queueName(QUEUE).attributes(Map.of(
                    QueueAttributeName.REDRIVE_POLICY, "{\"maxReceiveCount\":\"" + maxReceives + "\",\"deadLetterTargetArn\":\"" + deadArn + "\"}",
                    QueueAttributeName.VISIBILITY_TIMEOUT, "30"))).queueUrl();
            return new EmbeddedQueue(server, endpoint, queue, dead);
        }
    }

    /** A client for the embedded server: it accepts any credentials. */
    public static SqsClient client(URI endpoint) {
        return SqsClient.builder().endpointOverride(endpoint).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("opsbook", "opsbook"))).build();
    }

    public URI endpoint() {
        return endpoint;
    }

    public String queueUrl() {
        return queueUrl;
    }

    public String deadLetterUrl() {
        return deadLetterUrl;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() {
        server.stopAndWait();
    }
}
