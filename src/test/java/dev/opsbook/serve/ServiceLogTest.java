package dev.opsbook.serve;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The service's lines become log records of the category opsbook, one per line, warnings for what went wrong. */
class ServiceLogTest {

    private final List<LogRecord> records = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            records.add(record);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void listen() {
        Logger.getLogger(ServiceLog.CATEGORY).addHandler(capture);
        Logger.getLogger(ServiceLog.CATEGORY).setLevel(Level.INFO);
    }

    @AfterEach
    void stop() {
        Logger.getLogger(ServiceLog.CATEGORY).removeHandler(capture);
    }

    @Test
    void each_line_is_one_record_and_failures_and_diagnostics_are_warnings() {
        PrintStream log = ServiceLog.stream();
        log.println("run r1 of deploy started by event");
        log.println("opsbook: cannot renew the leases of a: the store is gone");
        log.print("runbooks/a.md:3:1: error: no title\r\n");
        log.println();

        assertThat(records).extracting(r -> r.getLevel().getName() + " " + r.getLoggerName() + " " + r.getMessage()).containsExactly(
                "INFO opsbook run r1 of deploy started by event",
                "WARN opsbook cannot renew the leases of a: the store is gone",
                "WARN opsbook runbooks/a.md:3:1: error: no title");
    }
}
