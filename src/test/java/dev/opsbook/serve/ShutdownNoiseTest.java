package dev.opsbook.serve;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;

/** What serve's console keeps of the SQS connector's complaints when it stops. */
class ShutdownNoiseTest {

    private static LogRecord error(Throwable thrown) {
        LogRecord record = new LogRecord(Level.SEVERE, "SRMSG19302: Error while receiving the message from channel 'events'");
        record.setLoggerName("io.smallrye.reactive.messaging.aws.sqs");
        record.setThrown(thrown);
        return record;
    }

    @Test
    void the_poll_in_flight_when_the_executor_stopped_is_dropped() {
        Exception sdk = new RuntimeException("Unable to execute HTTP request: executor not accepting a task",
                new IllegalStateException("executor not accepting a task"));
        assertThat(new ShutdownNoise().isLoggable(error(sdk))).isFalse();
        assertThat(new ShutdownNoise().isLoggable(error(new RuntimeException("Unable to execute HTTP request",
                new java.util.concurrent.RejectedExecutionException("Task rejected"))))).isFalse();
    }

    @Test
    void every_other_failure_is_kept() {
        assertThat(new ShutdownNoise().isLoggable(error(new RuntimeException("The security token included in the request is invalid")))).isTrue();
        assertThat(new ShutdownNoise().isLoggable(error(new IllegalStateException("queue does not exist")))).isTrue();
        assertThat(new ShutdownNoise().isLoggable(new LogRecord(Level.INFO, "run X of deploy succeeded"))).isTrue();
        LogRecord ours = new LogRecord(Level.SEVERE, "opsbook: a step's thread pool refused");
        ours.setLoggerName("opsbook");
        ours.setThrown(new java.util.concurrent.RejectedExecutionException("Task rejected"));
        assertThat(new ShutdownNoise().isLoggable(ours)).as("not the connector's").isTrue();
    }
}
