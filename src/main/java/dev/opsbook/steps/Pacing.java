package dev.opsbook.steps;

import dev.opsbook.engine.SimulatedClock;
import java.time.Duration;

/** How a step that waits between calls tells time and waits: really, or on a rehearsal's {@link SimulatedClock}. */
public interface Pacing {

    long nanoTime();

    void sleep(long millis) throws InterruptedException;

    Pacing REAL = new Pacing() {
        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public void sleep(long millis) throws InterruptedException {
            Thread.sleep(millis);
        }
    };

    /** Waits that move the clock instead of sleeping: a 10-minute wait takes no time. */
    static Pacing on(SimulatedClock clock) {
        return new Pacing() {
            @Override
            public long nanoTime() {
                Duration since = Duration.between(java.time.Instant.EPOCH, clock.instant());
                return since.toNanos();
            }

            @Override
            public void sleep(long millis) throws InterruptedException {
                if (Thread.interrupted()) {
                    throw new InterruptedException();
                }
                clock.advance(Duration.ofMillis(millis));
            }
        };
    }
}
