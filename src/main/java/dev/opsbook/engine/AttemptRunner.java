package dev.opsbook.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opsbook.expression.ExpressionException;
import dev.opsbook.expression.Expressions;
import dev.opsbook.runbook.Durations;
import dev.opsbook.runbook.Runbook;
import dev.opsbook.runbook.Step;
import dev.opsbook.runbook.StepKindSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * One attempt of a step, on a step thread: the step's executor called with the prepared call, on a
 * thread of its own so a timeout or a cancellation can interrupt it, its outcome and outputs
 * reported to the run's inbox. It never changes the run's state: the engine thread does, from the
 * reports.
 */
final class AttemptRunner {

    private static final Duration STOP_GRACE = Duration.ofSeconds(10);

    private final StepExecutors executors;
    private final Clock clock;
    private final ExecutorService threads;
    private final RunRequest request;
    private final Runbook runbook;
    private final String runId;
    private final RunControl control;
    /** Where the attempts report: {@link RunEvent}s, and {@link AttemptFailed}, on which the scheduler decides a retry. */
    private final BlockingQueue<Object> inbox;
    /** Whether the run timed out, as the engine thread saw it: an interrupted attempt says why it ended. */
    private final BooleanSupplier timedOut;

    AttemptRunner(StepExecutors executors, Clock clock, ExecutorService threads, RunRequest request, String runId,
            RunControl control, BlockingQueue<Object> inbox, BooleanSupplier timedOut) {
        this.executors = executors;
        this.clock = clock;
        this.threads = threads;
        this.request = request;
        this.runbook = request.runbook().runbook();
        this.runId = runId;
        this.control = control;
        this.inbox = inbox;
        this.timedOut = timedOut;
    }

    /**
     * Runs one attempt and reports how it ended; a failed attempt is reported for the scheduler to decide its retry.
     *
     * @return whether the attempt ended because its thread was interrupted (a cancellation, the run's time limit)
     */
    boolean run(String key, Step step, int attempt, StepInput.Prepared prepared, Optional<Interaction.Answer> given) {
        StepExecutor executor = executors.find(step.kind()).orElseThrow();
        // //why: a step resumed after a person answered gets that answer instead of asking again
        Interaction interaction = given.<Interaction>map(answer -> prompt -> answer).orElse(request.interaction());
        Instant startedAt = clock.instant();
        StepCall call = new StepCall(runId, runbook.kind(), step, attempt, prepared.input(), prepared.script(),
                prepared.environment(), request.workingDirectory(), interaction, prepared.context(),
                made -> inbox.add(new RunEvent.CallMade(clock.instant(), key, made)), key);
        StepOutcome outcome;
        try {
            outcome = attempt(executor, call, step.timeout());
        } catch (InterruptedException e) {
            Instant now = clock.instant();
            String why = timedOut.getAsBoolean() ? "the run timed out" : "cancelled: " + control.cancellation().orElse("cancelled");
            inbox.add(new RunEvent.AttemptFinished(now, key, new Attempt(attempt, startedAt, now, false, why, null), Optional.empty()));
            inbox.add(new RunEvent.StepFinished(now, key, timedOut.getAsBoolean() ? StepStatus.FAILED : StepStatus.CANCELLED, null, why));
            return true;
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
                return false;
            } catch (ExpressionException e) {
                outcome = new StepOutcome.Failed("outputs: " + e.getMessage(), succeeded.result());
            }
        }
        if (outcome instanceof StepOutcome.Waiting waiting) {
            inbox.add(new RunEvent.AttemptFinished(endedAt, key, new Attempt(attempt, startedAt, endedAt, false, waiting.message(), waiting.result()), Optional.empty()));
            inbox.add(new RunEvent.StepFinished(endedAt, key, StepStatus.WAITING, null, waiting.message()));
            return false;
        }
        StepOutcome.Failed failed = (StepOutcome.Failed) outcome;
        inbox.add(new AttemptFailed(key, new Attempt(attempt, startedAt, endedAt, false, failed.message(), failed.result())));
        return false;
    }

    private String refusal(Step step, Interaction.Answer answer) {
        String what = step.has(StepKindSpec.Trait.APPROVAL) ? "rejected" : "not done";
        return what + " by " + answer.by() + (answer.comment().isBlank() ? "" : ": " + answer.comment());
    }

    /**
     * Runs one attempt: with a timeout on a thread of its own, so the timeout can interrupt it and still wait for it to
     * stop; without one on this thread, which a cancellation interrupts directly (no hand-off to wait on).
     */
    private StepOutcome attempt(StepExecutor executor, StepCall call, Optional<Duration> timeout) throws InterruptedException {
        if (timeout.isEmpty()) {
            StepOutcome outcome;
            try {
                outcome = executor.execute(call);
            } catch (RuntimeException | Error e) { // as a step thread's Future reported them
                outcome = new StepOutcome.Failed(e.getClass().getSimpleName() + ": " + e.getMessage(), null);
            }
            if (Thread.interrupted()) {
                throw new InterruptedException(); // //why: a step that ended on its own as it was stopped still counts as stopped
            }
            return outcome;
        }
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

    /** A step thread's report of a failed attempt, before the scheduler decided whether and when it is retried. */
    record AttemptFailed(String key, Attempt attempt) {
    }
}
