package dev.opsbook.serve;

import io.quarkus.logging.LoggingFilter;
import java.util.logging.Filter;
import java.util.logging.LogRecord;

/**
 * Drops SmallRye messaging's reports of the long poll the SQS connector had in flight when Quarkus
 * stopped (its executors refusing the task): a stack trace per message after serve said in one line
 * why it stops, about nothing that was lost (an unanswered receive leaves its messages in the queue).
 *
 * //why: the connector of SmallRye Reactive Messaging 4.33 logs these at ERROR on every shutdown with a poll in flight
 */
@LoggingFilter(name = "opsbook-shutdown-noise")
public final class ShutdownNoise implements Filter {

    static final String STOPPED_EXECUTOR = "executor not accepting a task";

    @Override
    public boolean isLoggable(LogRecord record) {
        if (record.getLoggerName() == null || !record.getLoggerName().startsWith("io.smallrye.reactive.messaging")) {
            return true;
        }
        for (Throwable cause = record.getThrown(); cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof java.util.concurrent.RejectedExecutionException
                    || cause instanceof IllegalStateException && STOPPED_EXECUTOR.equals(cause.getMessage())) {
                return false;
            }
        }
        return true;
    }
}
