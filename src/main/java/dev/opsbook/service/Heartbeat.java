package dev.opsbook.service;

import dev.opsbook.engine.RunStatus;
import dev.opsbook.runbook.Durations;
import dev.opsbook.store.EngineInstance;
import dev.opsbook.store.Lease;
import dev.opsbook.store.RunStore;
import dev.opsbook.store.StoredRun;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * This instance among the others on one store: it registers, and its heartbeat renews the leases
 * of the runs it executes, fences the runs it lost, and lets go of leases it holds on runs it does
 * not execute. The decisions (which leases to let go, when the store was away too long) are pure
 * functions below; the rest is their side effects.
 */
final class Heartbeat {

    private final RunStore store;
    private final RunPool pool;
    private final PrintStream log;
    private final Clock clock;
    private final String instance;
    /** This instance and its process, as the store keeps it. */
    private final EngineInstance self;
    private final Duration leaseTime;
    private final ScheduledExecutorService heartbeat = Executors.newScheduledThreadPool(1, Service.daemon("opsbook-heartbeat"));
    private volatile Set<String> orphans = Set.of();
    /** How many leases the store said this instance holds at its last heartbeat (orphans included). */
    private volatile int leasesHeld;
    private volatile Instant lastRenewed;

    Heartbeat(Service.Leasing leasing, RunStore store, RunPool pool, PrintStream log) {
        this.store = store;
        this.pool = pool;
        this.log = log;
        this.clock = leasing.clock();
        this.instance = leasing.instance();
        this.self = new EngineInstance(instance, Service.Leasing.hostName(), ProcessHandle.current().pid());
        this.leaseTime = leasing.lease();
    }

    /** How many leases the store said this instance holds at its last heartbeat. */
    int held() {
        return leasesHeld;
    }

    /**
     * Registers this instance. On the embedded store (one instance only) it refuses to start while
     * another instance is alive, and takes the runs of one of this host whose process is gone.
     */
    void join() {
        Instant now = clock.instant();
        List<String> others = new ArrayList<>();
        for (EngineInstance other : store.registerInstance(self, now, now.minus(leaseTime))) {
            // //why: an instance killed on this host (kill -9) looks alive for a lease; its process says at once that it is gone.
            // Only on the embedded store: instances sharing PostgreSQL may run in containers of one host name, each with
            // its own pids, where another's pid says nothing here
            if (!store.multiInstance() && other.goneFrom(self.host(), pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))) {
                store.renewLeases(other.name(), Instant.EPOCH); // its leases expire now: its runs are taken over at the first tick
                store.unregisterInstance(other.name());
                log.println("instance " + other.name() + " (pid " + other.pid() + " on this host) is gone; its runs are taken over now");
            } else {
                others.add(other.name());
            }
        }
        if (!store.multiInstance() && !others.isEmpty()) {
            store.unregisterInstance(instance);
            throw new IllegalStateException("another opsbook serve (" + String.join(", ", others) + ") is using " + store.describe()
                    + ", which serves one instance; stop it, or give every instance one PostgreSQL store: --store jdbc:postgresql://HOST/DB");
        }
        lastRenewed = now;
    }

    /** Beats every third of a lease. */
    void start() {
        long beat = Math.max(100, leaseTime.toMillis() / 3);
        heartbeat.scheduleWithFixedDelay(this::beat, beat, beat, TimeUnit.MILLISECONDS);
    }

    /** No more beats: the leases lapse unless let go. */
    void stop() {
        heartbeat.shutdownNow();
    }

    /** Lets go of a run's lease at once, so another instance takes it over. */
    void release(String runId) {
        store.releaseLease(runId, instance);
    }

    /** Removes this instance from the store's list (a drain or a stop); the store may be gone already. */
    void leave(boolean quietly) {
        try {
            store.unregisterInstance(instance);
        } catch (RuntimeException e) {
            if (!quietly) {
                log.println("opsbook: " + e.getMessage());
            }
        }
    }

    /**
     * Renews this instance's leases. A run it executes whose lease is gone (another instance took
     * it over) stops here at once, writing nothing more; so does every run when the store could
     * not be reached for a whole lease, since others may have taken them over meanwhile.
     */
    void beat() {
        Instant now = clock.instant();
        Map<String, RunPool.Held> before = pool.snapshot();
        try {
            Set<String> kept = store.renewLeases(instance, now.plus(leaseTime));
            store.registerInstance(self, now, now.minus(leaseTime));
            lastRenewed = now;
            leasesHeld = kept.size();
            releaseOrphans(kept);
            before.forEach((runId, run) -> {
                if (!kept.contains(runId) && pool.holds(runId)) {
                    Optional<Lease> lease = store.lease(runId);
                    Optional<StoredRun> row = store.run(runId);
                    if (row.isPresent() && row.get().status() == RunStatus.RUNNING && lease.isPresent() && !lease.get().owner().equals(instance)) {
                        pool.lose(runId, run, "its lease was taken over by " + lease.get().owner());
                    }
                }
            });
        } catch (RuntimeException e) {
            log.println("opsbook: cannot renew the leases of " + instance + ": " + e.getMessage());
            if (unreachableTooLong(lastRenewed, now, leaseTime)) {
                before.forEach((runId, run) -> pool.lose(runId, run, "its lease could not be renewed for " + Durations.format(leaseTime)
                        + ", so another instance may have taken it over"));
            }
        }
    }

    /**
     * Lets go of leases in this instance's name on runs it does not execute: left by an earlier
     * process with the same {@code --instance} (killed, then restarted), or a run whose thread died
     * on a store error. Renewing them would keep them from every other instance for as long as this
     * one lives. A run being started here (claimed, its runbook loading) is the pool's, however long that takes.
     * //why: still two beats in a row: a takeover's run is chosen, and its lease written, by the store, so the pool
     * learns of it only a moment after the lease is there, and a beat may fall in that moment.
     */
    private void releaseOrphans(Set<String> kept) {
        Set<String> unheld = unheld(kept, pool.leasedHere());
        Set<String> released = new HashSet<>();
        for (String runId : toRelease(unheld, orphans)) {
            if (store.releaseLease(runId, instance)) {
                log.println("run " + runId + " is leased to " + instance + " but not running here; its lease is let go");
                released.add(runId);
            }
        }
        // //why: a released run is no longer ours; if this instance takes it over again, it gets two beats of grace again
        // (a takeover holds the lease a moment before the run is executing here)
        unheld.removeAll(released);
        orphans = unheld;
    }

    /** The runs this instance holds a lease on but does not execute. */
    static Set<String> unheld(Set<String> kept, Set<String> executing) {
        Set<String> unheld = new HashSet<>(kept);
        unheld.removeAll(executing);
        return unheld;
    }

    /** The leases to let go now: runs not executing here at this beat and at the one before. */
    static Set<String> toRelease(Set<String> unheld, Set<String> unheldBefore) {
        Set<String> release = new HashSet<>(unheld);
        release.retainAll(unheldBefore);
        return release;
    }

    /** Whether the store has been unreachable for a whole lease: others may have taken this instance's runs over. */
    static boolean unreachableTooLong(Instant lastRenewed, Instant now, Duration leaseTime) {
        return Duration.between(lastRenewed, now).compareTo(leaseTime) >= 0;
    }
}
