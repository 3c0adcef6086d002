package dev.opsbook.serve;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class EventSourceTest {

    private static Function<String, Optional<String>> settings(Map<String, String> values) {
        return name -> Optional.ofNullable(values.get(name));
    }

    @Test
    void the_channel_is_sqs_unless_configured_otherwise() {
        assertThat(EventSource.configured(settings(Map.of())).sqs()).isTrue();
        assertThat(EventSource.configured(settings(Map.of(EventSource.CONNECTOR, " "))).name()).isEqualTo("sqs");
        EventSource kafka = EventSource.configured(settings(Map.of(EventSource.CONNECTOR, "smallrye-kafka")));
        assertThat(kafka.sqs()).isFalse();
        assertThat(kafka.name()).isEqualTo("kafka");
    }

    @Test
    void serve_says_which_topic_at_which_servers_it_consumes_from_the_channel_or_the_global_settings() {
        EventSource kafka = new EventSource("smallrye-kafka");
        assertThat(kafka.describe(settings(Map.of("mp.messaging.incoming.events.topic", "ops",
                "kafka.bootstrap.servers", "k1:9092,k2:9092")))).isEqualTo("events: kafka topic ops at k1:9092,k2:9092");
        assertThat(kafka.describe(settings(Map.of("mp.messaging.incoming.events.bootstrap.servers", "k3:9092",
                "kafka.bootstrap.servers", "k1:9092")))).isEqualTo("events: kafka topic events at k3:9092");
        assertThat(new EventSource("smallrye-amqp").describe(settings(Map.of()))).isEqualTo("events: amqp (channel events)");
    }
}
