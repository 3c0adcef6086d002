package dev.opsbook.serve;

import java.util.Optional;
import java.util.function.Function;

/**
 * Where the channel {@code events} takes its events from, as configured
 * ({@code mp.messaging.incoming.events.connector}, SQS unless a team points it elsewhere): decided
 * before Quarkus boots, so serve starts the embedded queue only for SQS, and says what it consumes.
 *
 * @param connector the SmallRye connector, such as {@code smallrye-sqs} or {@code smallrye-kafka}
 */
public record EventSource(String connector) {

    public static final String CONNECTOR = "mp.messaging.incoming.events.connector";
    public static final String SQS = "smallrye-sqs";

    /** @param setting a configuration lookup: system properties, environment, config/application.properties */
    public static EventSource configured(Function<String, Optional<String>> setting) {
        return new EventSource(setting.apply(CONNECTOR).map(String::strip).filter(s -> !s.isEmpty()).orElse(SQS));
    }

    public boolean sqs() {
        return connector.equals(SQS);
    }

    /** What the records and metrics call the channel: {@code sqs}, {@code kafka}, {@code amqp}... */
    public String name() {
        return connector.startsWith("smallrye-") ? connector.substring("smallrye-".length()) : connector;
    }

    /**
     * The line serve prints once it consumes, for a broker other than SQS ({@code events: kafka topic T at HOST:PORT}),
     * from the channel's settings, the connector's, then the global ones, as SmallRye reads them.
     */
    public String describe(Function<String, Optional<String>> setting) {
        Function<String, Optional<String>> attribute = name -> setting.apply("mp.messaging.incoming.events." + name)
                .or(() -> setting.apply("mp.messaging.connector." + connector + "." + name));
        StringBuilder line = new StringBuilder("events: ").append(name());
        if (connector.equals("smallrye-kafka")) {
            line.append(" topic ").append(attribute.apply("topic").or(() -> attribute.apply("topics")).orElse("events"));
            line.append(" at ").append(attribute.apply("bootstrap.servers")
                    .or(() -> setting.apply("kafka.bootstrap.servers")).orElse("localhost:9092"));
        } else {
            line.append(" (channel events)");
        }
        return line.toString();
    }
}
