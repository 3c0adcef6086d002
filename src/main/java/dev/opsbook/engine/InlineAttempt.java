package dev.opsbook.engine;

import java.util.function.BooleanSupplier;

/**
 * A lone attempt run on the engine thread itself ({@link RunSession}): a cancellation interrupts that thread while,
 * and only while, the attempt runs, as it would interrupt a step thread. An interrupt from anyone else still ends the
 * run's thread as before: the attempt's reports are left, and the run stays in flight for a takeover.
 */
final class InlineAttempt {

    private Thread running;
    private boolean cancelled;

    /** @param attempt runs the attempt, true when it ended because its thread was interrupted */
    void run(BooleanSupplier attempt) throws InterruptedException {
        synchronized (this) {
            running = Thread.currentThread();
        }
        boolean interrupted = false;
        boolean ours;
        try {
            interrupted = attempt.getAsBoolean();
        } finally {
            synchronized (this) {
                running = null;
                ours = cancelled;
                cancelled = false;
            }
            if (ours) {
                Thread.interrupted(); // the cancellation's interrupt, if the attempt ended before it took it
            }
        }
        if (interrupted && !ours) {
            throw new InterruptedException("the run's thread was interrupted during a step");
        }
    }

    /** Called on a cancellation, from any thread. */
    synchronized void interrupt() {
        if (running != null) {
            cancelled = true;
            running.interrupt();
        }
    }
}
