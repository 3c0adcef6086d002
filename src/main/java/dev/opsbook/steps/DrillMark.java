package dev.opsbook.steps;

import dev.opsbook.engine.StepCall;

/**
 * What a notification says in a drill: its subject starts with {@code [DRILL]} and its message names the game day, so
 * whoever is paged during a game day knows at once that nothing is really broken.
 */
public final class DrillMark {

    public static final String PREFIX = "[DRILL] ";

    private DrillMark() {
    }

    /** The game day the call's run is a drill of, or null for a real run (the run context's {@code run.drill}). */
    public static String gameDay(StepCall call) {
        String drill = call.context() == null ? null : call.context().path("run").path("drill").textValue();
        return drill == null || drill.isBlank() ? null : drill;
    }

    public static String subject(StepCall call, String subject) {
        return gameDay(call) == null || subject.startsWith(PREFIX) ? subject : PREFIX + subject;
    }

    public static String message(StepCall call, String message) {
        String gameDay = gameDay(call);
        return gameDay == null ? message : PREFIX + "(game day " + gameDay + ", run " + call.runId() + "): " + message;
    }
}
