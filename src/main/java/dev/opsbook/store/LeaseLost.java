package dev.opsbook.store;

/** An instance wrote to a run it no longer holds: another took it over. It must stop running that run. */
public final class LeaseLost extends IllegalStateException {
    public LeaseLost(String message) {
        super(message);
    }
}
