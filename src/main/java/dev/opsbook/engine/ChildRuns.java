package dev.opsbook.engine;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.Map;

/**
 * The port a {@code runbook} step runs its child run through; whoever hosts the engine (the CLI, serve) implements
 * it, since a child is a run of its own: stored, recorded, listed like any run. The child of one execution of a step
 * has one id ({@link #childRunId}), so a step run again (a retry, a takeover, a resumption) finds the child it
 * started instead of starting a second one.
 */
public interface ChildRuns {

    /**
     * What a parent's step asks for.
     *
     * @param reference the child's runbook id, or its path relative to the parent's file when {@code byPath}
     * @param params the child's parameters, rendered
     */
    record Call(String parentRunId, String stepKey, String reference, boolean byPath, Map<String, String> params,
                Interaction interaction, Path workingDirectory) {
        public Call {
            params = Map.copyOf(params);
        }

        public String childRunId() {
            return ChildRuns.childRunId(parentRunId, stepKey);
        }

        /** How the child's record and the run lists name the one who started it. */
        public String startedBy() {
            return STARTED_BY + parentRunId + "/" + stepKey;
        }
    }

    /**
     * How the child stands once it stopped (or waits for a person).
     *
     * @param outputs its front-matter outputs, when it succeeded
     */
    record Child(String runId, String runbookId, RunStatus status, String message, JsonNode outputs) {
    }

    /** Refused before a child started: no such runbook, a parameter it does not take, too deep. */
    final class Refused extends Exception {
        public Refused(String message) {
            super(message);
        }
    }

    /** The trigger of a child run; its {@code startedBy} is {@code runbook:PARENT_RUN/STEP_KEY}. */
    String TRIGGER = "runbook";
    String STARTED_BY = "runbook:";

    /**
     * Starts the step's child run, or finds the one it started, and follows it until it stops: it ended, or waits for
     * a person. A child that waits with an answer goes on first. An interrupt (the parent cancelled, its step timed out)
     * cancels the child and waits a little for it to end before it is thrown on.
     */
    Child run(Call call) throws Refused, InterruptedException;

    /**
     * Undoes the child run a step's execution started, for the parent's rollback of that step: the child gets a
     * {@link RunEvent.RollbackRequested}, and runs the rollbacks of its succeeded steps, latest first, in its own run.
     * Follows it until it stops, as {@link #run} does; a child already undone is not undone twice.
     *
     * @param call the call of the step's execution that started the child ({@code stepKey} is that execution's)
     */
    default Child rollBack(Call call, String reason) throws Refused, InterruptedException {
        throw new Refused("this opsbook command cannot roll back a child run; use opsbook run (with its store) or serve");
    }

    /** The key of the execution that undoes the child of {@code owner}, an execution of runbook step {@code stepId}. */
    static String undoKey(String stepId, String owner) {
        return stepId + "/for-" + owner;
    }

    /**
     * The execution whose child the execution {@code key} of runbook step {@code stepId} undoes ({@link #undoKey}), or
     * empty when it is no undo: a normal execution, an item, or the step run as another step's handler.
     */
    static java.util.Optional<String> undone(String key, String stepId) {
        String prefix = stepId + "/for-";
        if (!key.startsWith(prefix)) {
            return java.util.Optional.empty();
        }
        String owner = key.substring(prefix.length());
        boolean own = owner.equals(stepId) || ForEachItems.parse(owner).filter(item -> item.stepId().equals(stepId)).isPresent();
        return own ? java.util.Optional.of(owner) : java.util.Optional.empty();
    }

    /** A host that runs no child runs (a dry run, a check). */
    ChildRuns NONE = call -> {
        throw new Refused("this opsbook command cannot run a child run; use opsbook run (with its store) or serve");
    };

    /**
     * Child runs by a host made later than the step kinds that use it (the host runs children with those step kinds):
     * every call goes to {@code host}'s answer at the time of the call. //why: one place forwards every method, so none
     * falls back to a default that refuses (a lambda would forward {@link #run} only).
     */
    static ChildRuns deferred(java.util.function.Supplier<? extends ChildRuns> host) {
        return new ChildRuns() {
            @Override
            public Child run(Call call) throws Refused, InterruptedException {
                return host.get().run(call);
            }

            @Override
            public Child rollBack(Call call, String reason) throws Refused, InterruptedException {
                return host.get().rollBack(call, reason);
            }
        };
    }

    /** The child run id of a parent's step execution: the parent's id, a dot, the key made fit for a file name. */
    static String childRunId(String parentRunId, String stepKey) {
        return parentRunId + "." + stepKey.replaceAll("[^A-Za-z0-9_-]", "-");
    }

    /** The parent run and step key a child run's {@code startedBy} names, or null when it is no child. */
    static String[] parentOf(String startedBy) {
        if (startedBy == null || !startedBy.startsWith(STARTED_BY)) {
            return null;
        }
        String rest = startedBy.substring(STARTED_BY.length());
        int slash = rest.indexOf('/');
        return slash < 0 ? null : new String[] {rest.substring(0, slash), rest.substring(slash + 1)};
    }
}
