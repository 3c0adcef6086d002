package dev.opsbook.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opsbook.alarm.Alarm;
import dev.opsbook.alarm.AlarmEvents;
import dev.opsbook.alarm.Alarms;
import dev.opsbook.graph.LoadedRunbook;
import dev.opsbook.runbook.Parameter;
import dev.opsbook.runbook.Runbook;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Matches the event each alarm sends on entering ALARM ({@link AlarmEvents}) against the triggers of the runbooks with
 * the matcher the dispatcher uses ({@link EventMatcher}), so what coverage says starts is what would start. An alarm that
 * names a runbook is covered only when that runbook is among those its event starts. Pure but for the matcher.
 */
public final class Coverage {

    private static final String MASK = "********";

    private Coverage() {
    }

    /**
     * @param matcher using {@code runbooks} already ({@link EventMatcher#use})
     * @param now the time the events are dated
     */
    public static CoverageReport of(Alarms alarms, List<LoadedRunbook> runbooks, EventMatcher matcher, Instant now) {
        Set<String> served = new HashSet<>();
        runbooks.forEach(r -> served.add(r.runbook().id()));
        Set<String> matched = new HashSet<>();
        List<CoverageReport.AlarmRow> rows = new ArrayList<>();
        for (Alarm alarm : alarms.alarms()) {
            ObjectNode event = AlarmEvents.enteringAlarm(alarm, now);
            List<CoverageReport.Start> starts = new ArrayList<>();
            List<CoverageReport.Stuck> stuck = new ArrayList<>();
            for (EventMatcher.Match match : matcher.match(new EventMatcher.Event(event.path("id").asText(), AlarmEvents.SOURCE,
                    AlarmEvents.DETAIL_TYPE, event))) {
                Runbook runbook = match.runbook().runbook();
                matched.add(runbook.id());
                String trigger = runbook.triggers().get(match.trigger()).label();
                if (match.params().isPresent()) {
                    starts.add(new CoverageReport.Start(runbook.id(), trigger, masked(runbook, match.params().get())));
                } else {
                    stuck.add(new CoverageReport.Stuck(runbook.id(), trigger, match.problem()));
                }
            }
            Optional<CoverageReport.Named> named = alarm.namedRunbook().map(n -> new CoverageReport.Named(n.id(), n.where(),
                    problem(n.id(), served, starts, stuck)));
            boolean covered = named.map(n -> n.problem().isEmpty()).orElse(!starts.isEmpty());
            rows.add(new CoverageReport.AlarmRow(alarm.name(), alarm.arn(), alarm.composite() ? "composite" : "metric", alarm.namespaces(),
                    alarm.metrics(), alarm.watches(), starts, stuck, named, covered, event));
        }
        List<String> idle = runbooks.stream().map(LoadedRunbook::runbook)
                .filter(r -> !r.triggers().isEmpty() && !matched.contains(r.id())).map(Runbook::id).sorted().toList();
        return new CoverageReport(alarms.from(), now, rows, idle, alarms.warnings());
    }

    private static Optional<String> problem(String id, Set<String> served, List<CoverageReport.Start> starts,
                                            List<CoverageReport.Stuck> stuck) {
        if (starts.stream().anyMatch(s -> s.runbook().equals(id))) {
            return Optional.empty();
        }
        if (!served.contains(id)) {
            return Optional.of("no runbook '" + id + "' is here");
        }
        return Optional.of(stuck.stream().filter(s -> s.runbook().equals(id)).findFirst()
                .map(s -> "its " + s.trigger() + " matches but cannot start: " + s.problem())
                .orElse("its triggers do not match this alarm's event"));
    }

    private static ObjectNode masked(Runbook runbook, ObjectNode params) {
        ObjectNode shown = params.deepCopy();
        for (Parameter parameter : runbook.parameters()) {
            JsonNode value = shown.get(parameter.name());
            if (parameter.isSecret() && value != null && !value.isNull()) {
                shown.put(parameter.name(), MASK);
            }
        }
        return shown;
    }
}
