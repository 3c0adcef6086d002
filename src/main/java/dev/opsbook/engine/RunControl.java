package dev.opsbook.engine;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/** The handle a caller keeps to cancel a run from another thread (Ctrl-C, say). Thread-safe. */
public final class RunControl {
    private final AtomicReference<String> cancelled = new AtomicReference<>();
    private volatile Runnable wakeUp = () -> {
    };

    private volatile boolean suspended;

    /**
     * Asks the run to start no new step and to return once its running steps end, unfinished, so
     * another process can go on with it from the store (serve draining). Its state stays running.
     */
    public void suspend() {
        suspended = true;
    }

    public boolean suspended() {
        return suspended;
    }

    public void cancel(String reason) {
        if (cancelled.compareAndSet(null, reason)) {
            wakeUp.run();
        }
    }

    public Optional<String> cancellation() {
        return Optional.ofNullable(cancelled.get());
    }

    void onCancel(Runnable wakeUp) {
        this.wakeUp = wakeUp;
        if (cancelled.get() != null) {
            wakeUp.run();
        }
    }
}
