package dev.opsbook.record;

import com.fasterxml.jackson.databind.JsonNode;
import dev.opsbook.engine.Redactor;
import dev.opsbook.engine.RunEvent;
import dev.opsbook.engine.RunResult;
import dev.opsbook.engine.RunState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Two stored runs side by side, normally of one runbook: what each was started with, which steps ran, were skipped,
 * failed, rolled back or were not reached, their outputs and durations, who answered and resolved, and the runbook's
 * own text diff when the runbook changed between them. Pure: made from the two runs' histories (their
 * {@link RunResult}s, each shown through its own run's redactor); what {@code opsbook diff}, the API and the
 * comparison page all show.
 *
 * @param a the earlier run as given (the left side)
 * @param b the other run (the right side)
 * @param sameRunbook whether both runs ran the same runbook id (if not, what is comparable is still compared)
 * @param runbookText the runbook's text diff, A to B
 */
public record RunComparison(Side a, Side b, boolean sameRunbook, List<ParameterRow> parameters, List<ComparedSteps.Row> steps,
                            List<Act> peopleA, List<Act> peopleB, RunbookTextDiff runbookText) {

    /** How one thing compares between the two runs. */
    public enum Change {
        SAME, CHANGED, ONLY_A, ONLY_B;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }
    }

    /** One run: how it was started and how it ended. {@code event} is a one-line summary of the triggering event, empty without one. */
    public record Side(String runId, String runbookId, String title, String contentHash, String status, String message,
                       String trigger, String startedBy, String event, Instant startedAt, Optional<Instant> endedAt,
                       Optional<String> drill) {

        /** From start to end; empty while the run goes on. */
        public Optional<Duration> duration() {
            return endedAt.map(end -> Duration.between(startedAt, end));
        }
    }

    /** A parameter's value in each run (empty where the run has no such parameter), secrets masked. */
    public record ParameterRow(String name, Optional<String> a, Optional<String> b, Change change) {
    }

    /** What a person did in a run: answered, resolved, restarted it. */
    public record Act(Instant at, String who, String what, String step, String comment) {
    }

    public RunComparison {
        parameters = List.copyOf(parameters);
        steps = List.copyOf(steps);
        peopleA = List.copyOf(peopleA);
        peopleB = List.copyOf(peopleB);
    }

    public static RunComparison of(RunResult a, RunResult b) {
        return new RunComparison(side(a), side(b), a.state().runbookId().equals(b.state().runbookId()), parameters(a, b),
                ComparedSteps.of(a, b), people(a), people(b), RunbookTextDiff.of(a, b));
    }

    /** The difference in total duration, B minus A; empty while either run goes on. */
    public Optional<Duration> durationDelta() {
        return a.duration().flatMap(da -> b.duration().map(db -> db.minus(da)));
    }

    /** Whether the runs ended differently: status or message. */
    public boolean outcomeChanged() {
        return !a.status().equals(b.status()) || !a.message().equals(b.message());
    }

    /** The steps whose status, outputs, message or answer differ. */
    public long changedSteps() {
        return steps.stream().filter(ComparedSteps.Row::changed).count();
    }

    private static Side side(RunResult result) {
        RunState state = result.state();
        Redactor redactor = result.redactor();
        return new Side(state.runId(), state.runbookId(), state.title(), state.contentHash(), state.status().label(),
                redactor.text(state.message()), state.trigger(), state.startedBy(), event(state.event(), redactor),
                state.startedAt(), state.endedAt(), state.drill());
    }

    /** {@code DETAIL-TYPE from SOURCE (id ID)} for an EventBridge event, else the event's JSON, shortened. */
    static String event(JsonNode event, Redactor redactor) {
        if (event == null || event.isNull() || event.isMissingNode()) {
            return "";
        }
        JsonNode shown = redactor.json(event);
        if (shown.hasNonNull("detail-type")) {
            return shown.path("detail-type").asText() + (shown.hasNonNull("source") ? " from " + shown.path("source").asText() : "")
                    + (shown.hasNonNull("id") ? " (id " + shown.path("id").asText() + ")" : "");
        }
        return ComparedSteps.shortened(shown.toString());
    }

    private static List<ParameterRow> parameters(RunResult a, RunResult b) {
        Set<String> names = new LinkedHashSet<>();
        a.state().params().fieldNames().forEachRemaining(names::add);
        b.state().params().fieldNames().forEachRemaining(names::add);
        List<ParameterRow> rows = new ArrayList<>();
        for (String name : names) {
            Optional<String> va = value(a, name);
            Optional<String> vb = value(b, name);
            Change change = va.isEmpty() ? Change.ONLY_B : vb.isEmpty() ? Change.ONLY_A
                    : Objects.equals(va, vb) ? Change.SAME : Change.CHANGED;
            rows.add(new ParameterRow(name, va, vb, change));
        }
        return rows;
    }

    private static Optional<String> value(RunResult run, String name) {
        JsonNode value = run.state().params().get(name);
        if (value == null) {
            return Optional.empty();
        }
        boolean secret = run.runbook().parameter(name).map(p -> p.isSecret()).orElse(false);
        if (secret && !value.isNull()) {
            return Optional.of(Redactor.MASK);
        }
        JsonNode shown = run.redactor().json(value);
        return Optional.of(shown.isTextual() ? shown.textValue() : shown.toString());
    }

    private static List<Act> people(RunResult run) {
        Redactor redactor = run.redactor();
        List<Act> acts = new ArrayList<>();
        for (RunEvent event : run.events()) {
            if (event instanceof RunEvent.StepAnswered e) {
                String stepId = run.state().execution(e.key()).map(x -> x.stepId()).orElse(e.key());
                acts.add(new Act(e.answer().at(), e.answer().by(), ComparedSteps.answerVerb(run, stepId, e.answer().confirmed()),
                        e.key(), redactor.text(nullToEmpty(e.answer().comment()))));
            } else if (event instanceof RunEvent.StepResolved e) {
                acts.add(new Act(e.at(), e.by(), "resolved: " + e.resolution().name().toLowerCase(java.util.Locale.ROOT), e.key(),
                        redactor.text(nullToEmpty(e.comment()))));
            } else if (event instanceof RunEvent.RunRestarted e) {
                acts.add(new Act(e.at(), e.by(), "restarted from", e.fromStep(), ""));
            }
        }
        return acts;
    }

    static String nullToEmpty(String text) {
        return text == null ? "" : text;
    }
}
