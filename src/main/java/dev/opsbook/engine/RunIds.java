package dev.opsbook.engine;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.function.Supplier;

/**
 * Run ids that sort by start time and read well in a file name: {@code 20261123-160305-3f9a0c1d5e7b}.
 *
 * //why: 48 random bits, not 16: ids are made per second by every process, and at a hundred runs a
 * second 16 bits collide within seconds (the second run's row cannot be stored and its event is lost).
 */
public final class RunIds {
    private static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);
    private static final SecureRandom RANDOM = new SecureRandom();

    private RunIds() {
    }

    public static Supplier<String> from(Clock clock) {
        return () -> {
            byte[] bytes = new byte[6];
            RANDOM.nextBytes(bytes);
            return FORMAT.format(clock.instant()) + "-" + HexFormat.of().formatHex(bytes);
        };
    }
}
