package dev.opsbook.record;

import dev.opsbook.runbook.Durations;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;

/**
 * A {@link RunComparison} for a terminal ({@code opsbook diff}): two columns, A and B, a {@code *} at the start of
 * each line that differs, details of a changed step under it, the runbook's unified diff at the end.
 */
public final class RunComparisonText {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);
    private static final int COLUMN = 34;

    private RunComparisonText() {
    }

    public static String render(RunComparison c) {
        StringBuilder out = new StringBuilder();
        RunComparison.Side a = c.a();
        RunComparison.Side b = c.b();
        out.append("Run A ").append(a.runId()).append(" and run B ").append(b.runId());
        if (c.sameRunbook()) {
            out.append(" of ").append(a.runbookId()).append('\n');
        } else {
            out.append(": different runbooks, A ran ").append(a.runbookId()).append(", B ran ").append(b.runbookId())
                    .append("; what both have is compared\n");
        }
        int width = Math.max(12, c.steps().stream().mapToInt(s -> s.key().length()).max().orElse(0) + 2);
        width = Math.min(width, 28);
        out.append('\n');
        line(out, width, false, "", "A", "B", "");
        line(out, width, !a.status().equals(b.status()), "status", a.status(), b.status(), "");
        if (a.message().length() < COLUMN && b.message().length() < COLUMN && (!a.message().isEmpty() || !b.message().isEmpty())) {
            line(out, width, !a.message().equals(b.message()), "message", a.message(), b.message(), "");
        } else if (!a.message().isEmpty() || !b.message().isEmpty()) {
            // //why: a failure's message is what a reviewer reads first: whole, one line per run, rather than cut to a column
            line(out, width, !a.message().equals(b.message()), "message", "", "", "");
            out.append("  ").append(" ".repeat(width)).append("A: ").append(dash(a.message())).append('\n');
            out.append("  ").append(" ".repeat(width)).append("B: ").append(dash(b.message())).append('\n');
        }
        line(out, width, false, "started", TIME.format(a.startedAt()) + " UTC", TIME.format(b.startedAt()) + " UTC", "");
        line(out, width, !a.startedBy().equals(b.startedBy()), "by", a.startedBy(), b.startedBy(), "");
        line(out, width, !a.trigger().equals(b.trigger()), "trigger", a.trigger(), b.trigger(), "");
        if (!a.event().isEmpty() || !b.event().isEmpty()) {
            line(out, width, !a.event().equals(b.event()), "event", dash(a.event()), dash(b.event()), "");
        }
        line(out, width, false, "took", duration(a.duration()), duration(b.duration()), delta(c.durationDelta()));
        line(out, width, c.runbookText().changed(), "runbook", shortHash(a.contentHash()), shortHash(b.contentHash()),
                c.runbookText().changed() ? "changed, diff below" : "");
        if (!c.parameters().isEmpty()) {
            out.append("\nParameters\n");
            for (RunComparison.ParameterRow p : c.parameters()) {
                line(out, width, p.change() != RunComparison.Change.SAME, p.name(), p.a().orElse("(none)"), p.b().orElse("(none)"), "");
            }
        }
        out.append("\nSteps (").append(c.changedSteps()).append(" of ").append(c.steps().size()).append(" differ)\n");
        for (ComparedSteps.Row s : c.steps()) {
            line(out, width, s.changed(), s.key(), step(s.a()), step(s.b()), delta(s.delta()));
            if (s.changed()) {
                detail(out, width, "message", s.a().message(), s.b().message());
                detail(out, width, "outputs", s.a().outputs(), s.b().outputs());
                detail(out, width, "answer", s.a().answer(), s.b().answer());
                detail(out, width, "items", s.a().items(), s.b().items());
            }
        }
        people(out, "A", c.peopleA());
        people(out, "B", c.peopleB());
        RunbookTextDiff text = c.runbookText();
        if (text.changed()) {
            out.append("\nRunbook text, A to B\n");
            text.missing().ifPresent(m -> out.append("  ").append(m).append('\n'));
            text.unified().forEach(l -> out.append(l).append('\n'));
        } else {
            out.append("\nRunbook text: the same in both runs\n");
        }
        return out.toString();
    }

    private static void people(StringBuilder out, String side, List<RunComparison.Act> acts) {
        out.append("\nPeople in ").append(side).append(acts.isEmpty() ? ": nobody answered, resolved or restarted anything\n" : "\n");
        for (RunComparison.Act act : acts) {
            out.append("  ").append(TIME.format(act.at())).append(" UTC  ").append(act.step()).append(": ").append(act.what())
                    .append(" by ").append(act.who()).append(act.comment().isEmpty() ? "" : " (" + act.comment() + ")").append('\n');
        }
    }

    private static void line(StringBuilder out, int width, boolean changed, String name, String a, String b, String note) {
        out.append(changed ? "* " : "  ").append(pad(name, width)).append(pad(a, COLUMN)).append(note.isEmpty() ? b : pad(b, COLUMN) + note);
        trimEnd(out);
        out.append('\n');
    }

    private static void detail(StringBuilder out, int width, String what, String a, String b) {
        if (a.equals(b)) {
            return;
        }
        String indent = "  " + " ".repeat(width);
        if (!a.isEmpty()) {
            out.append(indent).append("A ").append(what).append(": ").append(a).append('\n');
        }
        if (!b.isEmpty()) {
            out.append(indent).append("B ").append(what).append(": ").append(b).append('\n');
        }
    }

    private static String step(ComparedSteps.Cell cell) {
        return cell.status() + cell.duration().map(d -> " " + Durations.format(d)).orElse("")
                + (cell.attempts() > 1 ? " (" + cell.attempts() + " attempts)" : "");
    }

    private static String pad(String text, int width) {
        String shown = text.length() >= width ? text.substring(0, width - 2) + "…" : text;
        return shown + " ".repeat(Math.max(1, width - shown.length()));
    }

    private static void trimEnd(StringBuilder out) {
        while (!out.isEmpty() && out.charAt(out.length() - 1) == ' ') {
            out.setLength(out.length() - 1);
        }
    }

    private static String dash(String text) {
        return text.isEmpty() ? "-" : text;
    }

    static String duration(Optional<Duration> duration) {
        return duration.map(Durations::format).orElse("still going");
    }

    /** {@code +1.2 s} or {@code -350 ms}; empty when either side has no duration. */
    public static String delta(Optional<Duration> delta) {
        return delta.map(d -> (d.isNegative() ? "-" : "+") + Durations.format(d.abs())).orElse("");
    }

    static String shortHash(String hash) {
        return hash.length() > 12 ? hash.substring(0, 12) : hash;
    }
}
