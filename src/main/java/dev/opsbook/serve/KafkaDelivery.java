package dev.opsbook.serve;

import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import org.apache.kafka.common.header.Header;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * What the channel {@code events} needs to know of a Kafka record, as it knows an SQS message's
 * receive count and sent time: how often it came (the first time, plus once per pass through the
 * connector's retry topics, which count in the header {@code delayed-retry-count}), for the
 * dispatcher's poison rule, and when it was produced, for the queue-lag metric.
 */
record KafkaDelivery(int receives, Instant produced) {

    /** The connector's header, {@code KafkaDelayedRetryTopic.DELAYED_RETRY_COUNT}. */
    static final String RETRY_COUNT = "delayed-retry-count";

    static Optional<KafkaDelivery> of(Message<?> message) {
        return message.getMetadata(IncomingKafkaRecordMetadata.class).map(kafka -> {
            Header retries = kafka.getHeaders() == null ? null : kafka.getHeaders().lastHeader(RETRY_COUNT);
            String count = retries == null || retries.value() == null ? "0" : new String(retries.value(), StandardCharsets.UTF_8);
            int receives = count.matches("\\d{1,9}") ? Integer.parseInt(count) + 1 : 1;
            Instant produced = kafka.getTimestamp();
            // the retry topics' copy is produced later; the header keeps when the record first came
            Header original = kafka.getHeaders() == null ? null : kafka.getHeaders().lastHeader("delayed-retry-original-timestamp");
            if (original != null && original.value() != null) {
                String millis = new String(original.value(), StandardCharsets.UTF_8);
                if (millis.matches("\\d{1,18}")) {
                    produced = Instant.ofEpochMilli(Long.parseLong(millis));
                }
            }
            return new KafkaDelivery(receives, produced);
        });
    }
}
