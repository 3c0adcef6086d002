package dev.opsbook.gameday;

import dev.opsbook.engine.RunEvent;
import dev.opsbook.engine.RunState;
import dev.opsbook.engine.RunStatus;
import dev.opsbook.runbook.Durations;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Judges a game day's expectations from its drills' histories: pure, so {@code gameday start}, the report and the page say
 * the same. An expectation is pending while it can still be met, and missed once it cannot (its time passed, or the drills
 * ended otherwise), or when the game day is over (the scenario's timeout).
 */
public final class Expectations {

    public enum Verdict {
        MET, MISSED, PENDING;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        public String symbol() {
            return switch (this) {
                case MET -> "✅";
                case MISSED -> "❌";
                case PENDING -> "⏳";
            };
        }
    }

    /** One expectation, as the scenario says it, and how it went. */
    public record Judged(String expectation, Verdict verdict, String detail) {
    }

    /** A drill of the game day: its runbook and its history (oldest event first). */
    public record Drill(String runId, String runbookId, List<RunEvent> history) {

        RunState state() {
            return RunState.fold(history);
        }
    }

    private Expectations() {
    }

    /**
     * @param injectedAt when the game day injected its events
     * @param now the time to judge at
     * @param over the game day is over: what is pending now is missed
     */
    public static List<Judged> judge(Scenario.Expect expect, Instant injectedAt, List<Drill> drills, Instant now, boolean over) {
        List<Judged> judged = new ArrayList<>();
        for (String runbook : expect.runbooksStarted()) {
            Optional<Drill> run = drills.stream().filter(d -> d.runbookId().equals(runbook)).findFirst();
            judged.add(run.isPresent()
                    ? new Judged("runbook-started: " + runbook, Verdict.MET, "run " + run.get().runId() + " started "
                            + after(injectedAt, run.get().history().get(0).at()))
                    : new Judged("runbook-started: " + runbook, over ? Verdict.MISSED : Verdict.PENDING,
                            drills.isEmpty() ? "no runbook started" : "runbooks started: "
                                    + String.join(", ", drills.stream().map(Drill::runbookId).distinct().toList())));
        }
        expect.firstStepWithin().ifPresent(limit -> judged.add(within("first-step-within: " + Durations.written(limit), limit,
                first(drills, RunEvent.StepStarted.class), "first step started", "no step started", injectedAt, now, over)));
        expect.decisionWithin().ifPresent(limit -> judged.add(within("decision-within: " + Durations.written(limit), limit,
                first(drills, RunEvent.StepAnswered.class), "a person decided", "nobody decided", injectedAt, now, over || allEnded(drills))));
        expect.status().ifPresent(status -> judged.add(status(status, drills, over)));
        return judged;
    }

    /** Whether nothing is pending any more. */
    public static boolean settled(List<Judged> judged) {
        return judged.stream().noneMatch(j -> j.verdict() == Verdict.PENDING);
    }

    private static Judged within(String expectation, Duration limit, Optional<RunEvent> first, String happened, String none,
                                 Instant injectedAt, Instant now, boolean over) {
        if (first.isPresent()) {
            Duration took = Duration.between(injectedAt, first.get().at());
            String detail = happened + " " + after(injectedAt, first.get().at());
            if (first.get() instanceof RunEvent.StepAnswered answered && answered.answer() != null) {
                detail += " (" + answered.answer().by() + ", " + (answered.answer().confirmed() ? "yes" : "no") + ")";
            }
            return new Judged(expectation, took.compareTo(limit) <= 0 ? Verdict.MET : Verdict.MISSED, detail);
        }
        boolean late = Duration.between(injectedAt, now).compareTo(limit) > 0;
        return new Judged(expectation, late || over ? Verdict.MISSED : Verdict.PENDING,
                none + (late ? " within " + Durations.written(limit) : " yet"));
    }

    private static Judged status(String status, List<Drill> drills, boolean over) {
        String expectation = "status: " + status;
        if (drills.isEmpty()) {
            return new Judged(expectation, over ? Verdict.MISSED : Verdict.PENDING, "no runbook started");
        }
        List<String> seen = new ArrayList<>();
        boolean going = false;
        boolean allAsExpected = true;
        for (Drill drill : drills) {
            RunStatus actual = drill.state().status();
            seen.add(drill.runId() + " " + actual.label());
            boolean stillGoing = actual == RunStatus.RUNNING || actual == RunStatus.WAITING && !status.equals("waiting");
            going |= stillGoing;
            allAsExpected &= actual.label().equals(status);
        }
        String detail = String.join(", ", seen);
        if (allAsExpected) {
            return new Judged(expectation, Verdict.MET, detail);
        }
        return new Judged(expectation, going && !over ? Verdict.PENDING : Verdict.MISSED, detail);
    }

    private static boolean allEnded(List<Drill> drills) {
        return !drills.isEmpty() && drills.stream().map(d -> d.state().status())
                .allMatch(s -> s != RunStatus.RUNNING && s != RunStatus.WAITING);
    }

    private static Optional<RunEvent> first(List<Drill> drills, Class<? extends RunEvent> type) {
        return drills.stream().flatMap(d -> d.history().stream()).filter(type::isInstance).min(Comparator.comparing(RunEvent::at));
    }

    static String after(Instant from, Instant at) {
        Duration took = Duration.between(from, at);
        return (took.isNegative() ? "0 ms" : Durations.format(took)) + " after injection";
    }
}
