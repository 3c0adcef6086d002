package dev.opsbook.cli;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The thread that writes a CLI run's record while the run goes on ({@code RecordExport.inBackground}): changes that
 * come while a write renders are written once, after it. Closing waits for the last write, so the record on disk is
 * whole and current before the command writes it one last time and exits.
 *
 * <p>//why: rendering the record from the store after each step, on the run's own thread, was a fifth of a short
 * {@code opsbook run}'s work; the run need not wait for it, and a fast run's changes are written a few at once.
 */
final class RecordWrites implements java.util.concurrent.Executor, AutoCloseable {

    private final ExecutorService thread = Executors.newSingleThreadExecutor(task -> {
        Thread writer = new Thread(task, "opsbook-record");
        writer.setDaemon(true);
        return writer;
    });

    @Override
    public void execute(Runnable write) {
        thread.execute(write);
    }

    /** Waits for the writes already asked for; later ones are refused (the command writes the record itself at the end). */
    @Override
    public void close() {
        thread.shutdown();
        boolean interrupted = false;
        while (true) {
            try {
                if (thread.awaitTermination(1, TimeUnit.MINUTES)) {
                    break;
                }
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
