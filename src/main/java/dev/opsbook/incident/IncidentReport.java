package dev.opsbook.incident;

import dev.opsbook.runbook.Durations;
import dev.opsbook.store.StoredRun;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * The Markdown post-incident draft: summary, what fired, what ran, who was told and who acted when, what failed, what was
 * rolled back, timings, open questions and the whole timeline, ready to paste into a postmortem. Built from stored events,
 * which were masked before they were stored, so it holds no secret the runs did not already show. Pure.
 */
public final class IncidentReport {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

    private IncidentReport() {
    }

    /** @param link a run's page (a full URL with {@code opsbook.public-url}, else a path) */
    public static String markdown(IncidentGrouping.Group incident, List<RunTrail> trails, Function<String, String> link) {
        List<Timeline.Entry> timeline = Timeline.of(trails);
        IncidentFacts facts = IncidentFacts.of(trails);
        StringBuilder out = new StringBuilder();
        out.append("# Incident ").append(incident.id()).append(incident.kind() == IncidentGrouping.Kind.TAGGED ? "" : " (" + incident.label() + ")")
                .append("\n\n_Draft written by opsbook from the runs' stored events; edit it into the postmortem._\n\n");
        summary(out, incident, trails, facts);
        section(out, "What fired", timeline.stream().filter(e -> e.kind() == Timeline.Kind.FIRED)
                .map(e -> TIME.format(e.at()) + " UTC: " + e.what()).toList(), "No event: the runs were started by people.");
        whatRan(out, trails, link);
        people(out, timeline);
        section(out, "What failed", timeline.stream().filter(e -> e.kind() == Timeline.Kind.STEP_FAILED
                        || e.kind() == Timeline.Kind.RUN_ENDED && (e.what().startsWith("run failed") || e.what().startsWith("run needs-attention")))
                .map(e -> TIME.format(e.at()) + " UTC, `" + e.runId() + "`: " + e.what()).toList(), "Nothing failed.");
        section(out, "What was rolled back", timeline.stream().filter(e -> e.kind() == Timeline.Kind.ROLLBACK
                        || e.kind() == Timeline.Kind.STEP_FAILED && e.what().startsWith("rollback "))
                .map(e -> TIME.format(e.at()) + " UTC, `" + e.runId() + "`: " + e.what()).toList(), "Nothing was rolled back.");
        section(out, "Open questions", facts.questions(), "opsbook found none; add what the people who were there saw.");
        out.append("## Timeline\n\n| time (UTC) | since start | run | who | what |\n| --- | --- | --- | --- | --- |\n");
        for (Timeline.Entry e : timeline) {
            Duration since = Duration.between(facts.began(), e.at());
            out.append("| ").append(TIME.format(e.at())).append(" | +").append(Durations.format(since.isNegative() ? Duration.ZERO : since))
                    .append(" | ").append(e.runId().isEmpty() ? "" : "`" + e.runId() + "`").append(" | ").append(cell(e.who()))
                    .append(" | ").append(cell(e.what())).append(" |\n");
        }
        return out.toString();
    }

    private static void summary(StringBuilder out, IncidentGrouping.Group incident, List<RunTrail> trails, IncidentFacts facts) {
        Set<String> runbooks = new LinkedHashSet<>(trails.stream().map(t -> t.run().runbookId()).toList());
        out.append("## Summary\n\n");
        out.append("- Incident: ").append(incident.id()).append(incident.kind() == IncidentGrouping.Kind.TAGGED ? " (the id given at launch)"
                : " (the runs " + incident.label() + " started)").append('\n');
        out.append("- Began: ").append(TIME.format(facts.began())).append(" UTC\n");
        out.append("- Runs: ").append(trails.size()).append(" of ").append(String.join(", ", runbooks)).append('\n');
        out.append("- Time to first step: ").append(facts.toFirstStep().map(Durations::format).orElse("no step started")).append('\n');
        out.append("- Time to resolution: ").append(facts.toResolution().map(Durations::format)
                .orElse("not resolved: " + facts.open().size() + " run(s) have not ended")).append('\n');
        out.append('\n');
    }

    private static void whatRan(StringBuilder out, List<RunTrail> trails, Function<String, String> link) {
        out.append("## What ran\n\n| run | runbook | started (UTC) | by | status | ended (UTC) |\n| --- | --- | --- | --- | --- | --- |\n");
        for (RunTrail t : trails) {
            StoredRun run = t.run();
            out.append("| [").append(run.id()).append("](").append(link.apply(run.id())).append(") | ").append(cell(run.runbookId()))
                    .append(" | ").append(TIME.format(run.startedAt())).append(" | ").append(cell(run.trigger() + ", " + run.startedBy()))
                    .append(" | ").append(run.status().label()).append(run.message().isBlank() ? "" : ": " + cell(run.message()))
                    .append(" | ").append(run.endedAt().map(TIME::format).orElse("")).append(" |\n");
        }
        out.append('\n');
    }

    private static void people(StringBuilder out, List<Timeline.Entry> timeline) {
        Set<Timeline.Kind> kinds = Set.of(Timeline.Kind.TOLD, Timeline.Kind.ACKNOWLEDGED, Timeline.Kind.ASKED, Timeline.Kind.ANSWERED,
                Timeline.Kind.RESOLVED, Timeline.Kind.COMMENT);
        List<Timeline.Entry> rows = timeline.stream().filter(e -> kinds.contains(e.kind())
                || e.kind() == Timeline.Kind.RUN_STARTED && !e.who().startsWith("event ") && !e.who().startsWith("opsbook")
                || e.kind() == Timeline.Kind.ROLLBACK && !e.who().isBlank()).toList();
        out.append("## Who was told and who acted\n\n");
        if (rows.isEmpty()) {
            out.append("Nobody was told or asked; opsbook acted alone.\n\n");
            return;
        }
        out.append("| time (UTC) | run | who | what |\n| --- | --- | --- | --- |\n");
        rows.forEach(e -> out.append("| ").append(TIME.format(e.at())).append(" | `").append(e.runId()).append("` | ")
                .append(cell(e.who())).append(" | ").append(cell(e.what())).append(" |\n"));
        out.append('\n');
    }

    private static void section(StringBuilder out, String title, List<String> lines, String none) {
        out.append("## ").append(title).append("\n\n");
        if (lines.isEmpty()) {
            out.append(none).append("\n\n");
            return;
        }
        lines.forEach(l -> out.append("- ").append(l).append('\n'));
        out.append('\n');
    }

    private static String cell(String text) {
        return text == null ? "" : text.replace("|", "\\|").replace("\n", " ");
    }

    /** A short time for pages and lists. */
    public static String when(Instant at) {
        return TIME.format(at) + " UTC";
    }
}
