package dev.opsbook.engine;

import java.util.List;

/**
 * Hears each event of a run as it happens, with the state after it: live progress, records. The engine hands a
 * listener the events of a run in order, several at once ({@link #onAll}) between the moments that need them
 * durable: before a step's attempt begins, before the engine waits for its steps, and when the run stops.
 */
@FunctionalInterface
public interface RunListener {

    void on(RunEvent event, RunState state);

    /** One event and the run's state after it. */
    record Heard(RunEvent event, RunState state) {
    }

    /**
     * Several events in order, heard at once: a listener that stores them may do so in one transaction (and must have
     * them durable when this returns, as for {@link #on}). By default one after another.
     */
    default void onAll(List<Heard> heard) {
        for (Heard one : heard) {
            on(one.event(), one.state());
        }
    }

    RunListener NONE = (event, state) -> {
    };

    /**
     * {@code storing} first, then {@code others}: each batch of events is stored (in one transaction when the store
     * can) before any other listener hears one of them, so what they show or write is already durable.
     */
    static RunListener storedFirst(RunListener storing, RunListener others) {
        return new RunListener() {
            @Override
            public void on(RunEvent event, RunState state) {
                storing.on(event, state);
                others.on(event, state);
            }

            @Override
            public void onAll(List<Heard> heard) {
                storing.onAll(heard);
                others.onAll(heard);
            }
        };
    }
}
