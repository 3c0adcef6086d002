package dev.opsbook.store;

/**
 * An engine instance as the store knows it: its name, and the process behind it (the host's name
 * and its pid; empty and 0 for an instance registered before opsbook kept them).
 */
public record EngineInstance(String name, String host, long pid) {

    /** Whether this instance is a process of {@code here} whose pid no live process has: gone, whatever its last heartbeat says. */
    public boolean goneFrom(String here, java.util.function.LongPredicate alive) {
        return !host.isEmpty() && host.equals(here) && pid > 0 && !alive.test(pid);
    }
}
