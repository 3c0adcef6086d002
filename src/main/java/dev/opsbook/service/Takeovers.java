package dev.opsbook.service;

import dev.opsbook.engine.RunEvent;
import dev.opsbook.store.RunStore;
import dev.opsbook.store.StoredRun;
import dev.opsbook.store.Takeover;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Takes over running runs whose instance stopped (their lease expired), while this instance has
 * room: each is folded from its events and goes on after its last completed step; a step that was
 * in flight runs again only when that is safe, else the run needs attention.
 */
final class Takeovers {

    private final RunStore store;
    private final RunPool pool;
    private final PrintStream log;
    private final Clock clock;
    private final String instance;
    private final Duration leaseTime;

    Takeovers(Service.Leasing leasing, RunStore store, RunPool pool, PrintStream log) {
        this.store = store;
        this.pool = pool;
        this.log = log;
        this.clock = leasing.clock();
        this.instance = leasing.instance();
        this.leaseTime = leasing.lease();
    }

    void takeOverExpired() {
        while (pool.freeSlots() > 0) {
            Instant now = clock.instant();
            Optional<Takeover> taken = store.takeOverExpired(instance, now, now.plus(leaseTime));
            if (taken.isEmpty()) {
                return;
            }
            StoredRun run = taken.get().run();
            String from = taken.get().from();
            try (RunPool.Launch launch = pool.launching(run.id())) { // the store chose the run: the pool learns of it now
                log.println("run " + run.id() + " of " + run.runbookId() + " taken over from " + from);
                List<RunEvent> history = store.events(run.id());
                pool.goOn(run, history, List.of(), request -> (engine, listeners, control) ->
                        engine.takeOver(request, history, instance, from, listeners, control));
            }
        }
    }
}
