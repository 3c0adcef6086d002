package dev.opsbook.engine;

import com.fasterxml.jackson.databind.JsonNode;
import dev.opsbook.expression.ExpressionException;
import dev.opsbook.runbook.Runbook;
import dev.opsbook.runbook.Step;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One run in progress, on the engine thread (the caller's): carries out what the {@link Scheduler}
 * decides, starts each attempt on a step thread ({@link AttemptRunner}), and folds what happens
 * into the run's state. Only this thread changes the state; step threads report through a queue.
 * Retries, timeouts and cancellation are handled here for every step kind alike. A step waiting
 * for its retry time holds no thread: this thread wakes when it is due and starts the next attempt.
 */
final class RunSession {
    private final RunRequest request;
    private final Runbook runbook;
    private final RunListener listener;
    private final RunControl control;
    private final Clock clock;
    private final ExecutorService threads;
    private final Scheduler scheduler;
    private final Redactor redactor;
    private final StepInput input;
    private final AttemptRunner attempts;
    /** What step threads report: {@link RunEvent}s, and {@link AttemptRunner.AttemptFailed}, on which the scheduler decides a retry. */
    private final BlockingQueue<Object> inbox = new LinkedBlockingQueue<>();
    /** What each step started in this session was rendered with, so its retries run the very same call. */
    private final Map<String, StepInput.Prepared> prepared = new HashMap<>();
    private final RetryClock retryClock;
    private final Map<String, Future<?>> tasks = new HashMap<>();
    private final Map<String, AtomicBoolean> unstarted = new HashMap<>();
    private final List<RunEvent> events = new ArrayList<>();
    /** Events recorded but not yet handed to the listener: they go to it together at the next {@link #settle()}. */
    private final List<RunListener.Heard> unheard = new ArrayList<>();
    /** Attempts decided this turn, started once the turn's events are durable ({@link #launch()}). */
    private final List<Due> due = new ArrayList<>();
    private final InlineAttempt inline = new InlineAttempt();
    private final Optional<Duration> limit;
    private final Optional<Instant> deadline;
    private volatile boolean timedOut;
    private RunState state;

    /** @param fresh a new run, whose start is recorded now; else one going on from its stored history (which may hold only its start) */
    RunSession(RunRequest request, RunListener listener, RunControl control, List<RunEvent> history, boolean fresh,
            StepExecutors executors, Clock clock, ExecutorService threads, SecretResolver secrets) {
        this.request = request;
        this.runbook = request.runbook().runbook();
        this.listener = listener;
        this.control = control;
        this.clock = clock;
        this.threads = threads;
        this.retryClock = new RetryClock(clock);
        this.scheduler = new Scheduler(request.runbook().graph());
        RunEvent.RunStarted started = (RunEvent.RunStarted) history.get(0);
        this.redactor = Redactor.forRun(runbook, started);
        this.state = RunState.fold(history);
        this.input = new StepInput(request, secrets, redactor);
        this.attempts = new AttemptRunner(executors, clock, threads, request, state.runId(), control, inbox, () -> timedOut);
        this.limit = request.runTimeout().or(runbook::timeout);
        this.deadline = limit.map(limitCountsFrom(history, clock.instant())::plus);
        if (fresh) {
            record(started);
            settle(); // //why: whoever started the run may acknowledge its cause only once its row exists
        } else {
            events.addAll(history); // already recorded and heard by the listeners of the first run
        }
    }

    /**
     * When the time limit counts from: the start, moved on by every wait for a person (from the run stopping at a
     * person's step to its resumption), or the last restart from a step.
     *
     * //why: a limit is on the run's work: counting the time a gate waited for someone would time out a run the moment
     * a 3 a.m. approval let it go on; and a failed run resumed from a step gets its whole limit again
     */
    private static Instant limitCountsFrom(List<RunEvent> history, Instant now) {
        Instant from = history.get(0).at();
        Instant stoppedAt = null;
        for (RunEvent event : history) {
            if (event instanceof RunEvent.RunRestarted || event instanceof RunEvent.RollbackRequested) {
                from = event.at();
                stoppedAt = null;
            } else if (event instanceof RunEvent.RunFinished finished && finished.status() == RunStatus.WAITING) {
                stoppedAt = finished.at();
            } else if (event instanceof RunEvent.RunResumed resumed && stoppedAt != null) {
                from = from.plus(java.time.Duration.between(stoppedAt, resumed.at()));
                stoppedAt = null;
            }
        }
        // a run taken up now whose RunResumed is yet to be written here
        return stoppedAt == null ? from : from.plus(java.time.Duration.between(stoppedAt, now));
    }

    /** The run's state as this session has folded it so far. */
    RunState state() {
        return state;
    }

    RunResult run() throws InterruptedException {
        try {
            RunResult result = loop();
            settle();
            return result;
        } catch (RuntimeException | InterruptedException e) {
            // //why: a listener that cannot record (the store refused: another instance holds the run) ends this run here; its steps must not go on unrecorded
            tasks.values().forEach(task -> task.cancel(true));
            throw e;
        }
    }

    private RunResult loop() throws InterruptedException {
        control.onCancel(() -> {
            inbox.offer(new RunEvent.CancelRequested(clock.instant(), control.cancellation().orElse("cancelled")));
            inline.interrupt();
        });
        while (true) {
            if (control.suspended() && !state.cancelRequested()) {
                // draining: no new step or attempt; once the attempts in flight end the run is left, unfinished, for another process
                if (state.inFlight().stream().allMatch(x -> ForEachItems.isForEach(request.runbook().graph(), x))) {
                    List<Decision> last = scheduler.decide(state, now());
                    if (last.size() == 1 && last.get(0) instanceof Decision.Finish finish) {
                        record(new RunEvent.RunFinished(clock.instant(), finish.status(), finish.message()));
                    }
                    return new RunResult(runbook, state, events, redactor);
                }
                Object next = next(100);
                if (next != null) {
                    take(next);
                }
                continue;
            }
            boolean progressed = false;
            for (Decision decision : scheduler.decide(state, now())) {
                progressed = true;
                if (decision instanceof Decision.Finish finish) {
                    record(new RunEvent.RunFinished(clock.instant(), finish.status(), finish.message()));
                    return new RunResult(runbook, state, events, redactor);
                }
                carryOut(decision);
            }
            if (progressed) {
                launch();
                continue;
            }
            if (!skippedIdleTime()) {
                Object next = next(pollInterval());
                if (next != null) {
                    take(next);
                }
            }
            if (deadline.isPresent() && !timedOut && !state.cancelRequested() && clock.instant().isAfter(deadline.get())) {
                timedOut = true;
                record(new RunEvent.RunTimedOut(clock.instant(), limit.orElseThrow()));
                stopRunningSteps();
            }
        }
    }

    /**
     * On a {@link SimulatedClock}, with no attempt in flight and no report waiting, moves the clock to the next retry
     * or the run's time limit instead of waiting for it; false when it did not move.
     */
    private boolean skippedIdleTime() {
        if (!(clock instanceof SimulatedClock simulated) || !inbox.isEmpty()
                || !state.inFlight().stream().allMatch(x -> ForEachItems.isForEach(request.runbook().graph(), x))) {
            return false;
        }
        Optional<Instant> due = state.executions().values().stream().filter(StepExecution::waitingToRetry)
                .map(x -> x.retryAt().orElseThrow()).min(Instant::compareTo);
        if (deadline.isPresent() && !timedOut && (due.isEmpty() || deadline.get().isBefore(due.get()))) {
            due = Optional.of(deadline.get().plusMillis(1));
        }
        return due.isPresent() && simulated.advanceTo(due.get());
    }

    /** The time the scheduler decides at ({@link RetryClock}). */
    private Instant now() {
        return retryClock.now(state);
    }

    /** How long to wait for a report: until the run's deadline or the next retry is due, at most a second. */
    private long pollInterval() {
        long wait = 1000;
        if (deadline.isPresent() && !timedOut) {
            wait = Math.min(wait, Duration.between(clock.instant(), deadline.get()).toMillis() + 1);
        }
        return retryClock.millisUntilNextRetry(wait);
    }

    private void take(Object report) {
        if (report instanceof AttemptRunner.AttemptFailed failed) {
            // //why: the retry is the scheduler's decision, stored with the attempt, so a takeover waits out the same backoff
            tasks.remove(failed.key());
            Optional<Instant> retryAt = scheduler.retryAt(state, failed.key(), failed.attempt());
            record(new RunEvent.AttemptFinished(failed.attempt().endedAt(), failed.key(), failed.attempt(), retryAt));
            if (retryAt.isEmpty()) {
                record(new RunEvent.StepFinished(failed.attempt().endedAt(), failed.key(), StepStatus.FAILED, null, failed.attempt().message()));
            }
            return;
        }
        RunEvent event = (RunEvent) report;
        if (event instanceof RunEvent.CancelRequested) {
            if (state.cancelRequested()) {
                return;
            }
            record(event);
            stopRunningSteps();
            return;
        }
        record(event);
        if (event instanceof RunEvent.StepFinished finished && finished.status() != StepStatus.RUNNING) {
            tasks.remove(finished.key());
        }
    }

    private void stopRunningSteps() {
        tasks.forEach((key, task) -> {
            AtomicBoolean claimed = unstarted.get(key);
            if (claimed != null && claimed.compareAndSet(false, true)) {
                // //why: a step stopped before its thread began would otherwise never report that it ended
                String why = timedOut ? "the run timed out" : "cancelled: " + control.cancellation().orElse("cancelled");
                inbox.add(new RunEvent.StepFinished(clock.instant(), key, timedOut ? StepStatus.FAILED : StepStatus.CANCELLED, null, why));
            }
            task.cancel(true);
        });
    }

    /**
     * The one way events enter the run: secrets are masked here, before state, history or listeners see them. The
     * listener hears them at the next {@link #settle()}.
     */
    void record(RunEvent event) {
        event = redactor.event(event);
        events.add(event);
        state = event instanceof RunEvent.RunStarted ? state : state.apply(event);
        unheard.add(new RunListener.Heard(event, state));
    }

    /**
     * Hands the listener every event recorded since the last settle, at once, so that a store writes them in one
     * transaction. //why: called before an attempt begins, before this thread waits for reports and when the run
     * stops: whatever a step's side effects or another process could depend on is durable by then, and a step's end
     * is stored together with the next step's start, one commit a step instead of one an event
     */
    private void settle() {
        if (unheard.isEmpty()) {
            return;
        }
        List<RunListener.Heard> batch = List.copyOf(unheard);
        unheard.clear();
        listener.onAll(batch);
    }

    /** The next report, waiting up to {@code millis} for it; what was recorded is settled before any wait. */
    private Object next(long millis) throws InterruptedException {
        Object next = inbox.poll();
        if (next != null) {
            return next;
        }
        settle();
        return inbox.poll(millis, TimeUnit.MILLISECONDS);
    }

    /**
     * Starts the attempts decided this turn, once their events are settled. //why: a lone attempt with nothing else
     * in flight runs on this thread, which would only wait for it: no hand-off to a step thread and back; a run with
     * a time limit keeps this thread free to watch it
     */
    private void launch() throws InterruptedException {
        settle();
        if (due.size() == 1 && tasks.isEmpty() && deadline.isEmpty()) {
            inline.run(due.remove(0).here());
            return;
        }
        for (Due attempt : due) {
            attempt.pooled().run();
        }
        due.clear();
    }

    private void carryOut(Decision decision) {
        if (decision instanceof Decision.Skip skip) {
            record(new RunEvent.StepSkipped(clock.instant(), skip.key(), skip.reason()));
        } else if (decision instanceof Decision.Fail fail) {
            Instant now = clock.instant();
            record(new RunEvent.StepStarted(now, fail.key(), fail.stepId(), fail.role(), fail.forStep(), null));
            record(new RunEvent.StepFinished(now, fail.key(), StepStatus.FAILED, null, fail.reason()));
        } else if (decision instanceof Decision.ListItems list) {
            record(new RunEvent.StepStarted(clock.instant(), list.key(), list.stepId(), Role.NORMAL, Optional.empty(),
                    ForEachItems.listed(list.expression(), list.items())));
        } else if (decision instanceof Decision.Settle settle) {
            record(new RunEvent.StepFinished(clock.instant(), settle.key(), settle.status(), settle.outputs(), settle.message()));
        } else if (decision instanceof Decision.Start start) {
            start(start);
        } else if (decision instanceof Decision.Retry retry) {
            retry(retry);
        } else if (decision instanceof Decision.StopRetry stop) {
            String why = stop.status() == StepStatus.CANCELLED ? "cancelled: " + control.cancellation().orElse("cancelled") : "the run timed out";
            record(new RunEvent.StepFinished(clock.instant(), stop.key(), stop.status(), null, why));
        }
    }

    private void start(Decision.Start start) {
        Step step = request.runbook().graph().step(start.stepId());
        StepInput.Prepared call;
        List<JsonNode> secretReads = new ArrayList<>();
        try {
            call = input.prepare(step, state, ForEachItems.scope(start.key(), start.forStep()), secretReads);
        } catch (ExpressionException e) {
            Instant now = clock.instant();
            record(new RunEvent.StepStarted(now, start.key(), start.stepId(), start.role(), start.forStep(), null));
            record(new RunEvent.StepFinished(now, start.key(), StepStatus.FAILED, null, "cannot render input: " + e.getMessage()));
            return;
        }
        record(new RunEvent.StepStarted(clock.instant(), start.key(), start.stepId(), start.role(), start.forStep(), call.input()));
        secretReads.forEach(read -> record(new RunEvent.CallMade(clock.instant(), start.key(), read)));
        prepared.put(start.key(), call);
        int attempt = state.execution(start.key()).map(x -> x.attempts().size()).orElse(0) + 1;
        submit(start.key(), step, attempt, call, state.execution(start.key()).flatMap(StepExecution::answer));
    }

    /**
     * The next attempt of a step whose retry time has come. In the session that started the step it is the
     * same call; in one that took the run over the input is rendered again, as for a step that runs again.
     */
    private void retry(Decision.Retry retry) {
        Step step = request.runbook().graph().step(retry.stepId());
        Instant due = state.execution(retry.key()).flatMap(StepExecution::retryAt).orElse(Instant.MIN);
        Instant now = clock.instant();
        record(new RunEvent.RetryStarted(now.isBefore(due) ? due : now, retry.key(), retry.attempt()));
        StepInput.Prepared call = prepared.get(retry.key());
        if (call == null) {
            List<JsonNode> secretReads = new ArrayList<>();
            try {
                call = input.prepare(step, state, ForEachItems.scope(retry.key(),
                        state.execution(retry.key()).flatMap(StepExecution::forStep)), secretReads);
            } catch (ExpressionException e) {
                record(new RunEvent.StepFinished(clock.instant(), retry.key(), StepStatus.FAILED, null, "cannot render input: " + e.getMessage()));
                return;
            }
            secretReads.forEach(read -> record(new RunEvent.CallMade(clock.instant(), retry.key(), read)));
            prepared.put(retry.key(), call);
        }
        submit(retry.key(), step, retry.attempt(), call, Optional.empty());
    }


    private void submit(String key, Step step, int attempt, StepInput.Prepared call, Optional<Interaction.Answer> given) {
        due.add(new Due(() -> attempts.run(key, step, attempt, call, given), () -> {
            AtomicBoolean claimed = new AtomicBoolean();
            Future<?> task = threads.submit(() -> {
                if (claimed.compareAndSet(false, true)) {
                    attempts.run(key, step, attempt, call, given);
                }
            });
            tasks.put(key, task);
            unstarted.put(key, claimed);
        }));
    }

    /** An attempt decided this turn: run here (true when it ended by an interrupt), or handed to a step thread. */
    private record Due(java.util.function.BooleanSupplier here, Runnable pooled) {
    }
}
