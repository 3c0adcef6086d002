package dev.opsbook.cli;

import dev.opsbook.store.RunStore;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The run store of {@code opsbook run}, opened on a thread of its own while the command reads and checks the runbook,
 * when opening it creates nothing (an H2 file that exists already). Not thread-safe: the command's thread takes it or
 * closes it.
 *
 * <p>//why: opening the embedded H2 store (its file, its schema, the server that lets a second process in) is a sixth of
 * a short run, and the runbook's parse and checks need none of it; a store that does not exist yet is only created once
 * the run is known to be valid, so a rejected run still leaves no files.
 */
final class StoreOpening implements AutoCloseable {

    private final StoreOption option;
    /** null: not opened ahead; the store is opened when taken. */
    private final CompletableFuture<RunStore> ahead;
    private boolean taken;

    private StoreOpening(StoreOption option, CompletableFuture<RunStore> ahead) {
        this.option = option;
        this.ahead = ahead;
    }

    /** Starts opening the store ahead when the run wants one and it exists. */
    static StoreOpening start(StoreOption option, boolean wanted) {
        if (!wanted || !Stores.isExistingH2File(option.url)) {
            return new StoreOpening(option, null);
        }
        CompletableFuture<RunStore> ahead = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                ahead.complete(option.open());
            } catch (Throwable e) {
                ahead.completeExceptionally(e);
            }
        }, "opsbook-store-open");
        thread.setDaemon(true);
        thread.start();
        return new StoreOpening(option, ahead);
    }

    /**
     * The store, opened ahead or now; the caller closes it.
     *
     * @throws RuntimeException as {@link StoreOption#open()} does when it cannot be opened
     */
    RunStore take() {
        taken = true;
        if (ahead == null) {
            return option.open();
        }
        try {
            return ahead.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw e;
        }
    }

    /** Closes a store opened ahead for a run that did not start (its runbook or parameters were wrong). */
    @Override
    public void close() {
        if (ahead != null && !taken) {
            ahead.handle((store, failure) -> {
                if (store != null) {
                    store.close();
                }
                return null;
            }).join();
        }
    }
}
