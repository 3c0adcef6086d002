package dev.opsbook.engine;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The legal transitions of a run, in one table: which events a run in each status takes, and the
 * status that follows (the status of its row in the store, and of its listing). Pure.
 *
 * <p>Checked above the store, against the status the events up to {@code N} fold to, by whoever
 * appends event {@code N + 1} for a person or a request ({@code service.RunAppends}); the engine's
 * scheduler decides only events its run takes. The store enforces sequence and lease only and
 * writes the row's status with {@link #statusAfter(RunStatus, RunEvent)}. It is the row's status
 * rather than {@link RunState#status()}: a waiting run that gets any event but an answer is running
 * again, while its state says waiting until it is resumed.
 */
public final class RunTransitions {

    /** What an event does to a run's status. */
    public enum Change {
        /** Steps go on ({@link RunEvent.StepStarted}, {@link RunEvent.CancelRequested}, ...): the run is running. */
        PROGRESS,
        /** A person answered a waiting step: nothing runs until a process takes the run up. */
        ANSWER,
        /** A person resolved a step that needed attention: likewise. */
        RESOLVE,
        /** A process takes the run up ({@link RunEvent.RunResumed}). */
        RESUME,
        /** A person resumes a failed run from a step ({@link RunEvent.RunRestarted}). */
        RESTART,
        /** A succeeded child run is to be undone for its parent ({@link RunEvent.RollbackRequested}). */
        ROLLBACK,
        /** The run stops, in the status the event names ({@link RunEvent.RunFinished}). */
        FINISH,
        /** {@link RunEvent.RunStarted}: a run starts once, when it is created; nothing appends it. */
        START;

        public static Change of(RunEvent event) {
            if (event instanceof RunEvent.RunStarted) {
                return START;
            }
            if (event instanceof RunEvent.RunFinished) {
                return FINISH;
            }
            if (event instanceof RunEvent.RunRestarted) {
                return RESTART;
            }
            if (event instanceof RunEvent.RollbackRequested) {
                return ROLLBACK;
            }
            if (event instanceof RunEvent.RunResumed) {
                return RESUME;
            }
            if (event instanceof RunEvent.StepAnswered) {
                return ANSWER;
            }
            return event instanceof RunEvent.StepResolved ? RESOLVE : PROGRESS;
        }
    }

    // //why: RUNNING and WAITING take the same events: a waiting run goes on the moment anything but an answer comes
    private static final Map<RunStatus, Set<Change>> ALLOWED = new EnumMap<>(Map.of(
            RunStatus.RUNNING, EnumSet.of(Change.PROGRESS, Change.ANSWER, Change.RESUME, Change.FINISH),
            RunStatus.WAITING, EnumSet.of(Change.PROGRESS, Change.ANSWER, Change.RESUME, Change.FINISH),
            RunStatus.NEEDS_ATTENTION, EnumSet.of(Change.RESOLVE, Change.RESUME),
            RunStatus.FAILED, EnumSet.of(Change.RESTART),
            RunStatus.SUCCEEDED, EnumSet.of(Change.ROLLBACK),
            RunStatus.CANCELLED, EnumSet.noneOf(Change.class)));

    private RunTransitions() {
    }

    /** Whether a run in status {@code from} takes {@code event}. */
    public static boolean allowed(RunStatus from, RunEvent event) {
        return ALLOWED.get(from).contains(Change.of(event));
    }

    /**
     * The status after {@code event}, when the run takes it.
     *
     * @throws IllegalStateException when the run does not take it, saying why ({@link #refusal})
     */
    public static RunStatus next(String runId, RunStatus from, RunEvent event) {
        Optional<String> refusal = refusal(runId, from, event);
        if (refusal.isPresent()) {
            throw new IllegalStateException(refusal.get());
        }
        return statusAfter(from, event);
    }

    /** The status that follows {@code event} from {@code from}, whether or not the table allows it (the row's status in the store). */
    public static RunStatus statusAfter(RunStatus from, RunEvent event) {
        return switch (Change.of(event)) {
            case PROGRESS, RESUME, RESTART, ROLLBACK, START -> RunStatus.RUNNING;
            case ANSWER, RESOLVE -> from;
            case FINISH -> ((RunEvent.RunFinished) event).status();
        };
    }

    /** Why a run in status {@code from} does not take {@code event}; empty when it does. */
    public static Optional<String> refusal(String runId, RunStatus from, RunEvent event) {
        if (allowed(from, event)) {
            return Optional.empty();
        }
        if (from == RunStatus.SUCCEEDED || from == RunStatus.FAILED || from == RunStatus.CANCELLED) {
            return Optional.of("run " + runId + " has finished (" + from.label() + "): no event can follow");
        }
        return Optional.of("run " + runId + " is " + from.label() + ": this event cannot follow");
    }

    /**
     * The status a whole history ends in, from its start (running), event by event as the store
     * writes it ({@link #statusAfter(RunStatus, RunEvent)}): the status of its row once it is stored.
     */
    public static RunStatus statusAfter(List<RunEvent> history) {
        RunStatus status = RunStatus.RUNNING;
        for (RunEvent event : history.subList(1, history.size())) {
            status = statusAfter(status, event);
        }
        return status;
    }
}
