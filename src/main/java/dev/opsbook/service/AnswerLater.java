package dev.opsbook.service;

import dev.opsbook.engine.Interaction;

/**
 * How a served run asks a person: nobody is at a terminal, so the step waits in the store until someone answers, and
 * the reason it waits (in the record, the trail, the run page and each escalation) says how to answer, not to run it
 * again from a terminal as {@link Interaction#NOBODY} would.
 */
final class AnswerLater {

    static final Interaction INTERACTION = prompt -> {
        throw new Interaction.Unavailable("waits for an answer: opsbook approve " + prompt.runId() + " " + prompt.stepId()
                + " [--reject], the run page, or POST /api/runs/" + prompt.runId() + "/steps/" + prompt.stepId() + "/approve (or /reject)");
    };

    private AnswerLater() {
    }
}
