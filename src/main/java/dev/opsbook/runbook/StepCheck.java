package dev.opsbook.runbook;

import java.util.List;

/**
 * A step kind's own checks of a step's body, run by validation (an {@code aws} step checks its
 * service, operation and input members against the SDK's model). Pure: no I/O.
 */
@FunctionalInterface
public interface StepCheck {

    /** @param pointer JSON pointer into the step's body, e.g. "/input/InstanceIds", "" for the step */
    record Problem(String pointer, String message, boolean warning) {
        public static Problem error(String pointer, String message) {
            return new Problem(pointer, message, false);
        }
    }

    List<Problem> check(Step step, RunbookKind runbookKind);

    StepCheck NONE = (step, kind) -> List.of();
}
