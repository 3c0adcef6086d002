package dev.opsbook.gameday;

import com.fasterxml.jackson.databind.JsonNode;
import dev.opsbook.engine.RunEvent;
import dev.opsbook.engine.RunState;
import dev.opsbook.engine.RunStatus;
import dev.opsbook.engine.StepExecution;
import dev.opsbook.engine.StepStatus;
import dev.opsbook.runbook.Durations;
import dev.opsbook.runbook.Runbook;
import dev.opsbook.runbook.Step;
import dev.opsbook.runbook.StepKindSpec;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A game day's report in Markdown, the review's starting point: the timeline from injection to resolution, who was
 * notified and who answered when, which expectations were met, and the gaps to discuss. Drawn from the drills' stored
 * histories (secrets already masked there), so every instance writes the same report.
 */
public final class Report {

    /** What the report says about the game day itself. */
    public record GameDay(String id, String name, String startedBy, Instant startedAt, boolean live, int simulatedCalls,
                          List<String> eventIds) {
    }

    /**
     * A drill with the runbook it ran (as it was run), to tell notifications and people's steps apart, and the tiers of its
     * escalation that were told and who acknowledged it: a drill escalates like any run, so those people were rehearsed too.
     */
    public record Drill(Expectations.Drill drill, Runbook runbook, List<Told> told, List<Acknowledged> acknowledged) {
        public Drill {
            told = List.copyOf(told);
            acknowledged = List.copyOf(acknowledged);
        }
    }

    /** A tier of a drill's escalation told at {@code at}, through the channels that took it (never their addresses). */
    public record Told(Instant at, int tier, List<String> channels, String failure) {
        public Told {
            channels = List.copyOf(channels);
        }
    }

    /** A person who acknowledged a drill's escalation. */
    public record Acknowledged(Instant at, String by) {
    }

    private record Line(Instant at, String run, String what) {
    }

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

    private Report() {
    }

    public static String markdown(GameDay gameDay, List<Drill> drills, List<Expectations.Judged> judged) {
        StringBuilder out = new StringBuilder();
        out.append("# Game day report: ").append(inline(gameDay.name())).append("\n\n");
        out.append("- Game day: `").append(gameDay.id()).append("`, started by ").append(inline(gameDay.startedBy())).append(" at ")
                .append(TIME.format(gameDay.startedAt())).append(" UTC\n");
        List<String> real = realCalls(drills);
        out.append("- AWS: ").append(gameDay.live() ? "**live** (the drills called AWS for real)"
                : "simulated (" + gameDay.simulatedCalls() + " answer(s) from the scenario" + (real.isEmpty() ? "; nothing acted on AWS)"
                : "), but the drills also called AWS for real, as a drill does for secret references and SNS notifications: "
                + String.join(", ", real))).append("\n");
        out.append("- Events injected: ").append(gameDay.eventIds().size()).append(" (")
                .append(String.join(", ", gameDay.eventIds().stream().map(id -> "`" + id + "`").toList())).append(")\n");
        out.append("- Drills: ").append(drills.isEmpty() ? "none started" : String.join(", ", drills.stream()
                .map(d -> "`" + d.drill().runId() + "` (" + d.drill().runbookId() + ", " + d.drill().state().status().label() + ")")
                .toList())).append("\n\n");
        timeline(out, gameDay, drills);
        people(out, drills);
        out.append("## Expectations\n\n");
        if (judged.isEmpty()) {
            out.append("The scenario expects nothing.\n");
        }
        judged.forEach(j -> out.append("- ").append(j.verdict().symbol()).append(' ').append(j.verdict().label()).append(": `")
                .append(j.expectation()).append("`: ").append(inline(j.detail())).append('\n'));
        out.append("\n## Gaps to discuss\n\n");
        List<String> gaps = gaps(gameDay, drills, judged);
        if (gaps.isEmpty()) {
            out.append("opsbook found none; add what the people in the drill saw.\n");
        }
        gaps.forEach(g -> out.append("- ").append(g).append('\n'));
        return out.toString();
    }

    private static void timeline(StringBuilder out, GameDay gameDay, List<Drill> drills) {
        List<Line> lines = new ArrayList<>();
        lines.add(new Line(gameDay.startedAt(), "", "injected " + gameDay.eventIds().size() + " event(s) (by " + gameDay.startedBy() + ")"));
        for (Drill d : drills) {
            String run = d.drill().runId();
            for (RunEvent event : d.drill().history()) {
                describe(event, d).ifPresent(what -> lines.add(new Line(event.at(), run, what)));
            }
            d.told().forEach(t -> lines.add(new Line(t.at(), run, "escalation tier " + t.tier() + " told through "
                    + (t.channels().isEmpty() ? "no channel" : String.join(", ", t.channels()))
                    + (t.failure().isBlank() ? "" : "; delivery failed: " + t.failure()))));
            d.acknowledged().forEach(a -> lines.add(new Line(a.at(), run, a.by() + " acknowledged the escalation")));
        }
        lines.sort(Comparator.comparing(Line::at));
        out.append("## Timeline\n\n| time (UTC) | since injection | run | what |\n| --- | --- | --- | --- |\n");
        for (Line line : lines) {
            Duration since = Duration.between(gameDay.startedAt(), line.at());
            out.append("| ").append(TIME.format(line.at())).append(" | +").append(Durations.format(since.isNegative() ? Duration.ZERO : since))
                    .append(" | ").append(line.run().isEmpty() ? "" : "`" + line.run() + "`").append(" | ").append(cell(line.what())).append(" |\n");
        }
        out.append('\n');
    }

    private static Optional<String> describe(RunEvent event, Drill d) {
        if (event instanceof RunEvent.RunStarted e) {
            return Optional.of("run of " + e.runbookId() + " started (" + e.trigger() + ", " + e.startedBy() + ")");
        } else if (event instanceof RunEvent.StepStarted e) {
            Optional<Step> step = d.runbook().step(e.stepId());
            if (step.map(s -> s.has(StepKindSpec.Trait.NOTIFIES)).orElse(false)) {
                return Optional.of("notified " + targets(e.input()) + ": " + e.input().path("subject").asText(e.input().path("message").asText()));
            }
            return Optional.of("step " + e.key() + " started" + (step.map(s -> s.has(StepKindSpec.Trait.ASKS_A_PERSON)).orElse(false)
                    ? ", asking a person" : ""));
        } else if (event instanceof RunEvent.CallMade e) {
            return Optional.of("step " + e.key() + " called " + e.call().path("action").asText(e.call().path("service").asText()
                    + ":" + e.call().path("operation").asText()) + outcome(e.call()));
        } else if (event instanceof RunEvent.StepAnswered e && e.answer() != null) {
            return Optional.of(e.answer().by() + (e.answer().confirmed() ? " approved " : " refused ") + e.key()
                    + (e.answer().comment() == null || e.answer().comment().isBlank() ? "" : ": " + e.answer().comment()));
        } else if (event instanceof RunEvent.StepFinished e) {
            return Optional.of("step " + e.key() + " " + e.status().label() + (e.message() == null || e.message().isBlank() ? "" : ": " + e.message()));
        } else if (event instanceof RunEvent.RunFinished e) {
            return Optional.of("run " + e.status().label() + (e.message() == null || e.message().isBlank() ? "" : ": " + e.message()));
        } else if (event instanceof RunEvent.RunResumed e) {
            return Optional.of("run resumed (" + e.by() + ")");
        } else if (event instanceof RunEvent.CancelRequested) {
            return Optional.of("cancel requested");
        }
        return Optional.empty();
    }

    private static void people(StringBuilder out, List<Drill> drills) {
        out.append("## People\n\n| run | step | notified / asked | answered | by | after |\n| --- | --- | --- | --- | --- | --- |\n");
        int rows = 0;
        for (Drill d : drills) {
            Map<String, RunEvent.StepStarted> asked = new LinkedHashMap<>();
            for (RunEvent event : d.drill().history()) {
                if (event instanceof RunEvent.StepStarted e && d.runbook().step(e.stepId())
                        .map(s -> s.has(StepKindSpec.Trait.NOTIFIES) || s.has(StepKindSpec.Trait.ASKS_A_PERSON)).orElse(false)) {
                    asked.putIfAbsent(e.key(), e);
                }
            }
            for (RunEvent.StepStarted started : asked.values()) {
                boolean notifies = d.runbook().step(started.stepId()).map(s -> s.has(StepKindSpec.Trait.NOTIFIES)).orElse(false);
                Optional<RunEvent.StepAnswered> answer = d.drill().history().stream().filter(RunEvent.StepAnswered.class::isInstance)
                        .map(RunEvent.StepAnswered.class::cast).filter(a -> a.key().equals(started.key()) && a.answer() != null).findFirst();
                out.append("| `").append(d.drill().runId()).append("` | ").append(cell(started.key())).append(" | ")
                        .append(TIME.format(started.at())).append(notifies ? " → " + cell(targets(started.input())) : " (asked)").append(" | ")
                        .append(answer.map(a -> TIME.format(a.at()) + (a.answer().confirmed() ? " yes" : " no")).orElse(notifies ? "(a notification)" : "**no answer**"))
                        .append(" | ").append(answer.map(a -> cell(a.answer().by())).orElse("")).append(" | ")
                        .append(answer.map(a -> Durations.format(Duration.between(started.at(), a.at()))).orElse("")).append(" |\n");
                rows++;
            }
            for (Told told : d.told()) {
                Optional<Acknowledged> ack = d.acknowledged().stream().filter(a -> !a.at().isBefore(told.at())).findFirst();
                out.append("| `").append(d.drill().runId()).append("` | escalation tier ").append(told.tier()).append(" | ")
                        .append(TIME.format(told.at())).append(" → ").append(cell(told.channels().isEmpty() ? "no channel took it"
                                : String.join(", ", told.channels()))).append(" | ")
                        .append(ack.map(a -> TIME.format(a.at()) + " acknowledged").orElse("(a notification)")).append(" | ")
                        .append(ack.map(a -> cell(a.by())).orElse("")).append(" | ")
                        .append(ack.map(a -> Durations.format(Duration.between(told.at(), a.at()))).orElse("")).append(" |\n");
                rows++;
            }
        }
        if (rows == 0) {
            out.append("| | | nobody was notified or asked | | | |\n");
        }
        out.append('\n');
    }

    private static List<String> gaps(GameDay gameDay, List<Drill> drills, List<Expectations.Judged> judged) {
        List<String> gaps = new ArrayList<>();
        judged.stream().filter(j -> j.verdict() != Expectations.Verdict.MET).forEach(j -> gaps.add("Expectation `" + j.expectation()
                + "` was " + (j.verdict() == Expectations.Verdict.MISSED ? "missed" : "still pending at the end") + ": " + inline(j.detail()) + "."));
        if (drills.isEmpty()) {
            gaps.add("No runbook started for the injected event(s): is a trigger missing, or did a limit suppress the run?");
        }
        for (Drill d : drills) {
            RunState state = d.drill().state();
            String run = "`" + d.drill().runId() + "`";
            for (StepExecution execution : state.executions().values()) {
                if (execution.status() == StepStatus.FAILED) {
                    gaps.add("Step `" + execution.key() + "` of " + run + " failed: " + inline(execution.message()) + ".");
                }
            }
            if (state.status() == RunStatus.WAITING) {
                gaps.add(run + " is still waiting for a person: who should have answered, and were they told?");
            } else if (state.status() == RunStatus.NEEDS_ATTENTION) {
                gaps.add(run + " needs attention: " + inline(state.message()) + ".");
            } else if (state.status() == RunStatus.RUNNING) {
                gaps.add(run + " had not ended when the report was written.");
            }
            d.told().stream().filter(t -> !t.failure().isBlank()).forEach(t -> gaps.add("Escalation tier " + t.tier() + " of " + run
                    + " was not delivered: " + inline(t.failure()) + "."));
            if (!d.runbook().steps().isEmpty() && d.told().isEmpty() && d.drill().history().stream().noneMatch(e -> e instanceof RunEvent.StepStarted s
                    && d.runbook().step(s.stepId()).map(st -> st.has(StepKindSpec.Trait.NOTIFIES)).orElse(false))) {
                gaps.add(run + " notified nobody: should a person have heard of this incident?");
            }
        }
        if (gameDay.live()) {
            gaps.add("The drills called AWS for real (live: true): check what they changed in the account.");
        }
        return gaps;
    }

    private static String targets(JsonNode input) {
        List<String> to = new ArrayList<>();
        if (input != null && input.hasNonNull("sns")) {
            to.add(input.get("sns").asText());
        }
        if (input != null && input.hasNonNull("webhook")) {
            // //why: the host only: a webhook's path is often its secret (Slack's are)
            String url = input.get("webhook").asText();
            int path = url.indexOf('/', url.indexOf("//") + 2);
            to.add("webhook " + (path > 0 ? url.substring(0, path) : url));
        }
        return to.isEmpty() ? "(no target)" : String.join(", ", to);
    }

    /** The distinct actions of the drills' calls that were not answered by the scenario, in the order first made. */
    private static List<String> realCalls(List<Drill> drills) {
        return drills.stream().flatMap(d -> d.drill().history().stream()).filter(RunEvent.CallMade.class::isInstance)
                .map(e -> ((RunEvent.CallMade) e).call()).filter(call -> !call.path("simulated").asBoolean(false))
                .map(call -> call.path("action").asText(call.path("service").asText() + ":" + call.path("operation").asText()))
                .distinct().toList();
    }

    private static String outcome(JsonNode call) {
        if (call.hasNonNull("error")) {
            return " (error: " + call.get("error").asText() + ")";
        }
        return call.path("simulated").asBoolean(false) ? " (simulated)" : "";
    }

    private static String inline(String text) {
        return text == null ? "" : text.replace("\r", "").replace("\n", " ").replaceAll("([\\\\`*_\\[\\]<>|])", "\\\\$1");
    }

    private static String cell(String text) {
        return text == null ? "" : text.replace("\r", "").replace("\n", " ").replace("|", "\\|");
    }
}
