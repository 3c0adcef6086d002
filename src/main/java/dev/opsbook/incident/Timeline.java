package dev.opsbook.incident;

import com.fasterxml.jackson.databind.JsonNode;
import dev.opsbook.engine.Role;
import dev.opsbook.engine.RunEvent;
import dev.opsbook.engine.StepStatus;
import dev.opsbook.runbook.Step;
import dev.opsbook.runbook.StepKindSpec;
import dev.opsbook.store.StartedAlarm;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An incident's timeline across its runs and people, oldest first: what fired, runs started and ended, steps reached, done
 * and failed, people asked and who answered when, escalation tiers told and acknowledged, rollbacks, comments. Pure.
 */
public final class Timeline {

    public enum Kind {
        FIRED, RUN_STARTED, STEP_REACHED, STEP_DONE, STEP_FAILED, ASKED, ANSWERED, RESOLVED, TOLD, ACKNOWLEDGED, ROLLBACK,
        CANCELLED, COMMENT, RUN_ENDED;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }
    }

    /**
     * One thing that happened.
     *
     * @param runId the run it happened in (empty for an event that fired)
     * @param who the person or thing that did it, empty when opsbook did
     */
    public record Entry(Instant at, String runId, String runbookId, Kind kind, String who, String what) {
    }

    private Timeline() {
    }

    public static List<Entry> of(List<RunTrail> trails) {
        List<Entry> entries = new ArrayList<>(fired(trails));
        for (RunTrail trail : trails) {
            String run = trail.run().id();
            String runbook = trail.run().runbookId();
            Map<String, Role> roles = new java.util.HashMap<>();
            for (RunEvent event : trail.history()) {
                if (event instanceof RunEvent.StepStarted s) {
                    roles.put(s.key(), s.role());
                }
                describe(event, trail, roles).ifPresent(entries::add);
            }
            trail.told().forEach(n -> entries.add(new Entry(n.toldAt(), run, runbook, Kind.TOLD, "",
                    "escalation tier " + (n.tier() + 1) + " told through " + (n.delivered().isEmpty() ? "no channel yet" : String.join(", ", n.delivered()))
                            + (n.failure().isBlank() ? "" : "; delivery failed: " + n.failure()))));
            trail.acknowledged().forEach(a -> entries.add(new Entry(a.at(), run, runbook, Kind.ACKNOWLEDGED, a.by(), a.by() + " acknowledged the escalation")));
            trail.comments().forEach(c -> entries.add(new Entry(c.at(), run, runbook, Kind.COMMENT, c.by(),
                    c.by() + " commented" + c.step().map(s -> " on step " + s).orElse("") + ": " + c.text())));
        }
        entries.sort(Comparator.comparing(Entry::at).thenComparing(e -> e.kind() == Kind.FIRED ? 0 : 1));
        return List.copyOf(entries);
    }

    /** The events that started the incident's runs, once each: when they say they happened, what they are. */
    static List<Entry> fired(List<RunTrail> trails) {
        Map<String, Entry> fired = new LinkedHashMap<>();
        for (RunTrail trail : trails) {
            if (trail.history().isEmpty() || !(trail.history().get(0) instanceof RunEvent.RunStarted started) || started.event() == null
                    || !started.event().isObject()) {
                continue;
            }
            JsonNode event = started.event();
            String key = trail.run().eventId().orElse(trail.run().id());
            fired.putIfAbsent(key, new Entry(eventTime(event).orElse(started.at()), "", "", Kind.FIRED, event.path("source").asText(""),
                    describeEvent(event, trail.run().eventId())));
        }
        return new ArrayList<>(fired.values());
    }

    static String describeEvent(JsonNode event, Optional<String> eventId) {
        StringBuilder what = new StringBuilder();
        Optional<String> alarm = StartedAlarm.of(event);
        if (alarm.isPresent()) {
            what.append("alarm ").append(StartedAlarm.name(alarm.get())).append(" went to ")
                    .append(event.path("detail").path("state").path("value").asText("ALARM"));
            String reason = event.path("detail").path("state").path("reason").asText("");
            if (!reason.isBlank()) {
                what.append(": ").append(reason.length() > 200 ? reason.substring(0, 199) + "…" : reason);
            }
        } else {
            what.append(event.path("detail-type").asText("event")).append(" from ").append(event.path("source").asText("?"));
        }
        eventId.ifPresent(id -> what.append(" (event ").append(id).append(')'));
        return what.toString();
    }

    private static Optional<Instant> eventTime(JsonNode event) {
        try {
            return event.hasNonNull("time") ? Optional.of(Instant.parse(event.get("time").asText())) : Optional.empty();
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    private static Optional<Entry> describe(RunEvent event, RunTrail trail, Map<String, Role> roles) {
        String run = trail.run().id();
        String runbook = trail.run().runbookId();
        if (event instanceof RunEvent.RunStarted e) {
            return Optional.of(new Entry(e.at(), run, runbook, Kind.RUN_STARTED, e.startedBy(),
                    "run of " + e.runbookId() + " started (" + e.trigger() + ", by " + e.startedBy() + ")"));
        } else if (event instanceof RunEvent.StepStarted e) {
            if (e.role() == Role.ROLLBACK) {
                return Optional.of(new Entry(e.at(), run, runbook, Kind.ROLLBACK, "", "rollback " + e.key() + " started"));
            }
            boolean asks = step(trail, e.stepId()).map(s -> s.has(StepKindSpec.Trait.ASKS_A_PERSON)).orElse(false);
            return Optional.of(new Entry(e.at(), run, runbook, asks ? Kind.ASKED : Kind.STEP_REACHED, "",
                    "step " + e.key() + (asks ? " asks a person" : " reached")));
        } else if (event instanceof RunEvent.StepAnswered e && e.answer() != null) {
            return Optional.of(new Entry(e.at(), run, runbook, Kind.ANSWERED, e.answer().by(), e.answer().by()
                    + (e.answer().confirmed() ? " confirmed " : " refused ") + e.key()
                    + (e.answer().comment() == null || e.answer().comment().isBlank() ? "" : ": " + e.answer().comment())));
        } else if (event instanceof RunEvent.StepResolved e) {
            return Optional.of(new Entry(e.at(), run, runbook, Kind.RESOLVED, e.by(), e.by() + " resolved " + e.key() + " ("
                    + e.resolution().name().toLowerCase(java.util.Locale.ROOT) + ")" + (e.comment() == null || e.comment().isBlank() ? "" : ": " + e.comment())));
        } else if (event instanceof RunEvent.StepFinished e) {
            boolean failed = e.status() == StepStatus.FAILED;
            boolean rollback = roles.get(e.key()) == Role.ROLLBACK;
            String message = e.message() == null || e.message().isBlank() ? "" : ": " + e.message();
            return Optional.of(new Entry(e.at(), run, runbook, failed ? Kind.STEP_FAILED : rollback ? Kind.ROLLBACK : Kind.STEP_DONE, "",
                    (rollback ? "rollback " : "step ") + e.key() + " " + e.status().label() + (failed ? message : "")));
        } else if (event instanceof RunEvent.RollbackRequested e) {
            return Optional.of(new Entry(e.at(), run, runbook, Kind.ROLLBACK, e.by(), "rollback requested by " + e.by() + ": " + e.reason()));
        } else if (event instanceof RunEvent.CancelRequested e) {
            return Optional.of(new Entry(e.at(), run, runbook, Kind.CANCELLED, "", "cancel requested: " + e.reason()));
        } else if (event instanceof RunEvent.RunFinished e) {
            return Optional.of(new Entry(e.at(), run, runbook, Kind.RUN_ENDED, "", "run " + e.status().label()
                    + (e.message() == null || e.message().isBlank() ? "" : ": " + e.message())));
        }
        return Optional.empty();
    }

    static Optional<Step> step(RunTrail trail, String stepId) {
        return trail.runbook().flatMap(r -> r.step(stepId));
    }
}
