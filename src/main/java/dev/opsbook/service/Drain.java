package dev.opsbook.service;

import dev.opsbook.runbook.Durations;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * SIGTERM, once the intake is closed: each running run finishes the steps it is running but
 * starts no more, for at most a grace period; then a run still going is stopped here without a
 * word more written, and every lease this instance held is let go, so another instance takes
 * those runs over at once.
 */
final class Drain {

    private final RunPool pool;
    private final Heartbeat leases;
    private final String instance;
    private final PrintStream log;

    Drain(RunPool pool, Heartbeat leases, String instance, PrintStream log) {
        this.pool = pool;
        this.leases = leases;
        this.instance = instance;
        this.log = log;
    }

    /** @return the runs let go */
    List<String> handOver(Duration grace) {
        pool.stopTaking();
        log.println("opsbook: draining " + instance + ": " + pool.size() + " run(s) finish their running steps, for at most "
                + Durations.format(grace));
        log.flush();
        pool.suspendAll();
        pool.awaitEmpty(System.nanoTime() + grace.toNanos());
        List<String> left = new ArrayList<>(pool.ids());
        pool.snapshot().forEach((runId, run) -> pool.lose(runId, run, "the drain's grace period of " + Durations.format(grace) + " passed"));
        pool.awaitEmpty(System.nanoTime() + Duration.ofSeconds(5).toNanos());
        left.forEach(leases::release);
        leases.stop();
        leases.leave(false);
        return left;
    }
}
