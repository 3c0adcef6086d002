package dev.opsbook.engine;

/** Hears each event of a run as it happens, with the state after it: live progress, records. */
@FunctionalInterface
public interface RunListener {

    void on(RunEvent event, RunState state);

    RunListener NONE = (event, state) -> {
    };
}
