package dev.opsbook.serve;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.jboss.logging.Logger;

/**
 * serve's operational lines (runs started, ended, taken over, let go; the store failing) as JBoss
 * Logging records in the category {@value #CATEGORY}: plain lines on stderr, or JSON with
 * {@code opsbook.log.json=true}. A line the service starts with {@code opsbook: } says something
 * went wrong or the instance is stopping, and a runbook's diagnostic says what is wrong in a file:
 * both are warnings; every other line is information.
 *
 * //why: the service and its parts write their lines to a {@link PrintStream} they are given, which
 * tests without Quarkus read back; this stream hands each line to the logger instead of threading a
 * logger through every part.
 */
public final class ServiceLog extends OutputStream {

    public static final String CATEGORY = "opsbook";

    private final Logger logger;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();

    private ServiceLog(Logger logger) {
        this.logger = logger;
    }

    /** The stream to give {@code Service}: each line it prints becomes one log record. */
    public static PrintStream stream() {
        return new PrintStream(new ServiceLog(Logger.getLogger(CATEGORY)), true, StandardCharsets.UTF_8);
    }

    @Override
    public synchronized void write(int b) {
        if (b == '\n') {
            flushLine();
        } else if (b != '\r') {
            line.write(b);
        }
    }

    @Override
    public synchronized void write(byte[] bytes, int offset, int length) {
        for (int i = offset; i < offset + length; i++) {
            write(bytes[i]);
        }
    }

    private void flushLine() {
        String text = line.toString(StandardCharsets.UTF_8);
        line.reset();
        if (text.isBlank()) {
            return;
        }
        if (text.startsWith("opsbook: ")) {
            logger.warn(text.substring("opsbook: ".length()));
        } else if (text.contains(": error: ")) {
            logger.warn(text); // a runbook's diagnostic, file:line:column: error: message
        } else {
            logger.info(text);
        }
    }

    @Override
    public synchronized void close() {
        if (line.size() > 0) {
            flushLine();
        }
    }
}
