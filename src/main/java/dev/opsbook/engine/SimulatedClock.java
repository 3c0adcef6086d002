package dev.opsbook.engine;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * Time that passes only when something waits on it: a rehearsal's clock. A run on this clock does
 * not sleep: when nothing is in flight the engine moves it to the next retry or the run's time
 * limit, and a step that waits ({@code wait}) moves it by its interval. Thread-safe.
 */
public final class SimulatedClock extends Clock {

    private Instant now;

    public SimulatedClock(Instant start) {
        this.now = start;
    }

    @Override
    public synchronized Instant instant() {
        return now;
    }

    public synchronized void advance(Duration by) {
        if (!by.isNegative()) {
            now = now.plus(by);
        }
    }

    /** Moves the clock to {@code at}; false when it is there or later already (time never goes back). */
    public synchronized boolean advanceTo(Instant at) {
        if (!at.isAfter(now)) {
            return false;
        }
        now = at;
        return true;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
