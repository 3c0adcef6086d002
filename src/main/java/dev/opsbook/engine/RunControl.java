package dev.opsbook.engine;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/** The handle a caller keeps to cancel a run from another thread (Ctrl-C, say). Thread-safe. */
public final class RunControl {
    private final AtomicReference<String> cancelled = new AtomicReference<>();
    private volatile Runnable wakeUp = () -> {
    };

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
