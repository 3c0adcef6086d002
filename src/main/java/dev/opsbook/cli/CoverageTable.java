package dev.opsbook.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.opsbook.service.CoverageReport;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** {@code opsbook coverage} for people: one row per alarm (more lines when several runbooks start), then the idle runbooks. */
final class CoverageTable {

    private CoverageTable() {
    }

    static void print(CoverageReport report, Terminal out) {
        int uncovered = report.uncovered().size();
        out.println("Alarms from " + report.from() + ": " + report.alarms().size() + ", "
                + (uncovered == 0 ? "every one with a runbook." : uncovered + " with no runbook."));
        out.println("");
        List<String[]> rows = new ArrayList<>();
        List<Boolean> bad = new ArrayList<>();
        for (CoverageReport.AlarmRow alarm : report.alarms()) {
            List<String> lines = lines(alarm);
            for (int i = 0; i < lines.size(); i++) {
                rows.add(new String[] {i == 0 ? alarm.alarm() : "", i == 0 ? alarm.watches() : "", lines.get(i)});
                bad.add(!alarm.covered());
            }
        }
        int nameWidth = Math.max(5, rows.stream().mapToInt(r -> r[0].length()).max().orElse(0));
        int watchWidth = Math.min(80, Math.max(15, rows.stream().mapToInt(r -> r[1].length()).max().orElse(0)));
        out.println(out.bold(pad("ALARM", nameWidth) + "  " + pad("NAMESPACE/METRIC", watchWidth) + "  RUNBOOK"));
        for (int i = 0; i < rows.size(); i++) {
            String[] row = rows.get(i);
            String runbook = bad.get(i) ? out.red(row[2]) : row[2];
            out.println(pad(row[0], nameWidth) + "  " + pad(cut(row[1], watchWidth), watchWidth) + "  " + runbook);
        }
        if (report.alarms().isEmpty()) {
            out.println(out.dim("(no alarms)"));
        }
        out.println("");
        if (report.idle().isEmpty()) {
            out.println("Every runbook with triggers starts on some alarm.");
        } else {
            out.println("Runbooks whose triggers match no alarm:");
            report.idle().forEach(id -> out.println("  " + id));
        }
    }

    /** What the RUNBOOK column says of an alarm, a line each. */
    static List<String> lines(CoverageReport.AlarmRow alarm) {
        List<String> lines = new ArrayList<>();
        for (CoverageReport.Start start : alarm.starts()) {
            lines.add(start.runbook() + " (" + start.trigger() + ")" + parameters(start.parameters()));
        }
        for (CoverageReport.Stuck stuck : alarm.stuck()) {
            lines.add(stuck.runbook() + " (" + stuck.trigger() + ") matches but cannot start: " + stuck.problem());
        }
        alarm.named().ifPresent(named -> lines.add(named.problem()
                .map(p -> "names " + named.runbook() + " (" + named.where() + "), not counted: " + p)
                .orElse("named by its " + named.where())));
        if (!alarm.covered()) {
            lines.add(0, "none");
        }
        return lines;
    }

    private static String parameters(JsonNode parameters) {
        List<String> shown = new ArrayList<>();
        for (Map.Entry<String, JsonNode> p : (Iterable<Map.Entry<String, JsonNode>>) parameters::fields) {
            shown.add(p.getKey() + "=" + (p.getValue().isTextual() ? p.getValue().textValue() : p.getValue().toString()));
        }
        return shown.isEmpty() ? "" : ": " + String.join(", ", shown);
    }

    private static String cut(String text, int width) {
        return text.length() <= width ? text : text.substring(0, width - 1) + "…";
    }

    private static String pad(String text, int width) {
        return text.length() >= width ? text : text + " ".repeat(width - text.length());
    }
}
