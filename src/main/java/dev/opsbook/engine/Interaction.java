package dev.opsbook.engine;

import dev.opsbook.runbook.Approvers;
import java.time.Instant;

/**
 * The person at the run, for manual steps and approvals: a terminal prompt, "--yes", or nobody.
 * Implementations must be safe to call from several steps at once (parallel branches).
 */
public interface Interaction {

    /** What a person is asked for. */
    enum Ask {
        /** To confirm a task done (a manual step). */
        TASK,
        /** To allow or refuse what follows (an approval). */
        APPROVAL
    }

    /**
     * @param kind what the person is asked for
     * @param approvers who may approve it, so a person is told before they answer
     */
    record Prompt(String runId, String stepId, Ask kind, String text, Approvers approvers) {
        public Prompt(String runId, String stepId, Ask kind, String text) {
            this(runId, stepId, kind, text, Approvers.ANYONE);
        }
    }

    /** A person's answer. {@code confirmed} false means rejected (approve) or not done (manual). */
    record Answer(boolean confirmed, String by, String comment, Instant at, String how) {
    }

    /** Nobody could answer; the run stops in the waiting state with this explanation. */
    final class Unavailable extends Exception {
        public Unavailable(String reason) {
            super(reason);
        }
    }

    Answer ask(Prompt prompt) throws Unavailable, InterruptedException;

    /** Nobody is there: every manual step and approval leaves the run waiting. */
    Interaction NOBODY = prompt -> {
        throw new Unavailable("no terminal to ask at; run it again from a terminal, or with --yes to confirm every manual step and approval");
    };
}
