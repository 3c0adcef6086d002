package dev.opsbook.service;

import dev.opsbook.engine.RunEvent;
import dev.opsbook.engine.RunListener;
import dev.opsbook.engine.RunState;
import dev.opsbook.store.RunStore;
import dev.opsbook.store.StoredRun;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writes each event of a run to the store as it happens, so the run survives the process: the
 * start creates the run's row; every later event is appended in order.
 */
public final class StoringListener implements RunListener {

    private final RunStore store;
    private final String runbookText;
    private final String runbookFile;
    private final Optional<String> eventId;
    private final Optional<String> concurrencyKey;
    private final AtomicLong seq;
    private final CountDownLatch created = new CountDownLatch(1);

    private StoringListener(RunStore store, String runbookText, String runbookFile, Optional<String> eventId,
                            Optional<String> concurrencyKey, long lastSeq) {
        this.store = store;
        this.runbookText = runbookText;
        this.runbookFile = runbookFile;
        this.eventId = eventId;
        this.concurrencyKey = concurrencyKey;
        this.seq = new AtomicLong(lastSeq);
        if (lastSeq > 0) {
            created.countDown();
        }
    }

    /** For a new run. */
    public static StoringListener forNewRun(RunStore store, String runbookText, String runbookFile, Optional<String> eventId,
                                            Optional<String> concurrencyKey) {
        return new StoringListener(store, runbookText, runbookFile, eventId, concurrencyKey, 0);
    }

    /** For a run that already has {@code lastSeq} stored events. */
    public static StoringListener continuing(RunStore store, long lastSeq) {
        return new StoringListener(store, "", "", Optional.empty(), Optional.empty(), lastSeq);
    }

    @Override
    public void on(RunEvent event, RunState state) {
        long next = seq.incrementAndGet();
        if (event instanceof RunEvent.RunStarted started) {
            store.create(new StoredRun(started.runId(), started.runbookId(), runbookFile, started.contentHash(), state.status(),
                    started.trigger(), started.startedBy(), eventId, concurrencyKey, started.at(), Optional.empty(), "", ""),
                    runbookText, started);
            created.countDown();
        } else {
            store.append(state.runId(), next, event);
        }
    }

    /** Waits until the run's row exists: only then may the event that started it be acknowledged. */
    public boolean awaitCreated(long millis) throws InterruptedException {
        return created.await(millis, java.util.concurrent.TimeUnit.MILLISECONDS);
    }
}
