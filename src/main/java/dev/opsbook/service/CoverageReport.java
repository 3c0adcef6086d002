package dev.opsbook.service;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Which alarm starts which runbook: for each alarm, the runbooks the event it sends on entering ALARM starts, with the
 * parameters mapped from it (secret ones masked); then the runbooks with triggers that no alarm's event matches.
 *
 * @param from where the alarms were read ("CloudWatch in eu-west-1", a file)
 * @param read when the alarms were read
 * @param idle runbooks with triggers that match no alarm's event, by id
 * @param warnings what was left out of the reading (alarm tags refused)
 */
public record CoverageReport(String from, Instant read, List<AlarmRow> alarms, List<String> idle, List<String> warnings) {

    /** A runbook the alarm's event starts, by which trigger, with what parameters. */
    public record Start(String runbook, String trigger, ObjectNode parameters) {
    }

    /** A runbook whose trigger matches the alarm's event but cannot start: a parameter cannot be mapped from it. */
    public record Stuck(String runbook, String trigger, String problem) {
    }

    /**
     * The runbook an alarm names (a {@code runbook} tag, or its description).
     *
     * @param problem why it does not count (not served, its triggers do not start on the alarm); empty when it does
     */
    public record Named(String runbook, String where, Optional<String> problem) {
    }

    /**
     * One alarm.
     *
     * @param watches for people: namespace and metric, a metric-math expression, or a composite alarm's rule
     * @param covered some runbook starts on the alarm's event (the one it names, when it names one)
     * @param event the event the alarm sends on entering ALARM, as matched
     */
    public record AlarmRow(String alarm, String arn, String type, List<String> namespaces, List<String> metrics, String watches,
                           List<Start> starts, List<Stuck> stuck, Optional<Named> named, boolean covered, ObjectNode event) {
    }

    public CoverageReport {
        alarms = List.copyOf(alarms);
        idle = List.copyOf(idle);
        warnings = List.copyOf(warnings);
    }

    /** The alarms no runbook covers. */
    public List<AlarmRow> uncovered() {
        return alarms.stream().filter(a -> !a.covered()).toList();
    }

    /** The report as {@code opsbook coverage --output json} prints it and {@code GET /api/coverage} answers. */
    public ObjectNode json() {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode out = f.objectNode();
        out.put("from", from);
        out.put("read", read.toString());
        out.put("alarmCount", alarms.size());
        out.put("uncoveredCount", uncovered().size());
        ArrayNode list = out.putArray("alarms");
        for (AlarmRow row : alarms) {
            ObjectNode a = list.addObject();
            a.put("alarm", row.alarm());
            a.put("arn", row.arn());
            a.put("type", row.type());
            row.namespaces().forEach(a.putArray("namespaces")::add);
            row.metrics().forEach(a.putArray("metrics")::add);
            a.put("watches", row.watches());
            a.put("covered", row.covered());
            ArrayNode starts = a.putArray("runbooks");
            for (Start start : row.starts()) {
                starts.addObject().put("runbook", start.runbook()).put("trigger", start.trigger()).set("parameters", start.parameters());
            }
            ArrayNode stuck = a.putArray("cannotStart");
            row.stuck().forEach(s -> stuck.addObject().put("runbook", s.runbook()).put("trigger", s.trigger()).put("problem", s.problem()));
            row.named().ifPresent(n -> {
                ObjectNode named = a.putObject("named").put("runbook", n.runbook()).put("where", n.where()).put("counts", n.problem().isEmpty());
                n.problem().ifPresent(p -> named.put("problem", p));
            });
            a.set("event", row.event());
        }
        idle.forEach(out.putArray("runbooksMatchingNoAlarm")::add);
        warnings.forEach(out.putArray("warnings")::add);
        return out;
    }
}
