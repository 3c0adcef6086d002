package dev.opsbook.service;

import dev.opsbook.audit.AuditSeal;
import dev.opsbook.engine.RunEvent;
import dev.opsbook.engine.RunListener;
import dev.opsbook.engine.RunState;
import dev.opsbook.record.RecordFolder;
import dev.opsbook.record.RecordPlace;
import dev.opsbook.runbook.Runbook;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

/**
 * {@code --record-dir} as an export: the record of a run ({@link RunRecords}, rendered from the store) written to
 * {@code DIR/RUNBOOK-ID/RUN-ID.md} (a folder or a bucket: a {@link RecordPlace}) when the run's state changes (in the
 * background: at once when it stops, at most every {@link #RUNNING_EVERY} while it runs), by whichever instance holds
 * the run; never read back. A run taken over gets its whole record in the taker's place. Each
 * record is written whole, so a reader never sees half a record. A write that fails (a full disk, a folder removed, a
 * bucket out of reach) is told once per run and never stops the run: the store keeps the record's truth, and a later
 * change (or, for a stopped run, serve's catch-up) writes it again. Thread-safe.
 */
public final class RecordExport implements RunListener {

    /** Where records come from, with the lines of the run's trail in the store: the store, or the events a run kept in no store heard. */
    @FunctionalInterface
    public interface Source {
        /** The records of the runs named, by run id (one not found left out); the store reads them together. */
        java.util.Map<String, RunRecords.Written> records(List<String> runIds);

        default Optional<RunRecords.Written> record(String runId) {
            return Optional.ofNullable(records(List.of(runId)).get(runId));
        }
    }

    /** The most runs whose records the background writer reads from the store together. */
    static final int MOST_AT_ONCE = 50;

    /**
     * The audit trail file of a run kept in no store, beside its record, written with it ({@code opsbook run --no-store}
     * copies its file). A stored run's trail comes from the store with its record.
     */
    @FunctionalInterface
    public interface TrailExport {
        void write(String runId, RecordPlace place) throws IOException;

        TrailExport NONE = (runId, place) -> {
        };
    }

    /**
     * Where written exports are noted (each run's events shown, several runs at once), so that another instance catches up
     * the files of a stopped run whose writer was killed.
     */
    @FunctionalInterface
    interface Marks {
        void exported(java.util.Map<String, Long> events);

        Marks NONE = events -> {
        };
    }

    private static final int STRIPES = 64;

    private final RecordPlace dir;
    private final Source source;
    private final TrailExport trails;
    private final PrintStream log;
    private final RunListener before;
    private final Marks marks;
    /** Where writes heard from a run's events go when a run must not wait for them (serve); none: written at once. */
    private final java.util.concurrent.Executor background;
    private final Set<String> pending = ConcurrentHashMap.newKeySet();
    /** Running runs whose change waits for {@link #RUNNING_EVERY} before it is written. */
    private final Set<String> deferred = ConcurrentHashMap.newKeySet();
    private final Set<String> told = ConcurrentHashMap.newKeySet();
    private final java.util.concurrent.atomic.AtomicBoolean catchingUp = new java.util.concurrent.atomic.AtomicBoolean();
    /** Notes of written files not yet in the store: each run's events shown. */
    private final ConcurrentHashMap<String, Long> unnoted = new ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicBoolean noting = new java.util.concurrent.atomic.AtomicBoolean();
    /** //why: one writer per run at a time, so a write rendered earlier never lands after one rendered later. */
    private final java.util.concurrent.locks.ReentrantLock[] locks = new java.util.concurrent.locks.ReentrantLock[STRIPES];

    private RecordExport(RecordPlace dir, Source source, TrailExport trails, PrintStream log, RunListener before, Marks marks,
                         java.util.concurrent.Executor background) {
        this.dir = dir;
        this.background = background;
        this.marks = marks;
        this.source = source;
        this.trails = trails;
        this.log = log;
        this.before = before;
        for (int i = 0; i < STRIPES; i++) {
            locks[i] = new java.util.concurrent.locks.ReentrantLock();
        }
    }

    /** Records of stored runs, into {@code dir}; failures told on {@code log}. */
    public static RecordExport of(Path dir, RunRecords records, PrintStream log) {
        return of(new RecordFolder(dir), records, log);
    }

    /** Records of stored runs, into {@code dir} (a folder or a bucket); failures told on {@code log}. */
    public static RecordExport of(RecordPlace dir, RunRecords records, PrintStream log) {
        return new RecordExport(dir, records::withTrails, TrailExport.NONE, log, RunListener.NONE, records::exported, null);
    }

    /**
     * For a run kept in no store ({@code opsbook run --no-store}): rendered from the events this export hears, with the
     * seal its trail reports.
     */
    public static RecordExport unstored(RecordPlace dir, Runbook runbook, Supplier<Optional<AuditSeal>> seal, PrintStream log) {
        List<RunEvent> heard = new CopyOnWriteArrayList<>();
        return new RecordExport(dir, runIds -> java.util.Map.of(runIds.get(0), new RunRecords.Written(RunRecords.render(runbook, List.copyOf(heard), seal.get()), List.of())),
                TrailExport.NONE, log, (event, state) -> heard.add(event), Marks.NONE, null);
    }

    /** The same export, with the audit trail file of each run kept in no store written beside its record by {@code trails}. */
    public RecordExport withTrails(TrailExport trails) {
        return new RecordExport(dir, source, trails, log, before, marks, background);
    }

    /**
     * The same export, with the writes a run's events call for done on {@code background}, several changes of one run
     * written once. //why: rendering and writing a record on a run's thread at each step's end cost serve most of its
     * throughput; a run's stop is written there too (each write renders the run from the store as it stands, so the last
     * one is whole), and a write lost with the process is caught up from the store's {@code exported_seq}.
     */
    public RecordExport inBackground(java.util.concurrent.Executor background) {
        return new RecordExport(dir, source, trails, log, before, marks, background);
    }

    public RecordPlace dir() {
        return dir;
    }

    /**
     * How often, at most, the record of a run still running is written in the background: its stop (and any change
     * after it) is written at once. //why: a short run's every step end rendered and wrote its whole record again, each
     * about as dear as a step; a run of three steps stored one record where it stored five
     */
    static final java.time.Duration RUNNING_EVERY = java.time.Duration.ofSeconds(1);

    /** Hears a run's events after the store (and its audit trail) did; writes the record when the run's state changed. */
    @Override
    public void on(RunEvent event, RunState state) {
        before.on(event, state);
        if (changesState(event)) {
            if (background != null && state.status() == dev.opsbook.engine.RunStatus.RUNNING) {
                changedWhileRunning(state.runId());
            } else {
                changed(state.runId());
            }
        }
    }

    /** The run's record is written within {@link #RUNNING_EVERY}, unless a write asked for meanwhile shows the change. */
    private void changedWhileRunning(String runId) {
        if (!deferred.add(runId)) {
            return;
        }
        try {
            java.util.concurrent.CompletableFuture.delayedExecutor(RUNNING_EVERY.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
                    .execute(() -> {
                        if (deferred.remove(runId)) {
                            changed(runId);
                        }
                    });
        } catch (java.util.concurrent.RejectedExecutionException stopping) {
            deferred.remove(runId);
        }
    }

    /**
     * Writes the run's record again because something it shows changed without a run event: a tier told, a retry's
     * outcome, an acknowledgement, an escalation stopped (kept in the store's escalation tables, after the run's last event).
     */
    public void changed(String runId) {
        deferred.remove(runId); // //why: the write asked for now shows the deferred change too
        if (background == null) {
            write(runId);
        } else if (pending.add(runId)) {
            try {
                background.execute(this::writePending);
            } catch (java.util.concurrent.RejectedExecutionException stopping) {
                pending.remove(runId); // serve is stopping: the write at the run's stop, or the catch-up, writes it
            }
        }
    }

    /**
     * Writes the records of runs whose change waits, up to {@link #MOST_AT_ONCE}, read together (none left: an earlier turn
     * took this one's run with its own). //why: each run read alone cost a statement per table; the runs that stopped while
     * the writer was busy are read with one per table
     */
    private void writePending() {
        List<String> runIds = new java.util.ArrayList<>();
        for (java.util.Iterator<String> it = pending.iterator(); it.hasNext() && runIds.size() < MOST_AT_ONCE; ) {
            String runId = it.next();
            if (pending.remove(runId)) { // //why: before the write, so a change heard while it renders is written after it
                runIds.add(runId);
            }
        }
        writeAll(runIds);
    }

    /** Writes the records of {@code runIds} as they stand now, read together; a read that fails has each read and told alone. */
    void writeAll(List<String> runIds) {
        if (runIds.size() <= 1) {
            runIds.forEach(this::write);
            return;
        }
        int[] stripes = runIds.stream().mapToInt(RecordExport::stripe).distinct().sorted().toArray(); // //why: in one order, so two batches cannot deadlock
        for (int stripe : stripes) {
            locks[stripe].lock();
        }
        try {
            java.util.Map<String, RunRecords.Written> read;
            try {
                read = source.records(runIds);
            } catch (RuntimeException e) {
                runIds.forEach(this::write);
                return;
            }
            for (String runId : runIds) {
                RunRecords.Written written = read.get(runId);
                if (written != null) {
                    write(runId, written);
                }
            }
        } finally {
            for (int i = stripes.length - 1; i >= 0; i--) {
                locks[stripes[i]].unlock();
            }
        }
    }

    private static int stripe(String runId) {
        return Math.floorMod(runId.hashCode(), STRIPES);
    }

    /**
     * Whether the record is written after {@code event}: the run started, a step ended, was skipped or interrupted, an
     * attempt failed and the step waits for its retry, the run was taken over or resumed, or it stopped (waiting, needing
     * attention, finished). Not for what happens inside a step (started, a call).
     */
    static boolean changesState(RunEvent event) {
        return event instanceof RunEvent.RunStarted
                || event instanceof RunEvent.AttemptFinished attempt && attempt.retryAt().isPresent() || event instanceof RunEvent.StepFinished || event instanceof RunEvent.StepSkipped
                || event instanceof RunEvent.StepInterrupted || event instanceof RunEvent.RunTakenOver
                || event instanceof RunEvent.RunResumed || event instanceof RunEvent.RunRestarted
                || event instanceof RunEvent.RollbackRequested || event instanceof RunEvent.RunFinished;
    }

    /**
     * Writes the run's record as it stands now (and, through the trail hook, its audit trail).
     *
     * @return where it was written; empty when it could not be (told once per run)
     */
    public Optional<String> write(String runId) {
        java.util.concurrent.locks.ReentrantLock lock = locks[stripe(runId)];
        lock.lock();
        try {
            Optional<RunRecords.Written> read;
            try {
                read = source.record(runId);
            } catch (RuntimeException e) {
                tell(runId, dir.describe(), e);
                return Optional.empty();
            }
            return read.flatMap(written -> write(runId, written));
        } finally {
            lock.unlock();
        }
    }

    /** Writes the run's trail and record as read; the caller holds the run's lock. */
    private Optional<String> write(String runId, RunRecords.Written read) {
        RunRecords.Rendered record = read.record();
        try {
            Optional<String> trail = RunAudits.trailText(read.trailLines());
            // //why: the trail first, so whoever reads a record that says the run ended finds its whole trail beside it
            trails.write(runId, dir);
            if (trail.isPresent()) {
                dir.write(RecordPlace.trailName(record.runbookId(), runId), trail.get());
            }
            String written = dir.write(record.name(), record.markdown());
            if (record.stopped()) { // //why: only a stopped run's lag is caught up; a running one's holder writes it on
                noteExported(runId, record.events());
            }
            return Optional.of(written);
        } catch (IOException | RuntimeException e) {
            tell(runId, record.name(), e);
            return Optional.empty();
        }
    }

    private void tell(String runId, String file, Exception e) {
        if (told.add(runId)) {
            log.println("opsbook: cannot write the record of run " + runId + " to " + file + " in " + dir.describe() + ": " + reason(e)
                    + "; the run goes on (told once)");
        }
    }

    /**
     * Notes the written files in the store: at once without a background executor, else on it, after the writes already
     * asked for, with every note made by then. //why: a busy instance wrote a note per record, each a commit on the run's
     * row beside the run's own appends; queued behind the writes, the notes of a burst take one transaction.
     */
    private void noteExported(String runId, long events) {
        unnoted.merge(runId, events, Math::max);
        if (background == null || !noting.compareAndSet(false, true)) {
            if (background == null) {
                noteAll();
            }
            return;
        }
        try {
            background.execute(this::noteAll);
        } catch (java.util.concurrent.RejectedExecutionException stopping) {
            noteAll();
        }
    }

    private void noteAll() {
        noting.set(false); // //why: before taking the notes, so one made while these are written gets a turn of its own
        java.util.Map<String, Long> notes = new java.util.HashMap<>();
        for (String runId : unnoted.keySet()) {
            Long events = unnoted.remove(runId);
            if (events != null) {
                notes.put(runId, events);
            }
        }
        if (notes.isEmpty()) {
            return;
        }
        try {
            marks.exported(notes);
        } catch (RuntimeException e) {
            // //why: the files are written; a store that cannot note them only means they are written once more later
        }
    }

    /**
     * Catches up the files of stopped runs that lag their history (their instance was killed between storing an event and
     * writing them): those {@code lagging} names.
     */
    void catchUp(java.util.function.Supplier<List<String>> lagging) {
        writeAll(lagging.get());
    }

    /**
     * {@link #catchUp} on the background executor, one catch-up at a time (at once without one). //why: writing lagging
     * records on serve's tick took seconds under load, and the answered runs the same tick takes up waited for it.
     */
    void catchUpInBackground(java.util.function.Supplier<List<String>> lagging) {
        if (background == null) {
            catchUp(lagging);
            return;
        }
        if (!catchingUp.compareAndSet(false, true)) {
            return;
        }
        try {
            background.execute(() -> {
                try {
                    catchUp(lagging);
                } catch (RuntimeException e) {
                    log.println("opsbook: cannot catch up lagging records: " + reason(e));
                } finally {
                    catchingUp.set(false);
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException stopping) {
            catchingUp.set(false); // serve is stopping
        }
    }

    private static String reason(Exception e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null ? "" : " (" + message + ")");
    }
}
