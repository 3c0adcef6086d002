package dev.opsbook.web;

import dev.opsbook.record.ComparedSteps;
import dev.opsbook.record.RunComparison;
import dev.opsbook.record.RunComparisonText;
import dev.opsbook.runbook.Durations;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A {@link RunComparison} as the values the comparison page's template reads (plain maps and strings, escaped by Qute). */
final class ComparisonView {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

    private ComparisonView() {
    }

    static Map<String, Object> of(RunComparison c) {
        Map<String, Object> data = new HashMap<>();
        RunComparison.Side a = c.a();
        RunComparison.Side b = c.b();
        data.put("a", side(a));
        data.put("b", side(b));
        data.put("sameRunbook", c.sameRunbook());
        List<Map<String, Object>> summary = new ArrayList<>();
        summary.add(row("Status", a.status(), b.status(), !a.status().equals(b.status()), ""));
        if (!a.message().isEmpty() || !b.message().isEmpty()) {
            summary.add(row("Message", a.message(), b.message(), !a.message().equals(b.message()), ""));
        }
        summary.add(row("Started", TIME.format(a.startedAt()), TIME.format(b.startedAt()), false, ""));
        summary.add(row("Started by", a.startedBy(), b.startedBy(), !a.startedBy().equals(b.startedBy()), ""));
        summary.add(row("Trigger", a.trigger(), b.trigger(), !a.trigger().equals(b.trigger()), ""));
        if (!a.event().isEmpty() || !b.event().isEmpty()) {
            summary.add(row("Event", dash(a.event()), dash(b.event()), !a.event().equals(b.event()), ""));
        }
        summary.add(row("Took", took(a.duration()), took(b.duration()), false, RunComparisonText.delta(c.durationDelta())));
        summary.add(row("Runbook version", hash(a.contentHash()), hash(b.contentHash()), c.runbookText().changed(),
                c.runbookText().changed() ? "changed" : ""));
        data.put("summary", summary);
        data.put("parameters", c.parameters().stream().map(p -> row(p.name(), p.a().orElse("(none)"), p.b().orElse("(none)"),
                p.change() != RunComparison.Change.SAME, p.change() == RunComparison.Change.SAME ? "" : p.change().label())).toList());
        data.put("steps", c.steps().stream().map(ComparisonView::step).toList());
        data.put("changedSteps", c.changedSteps());
        data.put("peopleA", acts(c.peopleA()));
        data.put("peopleB", acts(c.peopleB()));
        data.put("textChanged", c.runbookText().changed());
        data.put("textMissing", c.runbookText().missing().orElse(""));
        data.put("diff", c.runbookText().unified().stream().map(line -> Map.of("text", line, "kind", kind(line))).toList());
        return data;
    }

    private static Map<String, Object> side(RunComparison.Side s) {
        return Map.of("id", s.runId(), "runbookId", s.runbookId(), "title", s.title(), "status", s.status(),
                "started", TIME.format(s.startedAt()));
    }

    private static Map<String, Object> row(String name, String a, String b, boolean changed, String note) {
        return Map.of("name", name, "a", a, "b", b, "changed", changed, "note", note);
    }

    private static Map<String, Object> step(ComparedSteps.Row s) {
        Map<String, Object> row = new HashMap<>();
        row.put("key", s.key());
        row.put("role", s.role().equals("normal") ? "" : s.role());
        row.put("changed", s.changed());
        row.put("a", cell(s.a()));
        row.put("b", cell(s.b()));
        row.put("delta", RunComparisonText.delta(s.delta()));
        return row;
    }

    private static Map<String, Object> cell(ComparedSteps.Cell cell) {
        List<String> details = new ArrayList<>();
        if (!cell.items().isEmpty()) {
            details.add(cell.items());
        }
        if (!cell.message().isEmpty() && !cell.message().equals(cell.items())) {
            details.add(cell.message());
        }
        if (!cell.answer().isEmpty()) {
            details.add(cell.answer());
        }
        if (!cell.outputs().isEmpty()) {
            details.add("outputs: " + cell.outputs());
        }
        if (cell.attempts() > 1) {
            details.add(cell.attempts() + " attempts");
        }
        String status = cell.status();
        return Map.of("status", status, "badge", status.split(",")[0].replace(' ', '-'), "took", cell.duration().map(Durations::format).orElse(""),
                "details", details);
    }

    private static List<Map<String, Object>> acts(List<RunComparison.Act> acts) {
        return acts.stream().map(act -> Map.<String, Object>of("at", TIME.format(act.at()), "who", act.who(), "what", act.what(),
                "step", act.step(), "comment", act.comment())).toList();
    }

    private static String kind(String line) {
        if (line.startsWith("+++") || line.startsWith("---")) {
            return "file";
        }
        return line.startsWith("@@") ? "hunk" : line.startsWith("+") ? "add" : line.startsWith("-") ? "del" : "same";
    }

    private static String took(Optional<Duration> duration) {
        return duration.map(Durations::format).orElse("still going");
    }

    private static String hash(String hash) {
        return hash.length() > 12 ? hash.substring(0, 12) : hash;
    }

    private static String dash(String text) {
        return text.isEmpty() ? "-" : text;
    }
}
