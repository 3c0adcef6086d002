package dev.opsbook.service;

import dev.opsbook.engine.Engine;
import dev.opsbook.engine.Interaction;
import dev.opsbook.engine.RunControl;
import dev.opsbook.engine.RunEvent;
import dev.opsbook.engine.RunListener;
import dev.opsbook.engine.RunRequest;
import dev.opsbook.engine.SecretResolver;
import dev.opsbook.engine.StepExecutors;
import dev.opsbook.graph.LoadedRunbook;
import dev.opsbook.graph.RunbookLoader;
import dev.opsbook.store.RunStore;
import dev.opsbook.store.StoredRun;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The children of a run at a terminal ({@code opsbook run}, {@code resume}): each on a thread of this process, stored
 * without a lease like its parent, its record and trail written by {@code export}, asking the parent's person.
 */
public final class LocalChildren implements ChildRunner.Host {

    private final RunStore store;
    private final RunbookLoader loader;
    private final Supplier<StepExecutors> executors;
    private final Clock clock;
    private final Function<String, SecretResolver> secrets;
    private final RecordExport export;
    private final Interaction interaction;
    private final PrintStream log;
    private final Map<String, RunControl> running = new ConcurrentHashMap<>();

    /**
     * @param executors the step kinds, asked when a child starts (they hold the {@link ChildRunner} that holds this)
     * @param secrets the secret resolver of a run, by run id
     */
    public LocalChildren(RunStore store, RunbookLoader loader, Supplier<StepExecutors> executors, Clock clock,
                         Function<String, SecretResolver> secrets, RecordExport export, Interaction interaction, PrintStream log) {
        this.store = store;
        this.loader = loader;
        this.executors = executors;
        this.clock = clock;
        this.secrets = secrets;
        this.export = export;
        this.interaction = interaction;
        this.log = log;
    }

    @Override
    public boolean start(String childRunId, LoadedRunbook child, RunRequest request) throws Exception {
        StoringListener storing = StoringListener.forNewRun(store, child.runbook(), Optional.empty(), Optional.empty());
        go(childRunId, storing, (engine, listeners, control) -> engine.run(request, listeners, control));
        if (!storing.awaitCreated(30_000)) {
            throw new IllegalStateException("the child run was not stored within 30 s");
        }
        return true;
    }

    @Override
    public void resume(StoredRun child, List<RunEvent> history) {
        Optional<List<RunEvent>> claimed = Approvals.claim(store, child.id(), history,
                new RunEvent.RunResumed(clock.instant(), "opsbook, for its parent run"));
        if (claimed.isEmpty()) {
            return;
        }
        List<RunEvent> events = claimed.get();
        LoadedRunbook runbook = loader.load(child.runbookFile(), store.runbookText(child.id()).orElse(""));
        RunRequest request = new RunRequest(runbook, Map.of(), child.startedBy(), child.trigger(), interaction, Optional.empty(),
                Path.of("").toAbsolutePath());
        go(child.id(), StoringListener.continuing(store, events.size()),
                (engine, listeners, control) -> engine.resume(request, events, "opsbook", listeners, control));
    }

    private void go(String runId, StoringListener storing, RunPool.Body body) {
        RunControl control = new RunControl();
        running.put(runId, control);
        Thread thread = new Thread(() -> {
            RunListener listeners = RunListener.storedFirst(storing, export);
            try (Engine engine = new Engine(executors.get(), clock, () -> runId, secrets.apply(runId))) {
                body.run(engine, listeners, control);
            } catch (Exception e) {
                log.println("opsbook: child run " + runId + " failed to run: " + e.getMessage());
            } finally {
                running.remove(runId);
                export.write(runId);
            }
        }, "opsbook-child-" + runId);
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public boolean cancelHere(String childRunId, String reason) {
        RunControl control = running.get(childRunId);
        if (control == null) {
            return false;
        }
        control.cancel(reason);
        return true;
    }

    @Override
    public boolean followsOthers() {
        return false;
    }

    @Override
    public boolean runsHere(String childRunId) {
        return running.containsKey(childRunId);
    }
}
