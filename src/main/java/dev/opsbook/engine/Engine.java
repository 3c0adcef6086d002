package dev.opsbook.engine;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opsbook.graph.LoadedRunbook;
import dev.opsbook.runbook.Diagnostic;
import dev.opsbook.runbook.Runbook;
import dev.opsbook.runbook.Step;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Runs runbooks: starts a run, resumes one a person answered, takes over one whose engine stopped.
 * Each run is a {@link RunSession} on the calling thread, which carries out what the
 * {@link Scheduler} decides; the engine owns the step threads its sessions run attempts on
 * ({@link AttemptRunner}) and lets them go on {@link #close()}.
 */
public final class Engine implements AutoCloseable {

    private final StepExecutors executors;
    private final Clock clock;
    private final Supplier<String> runIds;
    private final ExecutorService threads;
    private final SecretResolver secrets;

    public Engine(StepExecutors executors, Clock clock, Supplier<String> runIds, SecretResolver secrets) {
        this.executors = executors;
        this.clock = clock;
        this.runIds = runIds;
        this.secrets = secrets;
        this.threads = Executors.newCachedThreadPool(daemonThreads());
    }

    public Engine(StepExecutors executors, Clock clock, Supplier<String> runIds) {
        this(executors, clock, runIds, SecretResolver.NONE);
    }

    public Engine(StepExecutors executors) {
        this(executors, Clock.systemUTC(), RunIds.from(Clock.systemUTC()));
    }

    public RunResult run(RunRequest request, RunListener listener) throws InvalidRunException, InterruptedException {
        return run(request, listener, new RunControl());
    }

    public RunResult run(RunRequest request, RunListener listener, RunControl control)
            throws InvalidRunException, InterruptedException {
        LoadedRunbook loaded = request.runbook();
        if (loaded.hasErrors()) {
            throw new InvalidRunException(loaded.errors().stream().map(Diagnostic::toString).toList());
        }
        ParameterBinding.Bound bound = ParameterBinding.bind(loaded.runbook(), request.params());
        if (!bound.ok()) {
            throw new InvalidRunException(bound.problems());
        }
        Instant now = clock.instant();
        Runbook runbook = loaded.runbook();
        ObjectNode env = JsonNodeFactory.instance.objectNode();
        for (String name : runbook.envAllowList()) {
            String value = System.getenv(name);
            if (value == null) {
                env.putNull(name);
            } else {
                env.put(name, value);
            }
        }
        RunEvent.RunStarted started = new RunEvent.RunStarted(now, runIds.get(), runbook.id(), runbook.title(),
                runbook.contentHash(), bound.values(), env, request.startedBy(), request.trigger(), request.event().orElse(null),
                request.drill(), request.incident());
        return session(request, listener, control, List.of(started), true).run();
    }

    /**
     * Goes on with a stored run that stopped waiting for a person, now that its history holds the
     * answer ({@link RunEvent.StepAnswered}). The history's events are not told to the listener
     * again; what happens from here is. A history that already ends with {@link RunEvent.RunResumed}
     * (written by whoever claimed the run) is not resumed twice.
     */
    public RunResult resume(RunRequest request, List<RunEvent> history, String by, RunListener listener, RunControl control)
            throws InvalidRunException, InterruptedException {
        RunSession session = continuing(request, history, listener, control);
        RunEvent last = history.get(history.size() - 1);
        if (!(last instanceof RunEvent.RunResumed || last instanceof RunEvent.RunRestarted)) {
            session.record(new RunEvent.RunResumed(clock.instant(), by)); // else whoever resumes claimed it already
        }
        return session.run();
    }

    /** A session going on from a stored history, which must start with the run's start. */
    private RunSession continuing(RunRequest request, List<RunEvent> history, RunListener listener, RunControl control)
            throws InvalidRunException {
        if (history.isEmpty() || !(history.get(0) instanceof RunEvent.RunStarted)) {
            throw new InvalidRunException(List.of("the stored run has no start event"));
        }
        if (request.runbook().hasErrors()) {
            throw new InvalidRunException(request.runbook().errors().stream().map(Diagnostic::toString).toList());
        }
        return session(request, listener, control, history, false);
    }

    private RunSession session(RunRequest request, RunListener listener, RunControl control, List<RunEvent> history, boolean fresh) {
        return new RunSession(request, listener, control, history, fresh, executors, clock, threads, secrets);
    }

    /**
     * Goes on with a run whose engine stopped (another instance's lease expired, or it let the run
     * go): the history is folded, and each step that was in flight is either retried, when that is
     * safe (the step's kind says so for its input, or the step is declared {@code idempotent=true}),
     * or marked as needing attention, which ends the run {@link RunStatus#NEEDS_ATTENTION} with a
     * message that says what may or may not have happened. The history's events are not told to the
     * listener again.
     *
     * @param by the instance taking over
     * @param from the instance that held the run
     */
    public RunResult takeOver(RunRequest request, List<RunEvent> history, String by, String from, RunListener listener, RunControl control)
            throws InvalidRunException, InterruptedException {
        RunSession session = continuing(request, history, listener, control);
        Instant now = clock.instant();
        session.record(new RunEvent.RunTakenOver(now, by, from));
        // //why: a step waiting for its retry time had no attempt in flight; it keeps its attempts and retry time, and retries when due
        for (StepExecution cut : List.copyOf(session.state().inFlight())) {
            if (ForEachItems.isForEach(request.runbook().graph(), cut)) {
                continue; // runs nothing itself: its items in flight are cut, the ones that ended stay ended
            }
            Step step = request.runbook().graph().step(cut.stepId());
            Optional<StepExecutor> executor = executors.find(step.kind());
            boolean safe = step.isIdempotent() || executor.map(e -> e.safeToRetry(cut.input())).orElse(false);
            int attempt = cut.attempts().size() + 1;
            Instant attemptStarted = cut.attempts().isEmpty() ? cut.startedAt().orElse(now)
                    : cut.attempts().get(cut.attempts().size() - 1).endedAt();
            String doing = executor.map(e -> e.describe(step, cut.input())).orElse("ran the " + step.kind() + " step");
            String detail = "step '" + cut.stepId() + "'" + (cut.role() == Role.NORMAL ? ""
                    : cut.role() == Role.ITEM ? " (item " + cut.key() + ")" : " (" + cut.role().label() + " for '" + cut.forStep().orElse("?") + "')") + ", attempt " + attempt + " started at " + attemptStarted
                    + ", was in flight when " + from + " stopped: it " + doing + ", and may or may not have done so. "
                    + (safe ? "It runs again: " + (step.isIdempotent() ? "it is declared idempotent=true." : "running it again is safe.")
                    : "It is not safe to run again on its own (it changes things and is not declared idempotent=true): check, then "
                    + "opsbook resolve " + session.state().runId() + " " + (cut.role() == Role.ITEM ? cut.key() : cut.stepId())
                    + " --retry, --skip or --fail.");
            session.record(new RunEvent.AttemptFinished(now, cut.key(), new Attempt(attempt, attemptStarted, now, false,
                    "interrupted: " + from + " stopped", null), Optional.empty()));
            session.record(new RunEvent.StepInterrupted(now, cut.key(), safe, detail));
        }
        return session.run();
    }


    /**
     * Lets the step threads go once no step runs. //why: a service makes an engine per run; idle
     * threads of a cached pool linger a minute, so a burst of runs parking on approvals held two
     * threads per waiting run for that minute.
     */
    @Override
    public void close() {
        threads.shutdown();
    }

    private static ThreadFactory daemonThreads() {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, "opsbook-step-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
