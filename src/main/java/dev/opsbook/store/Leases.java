package dev.opsbook.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Several instances on one store: who holds each running run (its lease), which instances are
 * alive, and the lock on a concurrency key. Thread-safe.
 */
public interface Leases {

    /** Who holds a run, if anyone; an expiry in the past means it is free to take over. */
    Optional<Lease> lease(String runId);

    /** The heartbeat: pushes each lease {@code owner} holds on a running run to {@code expiresAt}; returns those runs. */
    Set<String> renewLeases(String owner, Instant expiresAt);

    /** Takes over one running run whose lease expired before {@code now}, if there is one; one instance wins each run. */
    Optional<Takeover> takeOverExpired(String owner, Instant now, Instant expiresAt);

    /** Lets a run go at once (its lease expires), so another instance takes it over. False when {@code owner} did not hold it. */
    boolean releaseLease(String runId, String owner);

    /** Says this instance (and its process) is alive at {@code now}; returns the other instances seen since {@code aliveSince}. */
    List<EngineInstance> registerInstance(EngineInstance self, Instant now, Instant aliveSince);

    void unregisterInstance(String name);

    /** Whether several engine instances may share this store (PostgreSQL); the embedded H2 store serves one. */
    boolean multiInstance();

    /** Held while a run for a concurrency key is checked and created, so two instances cannot both start one. */
    interface KeyLock extends AutoCloseable {
        @Override
        void close();
    }

    KeyLock lockConcurrencyKey(String runbookId, String key);
}
