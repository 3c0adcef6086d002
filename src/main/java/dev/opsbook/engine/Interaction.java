package dev.opsbook.engine;

import dev.opsbook.runbook.Approvers;
import java.time.Instant;

/**
 * The person at the run, for manual steps and approvals: a terminal prompt, "--yes", or nobody.
 * Implementations must be safe to call from several steps at once (parallel branches).
 */
public interface Interaction {

    /**
     * @param kind "manual" (a task to confirm done) or "approve" (a gate to allow or refuse)
     * @param approvers who may approve it, so a person is told before they answer
     */
    record Prompt(String runId, String stepId, String kind, String text, Approvers approvers) {
        public Prompt(String runId, String stepId, String kind, String text) {
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
