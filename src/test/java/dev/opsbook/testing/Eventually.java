package dev.opsbook.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Waits for what a test expects to happen on other threads or processes; on failure says what the system said meanwhile. */
public final class Eventually {

    private Eventually() {
    }

    /**
     * @param said what the service (or serve) printed, shown when the wait fails
     * @param stillWorth false ends the wait at once (a process that died cannot get there)
     */
    public static void until(String what, Duration limit, BooleanSupplier condition, Supplier<String> said, BooleanSupplier stillWorth)
            throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline || !stillWorth.getAsBoolean()) {
                throw new AssertionError("not within " + limit.toSeconds() + " s: " + what + "; it said:\n" + said.get());
            }
            Thread.sleep(50);
        }
    }

    public static void until(String what, Duration limit, BooleanSupplier condition, Supplier<String> said) throws InterruptedException {
        until(what, limit, condition, said, () -> true);
    }
}
