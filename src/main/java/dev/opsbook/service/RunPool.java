package dev.opsbook.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opsbook.aws.AwsInvoker;
import dev.opsbook.aws.AwsSecrets;
import dev.opsbook.engine.Engine;
import dev.opsbook.engine.RunControl;
import dev.opsbook.engine.RunEvent;
import dev.opsbook.engine.RunIds;
import dev.opsbook.engine.RunListener;
import dev.opsbook.engine.RunRequest;
import dev.opsbook.engine.RunResult;
import dev.opsbook.engine.RunState;
import dev.opsbook.engine.RunStatus;
import dev.opsbook.engine.StepExecutors;
import dev.opsbook.graph.LoadedRunbook;
import dev.opsbook.graph.RunbookLoader;
import dev.opsbook.metrics.ServiceMetrics;
import dev.opsbook.runbook.Runbook;
import dev.opsbook.store.Lease;
import dev.opsbook.store.LeaseLost;
import dev.opsbook.store.RunStore;
import dev.opsbook.store.StoredRun;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The runs this instance executes, each on a thread of its own: how many more it takes on
 * ({@code --max-runs}, none while draining), what stops each one, and what becomes of a run that
 * ends here. Thread-safe: the intake, the tick, the heartbeat and the API all use it.
 */
final class RunPool implements RunOperations.Executions {

    /** A run executing here: what stops it writing, and what stops it running. */
    record Held(String runbookId, StoringListener storing, RunControl control) {
    }

    /**
     * A run being started here from the moment its lease is (about to be) written until {@link #execute} holds it, or
     * its start fails; closing it twice is harmless.
     */
    interface Launch extends AutoCloseable {
        @Override
        void close();
    }

    /** What a run does on its thread: start, resume or take over, with the engine and listeners the pool gives it. */
    interface Body {
        RunResult run(Engine engine, RunListener listeners, RunControl control) throws Exception;
    }

    private final RunStore store;
    private final RunbookLoader loader;
    private final PrintStream log;
    private final Clock clock;
    private final String instance;
    private final Duration leaseTime;
    private final StepExecutors executors;
    private final AwsInvoker invoker;
    private final ServiceMetrics metrics;
    private final RecordExport export;
    private final Path workingDirectory;
    private final int maxConcurrentRuns;
    private final ExecutorService runs = Executors.newCachedThreadPool(Service.daemon("opsbook-run"));
    /** Every run executing here, by id; its size is what --max-runs bounds. */
    private final Map<String, Held> held = new ConcurrentHashMap<>();
    /** Runs this instance has (or is about to have) the lease of and is starting here, not yet held: how many launchers each. */
    private final Map<String, Integer> launching = new ConcurrentHashMap<>();
    private volatile boolean draining;
    private volatile Runnable freed = () -> { };

    RunPool(Service.Config config, RunStore store, RunbookLoader loader, StepExecutors executors, AwsInvoker invoker,
            ServiceMetrics metrics, RecordExport export, PrintStream log) {
        this.store = store;
        this.loader = loader;
        this.log = log;
        this.clock = config.leasing().clock();
        this.instance = config.leasing().instance();
        this.leaseTime = config.leasing().lease();
        this.executors = executors;
        this.invoker = invoker;
        this.metrics = metrics;
        this.export = export;
        this.workingDirectory = config.workingDirectory();
        this.maxConcurrentRuns = config.maxConcurrentRuns();
    }

    // ---- what the pool holds ---------------------------------------------------------------------

    /** How many more runs this instance takes on now: none while draining. */
    int freeSlots() {
        return draining ? 0 : maxConcurrentRuns - held.size();
    }

    int maxConcurrentRuns() {
        return maxConcurrentRuns;
    }

    boolean draining() {
        return draining;
    }

    /** Told each time a run ends here, so a transport holding an event for want of room can offer it now. */
    void onFreed(Runnable listener) {
        this.freed = listener;
    }

    /** From now on the pool takes on no run. */
    void stopTaking() {
        synchronized (held) {
            draining = true;
        }
    }

    int size() {
        return held.size();
    }

    boolean isEmpty() {
        return held.isEmpty();
    }

    boolean holds(String runId) {
        return held.containsKey(runId);
    }

    Set<String> ids() {
        return Set.copyOf(held.keySet());
    }

    /**
     * Marks {@code runId} as being started here: open it before the claim that writes its lease (or, when the store
     * picks the run, at once after), close it once {@link #goOn} or {@link #execute} returned or threw.
     */
    @Override
    public Launch launching(String runId) {
        launching.merge(runId, 1, Integer::sum);
        java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
        return () -> {
            if (closed.compareAndSet(false, true)) {
                launching.computeIfPresent(runId, (id, launchers) -> launchers == 1 ? null : launchers - 1);
            }
        };
    }

    /**
     * The runs whose lease this instance holds by right: executing here, or being started (claimed, their runbook
     * loading). //why: launching is read before held, and execute puts a run in held before its launch closes,
     * so a run passing from one to the other is never missed.
     */
    Set<String> leasedHere() {
        Set<String> ids = new java.util.HashSet<>(launching.keySet());
        ids.addAll(held.keySet());
        return ids;
    }

    Optional<RunControl> control(String runId) {
        return Optional.ofNullable(held.get(runId)).map(Held::control);
    }

    /** The runs held now; one may end while the caller looks. */
    Map<String, Held> snapshot() {
        return new java.util.HashMap<>(held);
    }

    Lease newLease() {
        return new Lease(instance, clock.instant().plus(leaseTime));
    }

    // ---- starting runs ---------------------------------------------------------------------------

    /** The dispatcher's launcher: a run for an event (a drill of game day {@code drill} when given), held here; returns once the run is stored. */
    String launch(LoadedRunbook runbook, ObjectNode params, JsonNode event, String eventId, Optional<String> key, Optional<String> drill)
            throws Exception {
        String runId = RunIds.from(clock).get();
        StoringListener storing = StoringListener.forNewRun(store, runbook.runbook(), Optional.of(eventId), key, Optional.of(newLease()));
        RunRequest request = new RunRequest(runbook, Dispatcher.asTexts(params), "event " + eventId, "event", AnswerLater.INTERACTION,
                Optional.empty(), workingDirectory, Optional.of(event), drill);
        if (!execute(runId, runbook, storing, false, (engine, listeners, control) -> engine.run(request, listeners, control), List.of(),
                true)) {
            throw new IllegalStateException("this instance is stopping; the event's next delivery starts it elsewhere");
        }
        if (!storing.awaitCreated(30_000)) {
            throw new IllegalStateException("the run was not stored within 30 s");
        }
        return runId;
    }

    @Override
    public int room() {
        return freeSlots();
    }

    @Override
    public Optional<Lease> lease() {
        return Optional.of(newLease());
    }

    @Override
    public void execute(String runId, LoadedRunbook runbook, RunRequest request, Optional<List<RunEvent>> history, StoringListener storing) {
        if (history.isEmpty()) {
            execute(runId, runbook, storing, false, (engine, listeners, control) -> engine.run(request, listeners, control), List.of(), false);
        } else {
            List<RunEvent> events = history.get();
            execute(runId, runbook, storing, true,
                    (engine, listeners, control) -> engine.resume(request, events, request.startedBy(), listeners, control), events, false);
        }
    }

    /**
     * Goes on here with a stored run this instance now holds, from its {@code history}, with the runbook text it started
     * with; {@code told} is what its trail still has to hear (answers).
     */
    void goOn(StoredRun run, List<RunEvent> history, List<RunEvent> told, Function<RunRequest, Body> body) {
        LoadedRunbook runbook = loader.load(run.runbookFile(), store.runbookText(run.id()).orElse(""));
        RunRequest request = new RunRequest(runbook, java.util.Map.of(), run.startedBy(), run.trigger(), AnswerLater.INTERACTION,
                Optional.empty(), workingDirectory);
        if (!execute(run.id(), runbook, StoringListener.continuing(store, history.size(), Optional.of(instance)), true, body.apply(request), told,
                true)) {
            store.releaseLease(run.id(), instance);
            log.println("run " + run.id() + " of " + runbook.runbook().id() + " let go: this instance is stopping; another instance goes on with it");
        }
    }

    /**
     * Runs a run on a thread of its own, held by this instance. //why: one place decides what
     * becomes of a run that ends here: finished (its record is written), suspended by a drain (its
     * lease is let go, so another instance goes on with it at once), or lost (nothing more is written).
     *
     * @param notWhileDraining whether the run is refused once the pool stops taking runs (an event's, or one going on
     *                         from the store: another instance takes those); a run a person or a parent starts here is not
     * @return whether the run is held here
     */
    private boolean execute(String runId, LoadedRunbook runbook, StoringListener storing, boolean continuing, Body body, List<RunEvent> history,
                            boolean notWhileDraining) {
        RunControl control = new RunControl();
        Held mine = new Held(runbook.runbook().id(), storing, control);
        //why: decided under the lock stopTaking takes, so a drain suspends every run held before it began and none after it
        synchronized (held) {
            if (notWhileDraining && draining) {
                return false;
            }
            held.put(runId, mine);
        }
        runs.submit(() -> {
            try (Engine engine = new Engine(executors, clock, () -> runId, new AwsSecrets(invoker, "opsbook-" + runId))) {
                RunResult result = body.run(engine, both(storing, runbook.runbook()), control);
                if (result.state().status() == RunStatus.RUNNING) {
                    storing.fence("let go while draining");
                    export.write(runId); // //why: while this instance still holds the run, so the taker's files are always the later ones
                    store.releaseLease(runId, instance);
                    log.println("run " + runId + " of " + runbook.runbook().id() + " let go after its running steps ended (draining);"
                            + " another instance goes on with it");
                } else {
                    // //why: serve writes it in the background (waiting here on the write its last event queued cost each run
                    // ~26 ms at 8 runs at once); the store's exported_seq lets the catch-up write it if this process dies first
                    export.changed(runId);
                }
            } catch (LeaseLost e) {
                log.println("run " + runId + " of " + runbook.runbook().id() + " stopped here: " + e.getMessage());
            } catch (Exception e) {
                if (storeFailure(e)) {
                    // //why: the store going away is no verdict on the run: stop writing, and let its lease lapse so that an
                    // instance (this one, maybe) takes it over once the store is back, with the rule for the step in flight
                    storing.fence("the store failed");
                    log.println("run " + runId + " of " + runbook.runbook().id() + " stopped here: the store failed (" + e.getMessage()
                            + "); it is taken over when the store answers again");
                    return;
                }
                log.println("opsbook: run " + runId + " of " + runbook.runbook().id() + " failed to run: " + e);
                giveUp(runId, storing, e);
            } finally {
                // //why: this session's entry only: a run that stopped here may already be taken up again on another thread
                held.remove(runId, mine);
                freed.run();
            }
        });
        return true;
    }

    private RunListener both(RunListener storing, Runbook runbook) {
        RunListener counting = metrics.listener(runbook);
        return RunListener.storedFirst(storing, (event, state) -> {
            export.on(event, state);
            counting.on(event, state);
            if (event instanceof RunEvent.RunStarted started) {
                log.println("run " + started.runId() + " of " + runbook.id() + " started by " + started.startedBy());
            } else if (event instanceof RunEvent.RunResumed) {
                log.println("run " + state.runId() + " of " + runbook.id() + " resumed");
            } else if (event instanceof RunEvent.RunFinished finished && finished.status() == RunStatus.NEEDS_ATTENTION) {
                log.println("run " + state.runId() + " of " + runbook.id() + " needs attention: " + finished.message());
            } else if (event instanceof RunEvent.RunFinished finished) {
                log.println("run " + state.runId() + " of " + runbook.id() + " " + finished.status().label()
                        + (finished.message().isEmpty() ? "" : ": " + finished.message()));
            }
        });
    }

    static boolean storeFailure(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof dev.opsbook.store.StoreException) {
                return true;
            }
        }
        return false;
    }

    /** A run that cannot go on here (its runbook no longer loads, say) ends failed rather than being held, and taken over, forever. */
    private void giveUp(String runId, StoringListener storing, Exception cause) {
        if (storing.lastSeq() == 0) {
            return; // never stored
        }
        try {
            Optional<StoredRun> row = store.run(runId);
            if (row.isPresent() && row.get().status() == RunStatus.RUNNING && store.lease(runId).map(l -> l.owner().equals(instance)).orElse(false)) {
                RunAppends.checked(store, runId, store.events(runId), new RunEvent.RunFinished(clock.instant(), RunStatus.FAILED,
                        "opsbook could not go on with the run: " + cause.getMessage()), Optional.of(instance), Optional.empty());
            }
        } catch (RuntimeException e) {
            log.println("opsbook: run " + runId + " could not be marked failed: " + e.getMessage());
        }
    }

    // ---- stopping runs ---------------------------------------------------------------------------

    /** A run this instance no longer holds: it stops here at once, writing nothing more. */
    void lose(String runId, Held run, String why) {
        log.println("run " + runId + " of " + run.runbookId() + " stops here: " + why);
        run.storing().fence(instance + " lost the run: " + why);
        run.control().cancel(why);
    }

    /** Every run finishes the steps it is running and starts no more (a drain). */
    void suspendAll() {
        held.values().forEach(run -> run.control().suspend());
    }

    /** Every run stops here at once without a word more written, as if the process died. */
    void abandonAll(String why) {
        new java.util.HashMap<>(held).forEach((runId, run) -> {
            run.storing().fence(why);
            run.control().cancel(why);
        });
    }

    /** Every run is cancelled (recorded as cancelled); waits a while for their threads. */
    void cancelAll(String why) {
        held.values().forEach(run -> run.control().cancel(why));
        runs.shutdown();
        try {
            runs.awaitTermination(20, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Waits until no run is held here, or {@code deadline} ({@link System#nanoTime}) passes. */
    void awaitEmpty(long deadline) {
        while (!held.isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
