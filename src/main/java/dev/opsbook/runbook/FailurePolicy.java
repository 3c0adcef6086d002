package dev.opsbook.runbook;

/** What a step's failure does to its run: the {@code on-failure} attribute. */
public sealed interface FailurePolicy {

    /** The run fails and the rollbacks of completed steps run. The default. */
    record Abort() implements FailurePolicy {
        @Override
        public String toString() {
            return "abort";
        }
    }

    /** The failure is recorded and the run goes on as if the step had succeeded. */
    record Continue() implements FailurePolicy {
        @Override
        public String toString() {
            return "continue";
        }
    }

    /** The named step runs as the failure handler, then the run fails as with {@link Abort}. */
    record Handler(String stepId) implements FailurePolicy {
        @Override
        public String toString() {
            return stepId;
        }
    }

    FailurePolicy ABORT = new Abort();
    FailurePolicy CONTINUE = new Continue();

    static FailurePolicy parse(String value) {
        return switch (value) {
            case "abort" -> ABORT;
            case "continue" -> CONTINUE;
            default -> new Handler(value);
        };
    }
}
