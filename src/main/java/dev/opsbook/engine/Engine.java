package dev.opsbook.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opsbook.expression.ExpressionException;
import dev.opsbook.expression.Expressions;
import dev.opsbook.expression.SecretSource;
import dev.opsbook.expression.Template;
import dev.opsbook.expression.Templates;
import dev.opsbook.graph.LoadedRunbook;
import dev.opsbook.runbook.Diagnostic;
import dev.opsbook.runbook.Durations;
import dev.opsbook.runbook.Runbook;
import dev.opsbook.runbook.Step;
import dev.opsbook.runbook.StepKindSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Runs a runbook: carries out what the {@link Scheduler} decides, one thread per running step,
 * and folds what happens into the run's state. Only the calling thread changes the state; step
 * threads report through a queue. Retries, timeouts, cancellation and outputs are handled here
 * for every step kind alike. A step thread runs one attempt; a step waiting for its retry time
 * holds no thread: the calling thread wakes when it is due and starts the next attempt.
 */
public final class Engine implements AutoCloseable {

    private static final Duration STOP_GRACE = Duration.ofSeconds(10);

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
                runbook.contentHash(), bound.values(), env, request.startedBy(), request.trigger(), request.event().orElse(null));
        return new Session(request, listener, control, List.of(started), true).run();
    }

    /**
     * Goes on with a stored run that stopped waiting for a person, now that its history holds the
     * answer ({@link RunEvent.StepAnswered}). The history's events are not told to the listener
     * again; what happens from here is. A history that already ends with {@link RunEvent.RunResumed}
     * (written by whoever claimed the run) is not resumed twice.
     */
    public RunResult resume(RunRequest request, List<RunEvent> history, String by, RunListener listener, RunControl control)
            throws InvalidRunException, InterruptedException {
        Session session = continuing(request, history, listener, control);
        RunEvent last = history.get(history.size() - 1);
        if (!(last instanceof RunEvent.RunResumed || last instanceof RunEvent.RunRestarted)) {
            session.record(new RunEvent.RunResumed(clock.instant(), by)); // else whoever resumes claimed it already
        }
        return session.run();
    }

    /** A session going on from a stored history, which must start with the run's start. */
    private Session continuing(RunRequest request, List<RunEvent> history, RunListener listener, RunControl control)
            throws InvalidRunException {
        if (history.isEmpty() || !(history.get(0) instanceof RunEvent.RunStarted)) {
            throw new InvalidRunException(List.of("the stored run has no start event"));
        }
        if (request.runbook().hasErrors()) {
            throw new InvalidRunException(request.runbook().errors().stream().map(Diagnostic::toString).toList());
        }
        return new Session(request, listener, control, history, false);
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
        Session session = continuing(request, history, listener, control);
        Instant now = clock.instant();
        session.record(new RunEvent.RunTakenOver(now, by, from));
        // //why: a step waiting for its retry time had no attempt in flight; it keeps its attempts and retry time, and retries when due
        for (StepExecution cut : List.copyOf(session.state.inFlight())) {
            Step step = request.runbook().graph().step(cut.stepId());
            Optional<StepExecutor> executor = executors.find(step.kind());
            boolean safe = step.isIdempotent() || executor.map(e -> e.safeToRetry(cut.input())).orElse(false);
            int attempt = cut.attempts().size() + 1;
            Instant attemptStarted = cut.attempts().isEmpty() ? cut.startedAt().orElse(now)
                    : cut.attempts().get(cut.attempts().size() - 1).endedAt();
            String doing = executor.map(e -> e.describe(step, cut.input())).orElse("ran the " + step.kind() + " step");
            String detail = "step '" + cut.stepId() + "'" + (cut.role() == Role.NORMAL ? "" : " (" + cut.role().label() + " for '"
                    + cut.forStep().orElse("?") + "')") + ", attempt " + attempt + " started at " + attemptStarted
                    + ", was in flight when " + from + " stopped: it " + doing + ", and may or may not have done so. "
                    + (safe ? "It runs again: " + (step.isIdempotent() ? "it is declared idempotent=true." : "running it again is safe.")
                    : "It is not safe to run again on its own (it changes things and is not declared idempotent=true): check, then "
                    + "opsbook resolve " + session.state.runId() + " " + cut.stepId() + " --retry, --skip or --fail.");
            session.record(new RunEvent.AttemptFinished(now, cut.key(), new Attempt(attempt, attemptStarted, now, false,
                    "interrupted: " + from + " stopped", null), Optional.empty()));
            session.record(new RunEvent.StepInterrupted(now, cut.key(), safe, detail));
        }
        return session.run();
    }

    /** One run in progress. */
    private final class Session {
        private final RunRequest request;
        private final Runbook runbook;
        private final RunListener listener;
        private final RunControl control;
        private final Scheduler scheduler;
        private final Redactor redactor;
        /** What step threads report: {@link RunEvent}s, and {@link AttemptFailed}, on which the scheduler decides a retry. */
        private final BlockingQueue<Object> inbox = new LinkedBlockingQueue<>();
        /** What each step started in this session was rendered with, so its retries run the very same call. */
        private final Map<String, Prepared> prepared = new HashMap<>();
        private final RetryClock retryClock = new RetryClock(clock);
        private final Map<String, Future<?>> tasks = new HashMap<>();
        private final Map<String, AtomicBoolean> unstarted = new HashMap<>();
        private final List<RunEvent> events = new ArrayList<>();
        private final Optional<Duration> limit;
        private final Optional<Instant> deadline;
        private volatile boolean timedOut;
        private final Map<String, String> secretValues = new HashMap<>();
        private RunState state;

        /** @param fresh a new run, whose start is recorded now; else one going on from its stored history (which may hold only its start) */
        Session(RunRequest request, RunListener listener, RunControl control, List<RunEvent> history, boolean fresh) {
            this.request = request;
            this.runbook = request.runbook().runbook();
            this.listener = listener;
            this.control = control;
            this.scheduler = new Scheduler(request.runbook().graph());
            RunEvent.RunStarted started = (RunEvent.RunStarted) history.get(0);
            this.redactor = Redactor.forRun(runbook, started);
            this.state = RunState.fold(history);
            this.limit = request.runTimeout().or(runbook::timeout);
            this.deadline = limit.map(limitCountsFrom(history, clock.instant())::plus);
            if (fresh) {
                record(started);
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
                if (event instanceof RunEvent.RunRestarted restarted) {
                    from = restarted.at();
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

        RunResult run() throws InterruptedException {
            try {
                return loop();
            } catch (RuntimeException | InterruptedException e) {
                // //why: a listener that cannot record (the store refused: another instance holds the run) ends this run here; its steps must not go on unrecorded
                tasks.values().forEach(task -> task.cancel(true));
                throw e;
            }
        }

        private RunResult loop() throws InterruptedException {
            control.onCancel(() -> inbox.offer(new RunEvent.CancelRequested(clock.instant(),
                    control.cancellation().orElse("cancelled"))));
            while (true) {
                if (control.suspended() && !state.cancelRequested()) {
                    // draining: no new step or attempt; once the attempts in flight end the run is left, unfinished, for another process
                    if (state.inFlight().isEmpty()) {
                        List<Decision> last = scheduler.decide(state, now());
                        if (last.size() == 1 && last.get(0) instanceof Decision.Finish finish) {
                            record(new RunEvent.RunFinished(clock.instant(), finish.status(), finish.message()));
                        }
                        return new RunResult(runbook, state, events, redactor);
                    }
                    Object next = inbox.poll(100, TimeUnit.MILLISECONDS);
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
                    continue;
                }
                Object next = inbox.poll(pollInterval(), TimeUnit.MILLISECONDS);
                if (next != null) {
                    take(next);
                }
                if (deadline.isPresent() && !timedOut && !state.cancelRequested() && clock.instant().isAfter(deadline.get())) {
                    timedOut = true;
                    record(new RunEvent.RunTimedOut(clock.instant(), limit.orElseThrow()));
                    stopRunningSteps();
                }
            }
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
            if (report instanceof AttemptFailed failed) {
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

        /** The one way events enter the run: secrets are masked here, before state, history or listeners see them. */
        private void record(RunEvent event) {
            event = redactor.event(event);
            events.add(event);
            state = event instanceof RunEvent.RunStarted ? state : state.apply(event);
            listener.on(event, state);
        }

        private void carryOut(Decision decision) {
            if (decision instanceof Decision.Skip skip) {
                record(new RunEvent.StepSkipped(clock.instant(), skip.key(), skip.reason()));
            } else if (decision instanceof Decision.Fail fail) {
                Instant now = clock.instant();
                record(new RunEvent.StepStarted(now, fail.key(), fail.stepId(), Role.NORMAL, Optional.empty(), null));
                record(new RunEvent.StepFinished(now, fail.key(), StepStatus.FAILED, null, fail.reason()));
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
            Prepared call;
            List<JsonNode> secretReads = new ArrayList<>();
            try {
                call = prepare(step, secretReads);
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
            Prepared call = prepared.get(retry.key());
            if (call == null) {
                List<JsonNode> secretReads = new ArrayList<>();
                try {
                    call = prepare(step, secretReads);
                } catch (ExpressionException e) {
                    record(new RunEvent.StepFinished(clock.instant(), retry.key(), StepStatus.FAILED, null, "cannot render input: " + e.getMessage()));
                    return;
                }
                secretReads.forEach(read -> record(new RunEvent.CallMade(clock.instant(), retry.key(), read)));
                prepared.put(retry.key(), call);
            }
            submit(retry.key(), step, retry.attempt(), call, Optional.empty());
        }

        /** A step's input and script rendered over the run's context now; secrets it reads are added to {@code secretReads}. */
        private Prepared prepare(Step step, List<JsonNode> secretReads) {
            JsonNode context = state.context();
            SecretSource source = (store, id) -> secret(store, id, secretReads);
            unkeptSecret(step, context).ifPresent(message -> {
                throw new ExpressionException(message, 0);
            });
            JsonNode input = input(step, context, source);
            String script = null;
            if (step.settings().isNull()) {
                ScriptValues.Rendered rendered = ScriptValues.render(step.body(), context, source);
                script = rendered.script();
                input = rendered.input();
            }
            return new Prepared(input, script, environment(step), context);
        }

        private void submit(String key, Step step, int attempt, Prepared call, Optional<Interaction.Answer> given) {
            AtomicBoolean claimed = new AtomicBoolean();
            Future<?> task = threads.submit(() -> {
                if (claimed.compareAndSet(false, true)) {
                    runAttempt(key, step, attempt, call, given);
                }
            });
            tasks.put(key, task);
            unstarted.put(key, claimed);
        }

        /**
         * A secret parameter this step reads, in a run that goes on from the store: the store keeps
         * it masked, and running with the mask in its place would, say, set a password to it.
         */
        private Optional<String> unkeptSecret(Step step, JsonNode context) {
            List<String> masked = request.runbook().runbook().parameters().stream()
                    .filter(p -> p.isSecret() && context.path("params").path(p.name()).asText("").equals(Redactor.MASK))
                    .map(dev.opsbook.runbook.Parameter::name).toList();
            if (masked.isEmpty()) {
                return Optional.empty();
            }
            //why: a script also reads parameters as environment variables ($token), which hold the mask too
            java.util.stream.Stream<String> inScript = step.settings().isNull() && step.body() != null
                    ? masked.stream().filter(name -> java.util.regex.Pattern.compile("\\$\\{?" + java.util.regex.Pattern.quote(name) + "(?![A-Za-z0-9_])")
                            .matcher(step.body()).find())
                    : java.util.stream.Stream.empty();
            return java.util.stream.Stream.concat(dev.opsbook.runbook.ExpressionSites.of(step).sites().stream()
                    .flatMap(site -> dev.opsbook.expression.References.in(site.expression()).stream())
                    .filter(r -> r.root().equals("params") && masked.contains(r.name()))
                    .map(dev.opsbook.expression.Reference::name), inScript)
                    .findFirst()
                    .map(name -> "params." + name + " is a secret, and the store does not keep secrets: a run that goes on from the store"
                            + " (after an approval, a resume or a takeover) cannot read it; read it in this step with a secret reference"
                            + " ({{ secret:ssm:NAME }} or {{ secret:secretsmanager:NAME }}), or start a new run");
        }

        private JsonNode input(Step step, JsonNode context, SecretSource source) {
            if (!step.settings().isObject()) {
                return null;
            }
            ObjectNode settings = step.settings().deepCopy();
            settings.remove("outputs"); // expressions over the result, evaluated after the step
            return Templates.render(settings, context, e -> false, source);
        }

        /** Reads a secret once per run; from then on its value is masked wherever the run is shown. */
        private String secret(String store, String id, List<JsonNode> reads) {
            String key = store + ":" + id;
            String known = secretValues.get(key);
            if (known != null) {
                return known;
            }
            try {
                SecretResolver.Fetched fetched = secrets.fetch(store, id);
                redactor.add(fetched.value());
                secretValues.put(key, fetched.value());
                if (fetched.call() != null) {
                    reads.add(fetched.call());
                }
                return fetched.value();
            } catch (Exception e) {
                throw new ExpressionException("cannot read secret:" + key + ": " + e.getMessage(), 0);
            }
        }

        private Map<String, String> environment(Step step) {
            Map<String, String> environment = new LinkedHashMap<>();
            state.params().fields().forEachRemaining(field ->
                    environment.put(field.getKey(), Template.asText(field.getValue())));
            environment.put("OPSBOOK_RUN_ID", state.runId());
            environment.put("OPSBOOK_RUNBOOK", runbook.id());
            environment.put("OPSBOOK_STEP_ID", step.id());
            return environment;
        }

        // ---- on a step thread -------------------------------------------------------------

        /** Runs one attempt and reports how it ended; a failed attempt is reported for the scheduler to decide its retry. */
        private void runAttempt(String key, Step step, int attempt, Prepared prepared, Optional<Interaction.Answer> given) {
            StepExecutor executor = executors.find(step.kind()).orElseThrow();
            // //why: a step resumed after a person answered gets that answer instead of asking again
            Interaction interaction = given.<Interaction>map(answer -> prompt -> answer).orElse(request.interaction());
            Instant startedAt = clock.instant();
            StepCall call = new StepCall(state.runId(), runbook.kind(), step, attempt, prepared.input(), prepared.script(),
                    prepared.environment(), request.workingDirectory(), interaction, prepared.context(),
                    made -> inbox.add(new RunEvent.CallMade(clock.instant(), key, made)), key);
            StepOutcome outcome;
            try {
                outcome = attempt(executor, call, step.timeout());
            } catch (InterruptedException e) {
                Instant now = clock.instant();
                String why = timedOut ? "the run timed out" : "cancelled: " + control.cancellation().orElse("cancelled");
                inbox.add(new RunEvent.AttemptFinished(now, key, new Attempt(attempt, startedAt, now, false, why, null), Optional.empty()));
                inbox.add(new RunEvent.StepFinished(now, key, timedOut ? StepStatus.FAILED : StepStatus.CANCELLED, null, why));
                return;
            }
            Instant endedAt = clock.instant();
            if (outcome instanceof StepOutcome.Answered answered) {
                if (given.isEmpty()) {
                    inbox.add(new RunEvent.StepAnswered(endedAt, key, answered.answer()));
                }
                outcome = answered.answer().confirmed()
                        ? new StepOutcome.Succeeded(answered.result())
                        : new StepOutcome.Failed(refusal(step, answered.answer()), answered.result());
            }
            if (outcome instanceof StepOutcome.Succeeded succeeded) {
                try {
                    ObjectNode outputs = outputs(step, succeeded);
                    inbox.add(new RunEvent.AttemptFinished(endedAt, key, new Attempt(attempt, startedAt, endedAt, true, "", succeeded.result()), Optional.empty()));
                    inbox.add(new RunEvent.StepFinished(endedAt, key, StepStatus.SUCCEEDED, outputs, ""));
                    return;
                } catch (ExpressionException e) {
                    outcome = new StepOutcome.Failed("outputs: " + e.getMessage(), succeeded.result());
                }
            }
            if (outcome instanceof StepOutcome.Waiting waiting) {
                inbox.add(new RunEvent.AttemptFinished(endedAt, key, new Attempt(attempt, startedAt, endedAt, false, waiting.message(), waiting.result()), Optional.empty()));
                inbox.add(new RunEvent.StepFinished(endedAt, key, StepStatus.WAITING, null, waiting.message()));
                return;
            }
            StepOutcome.Failed failed = (StepOutcome.Failed) outcome;
            inbox.add(new AttemptFailed(key, new Attempt(attempt, startedAt, endedAt, false, failed.message(), failed.result())));
        }

        private String refusal(Step step, Interaction.Answer answer) {
            String what = step.has(StepKindSpec.Trait.APPROVAL) ? "rejected" : "not done";
            return what + " by " + answer.by() + (answer.comment().isBlank() ? "" : ": " + answer.comment());
        }

        /** Runs one attempt on its own thread so a timeout can interrupt it and still wait for it to stop. */
        private StepOutcome attempt(StepExecutor executor, StepCall call, Optional<Duration> timeout) throws InterruptedException {
            AtomicInteger done = new AtomicInteger();
            Thread[] runner = new Thread[1];
            Future<StepOutcome> future = threads.submit(() -> {
                runner[0] = Thread.currentThread();
                try {
                    return executor.execute(call);
                } finally {
                    done.set(1);
                }
            });
            try {
                return timeout.isPresent() ? future.get(timeout.get().toMillis(), TimeUnit.MILLISECONDS) : future.get();
            } catch (TimeoutException e) {
                stop(future);
                return new StepOutcome.Failed("timed out after " + Durations.format(timeout.get()), null);
            } catch (InterruptedException e) {
                stop(future);
                throw e;
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                return new StepOutcome.Failed(cause.getClass().getSimpleName() + ": " + cause.getMessage(), null);
            }
        }

        /** Interrupts an attempt and waits a little for it to clean up (kill its processes). */
        private void stop(Future<StepOutcome> future) {
            future.cancel(true);
            long until = System.nanoTime() + STOP_GRACE.toNanos();
            boolean interrupted = Thread.interrupted();
            while (!future.isDone() && System.nanoTime() < until) {
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }

        private ObjectNode outputs(Step step, StepOutcome.Succeeded succeeded) {
            ObjectNode outputs = succeeded.outputs().deepCopy();
            JsonNode result = succeeded.result() == null ? JsonNodeFactory.instance.nullNode() : succeeded.result();
            for (Map.Entry<String, String> output : step.outputs().entrySet()) {
                JsonNode value = Expressions.evaluate(output.getValue(), result);
                if (output.getKey().isEmpty()) {
                    if (!value.isObject()) {
                        throw new ExpressionException("the outputs expression must give an object, e.g. '{version: json.version}', not " + value, 0);
                    }
                    outputs.setAll((ObjectNode) value);
                } else {
                    outputs.set(output.getKey(), value);
                }
            }
            return outputs;
        }
    }

    /** A step's call as rendered when it started: its retries repeat it. */
    private record Prepared(JsonNode input, String script, Map<String, String> environment, JsonNode context) {
    }

    /** A step thread's report of a failed attempt, before the scheduler decided whether and when it is retried. */
    private record AttemptFailed(String key, Attempt attempt) {
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
