package dev.opsbook.incident;

import dev.opsbook.engine.ChildRuns;
import dev.opsbook.store.StartedAlarm;
import dev.opsbook.store.StoredRun;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Groups runs into incidents, purely. Runs launched under one incident id are that incident, whatever started them (an
 * explicit id wins). The other runs belong together when one event started them ({@code event_id}), or when one CloudWatch
 * alarm started them each within {@code window} of the one before (so an alarm that flaps all night is one incident while
 * it keeps firing, and a new one after a quiet window). A child run belongs to its parent's incident. A group is an
 * incident when it has an id, an alarm, or an event that started two or more runbooks; a lone event's run is just a run.
 * Auto incidents are named by their first run ({@code alarm-RUN}, {@code event-RUN}) so the id stays stable as runs join.
 */
public final class IncidentGrouping {

    /** How long after an alarm's last run its next run still belongs to the same incident, unless configured. */
    public static final Duration DEFAULT_ALARM_WINDOW = Duration.ofHours(1);

    public enum Kind {
        /** Launched under an incident id. */
        TAGGED,
        /** Started by one CloudWatch alarm, within the window. */
        ALARM,
        /** Started by one event. */
        EVENT;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * An incident: its runs oldest first.
     *
     * @param label what people call it: the id, {@code alarm NAME} or {@code event ID}
     */
    public record Group(String id, Kind kind, String label, List<StoredRun> runs) {
        public Group {
            runs = List.copyOf(runs);
        }

        public StoredRun first() {
            return runs.get(0);
        }
    }

    private IncidentGrouping() {
    }

    /** The incidents among {@code runs} (any order), newest first (by their first run). */
    public static List<Group> group(List<StoredRun> runs, Duration window) {
        List<StoredRun> sorted = new ArrayList<>(runs);
        sorted.sort(Comparator.comparing(StoredRun::startedAt).thenComparing(StoredRun::id));
        Map<String, StoredRun> byId = new HashMap<>();
        sorted.forEach(r -> byId.put(r.id(), r));
        Map<String, String> parent = new HashMap<>();
        sorted.forEach(r -> parent.put(r.id(), r.id()));
        Map<String, String> firstOfEvent = new HashMap<>();
        Map<String, StoredRun> lastOfAlarm = new HashMap<>();
        for (StoredRun run : sorted) {
            parentRun(run).filter(byId::containsKey).filter(p -> byId.get(p).incident().equals(run.incident()))
                    .ifPresent(p -> union(parent, p, run.id()));
            if (run.incident().isPresent()) {
                continue;
            }
            run.eventId().ifPresent(event -> {
                String first = firstOfEvent.putIfAbsent(event, run.id());
                if (first != null) {
                    union(parent, first, run.id());
                }
            });
            run.alarm().ifPresent(alarm -> {
                StoredRun last = lastOfAlarm.put(alarm, run);
                if (last != null && Duration.between(last.startedAt(), run.startedAt()).compareTo(window) <= 0) {
                    union(parent, last.id(), run.id());
                }
            });
        }
        Map<String, List<StoredRun>> components = new LinkedHashMap<>();
        for (StoredRun run : sorted) {
            String key = run.incident().map(id -> "tagged\u0000" + id).orElseGet(() -> find(parent, run.id()));
            components.computeIfAbsent(key, k -> new ArrayList<>()).add(run);
        }
        List<Group> groups = new ArrayList<>();
        for (List<StoredRun> members : components.values()) {
            incident(members).ifPresent(groups::add);
        }
        groups.sort(Comparator.comparing((Group g) -> g.first().startedAt()).thenComparing(Group::id).reversed());
        return groups;
    }

    /** The incident {@code id} names among {@code runs}, if they hold it. */
    public static Optional<Group> find(List<StoredRun> runs, Duration window, String id) {
        return group(runs, window).stream().filter(g -> g.id().equals(id)).findFirst();
    }

    /** The run an auto incident id is named by ({@code alarm-RUN}, {@code event-RUN}), empty for any other id. */
    public static Optional<String> firstRunOf(String id) {
        for (Kind kind : List.of(Kind.ALARM, Kind.EVENT)) {
            if (id.startsWith(kind.label() + "-") && id.length() > kind.label().length() + 1) {
                return Optional.of(id.substring(kind.label().length() + 1));
            }
        }
        return Optional.empty();
    }

    private static Optional<Group> incident(List<StoredRun> members) {
        StoredRun first = members.get(0);
        if (first.incident().isPresent()) {
            return Optional.of(new Group(first.incident().get(), Kind.TAGGED, first.incident().get(), members));
        }
        Optional<StoredRun> alarmed = members.stream().filter(r -> r.alarm().isPresent()).findFirst();
        if (alarmed.isPresent()) {
            return Optional.of(new Group("alarm-" + first.id(), Kind.ALARM, "alarm " + StartedAlarm.name(alarmed.get().alarm().get()), members));
        }
        long started = members.stream().filter(r -> r.eventId().isPresent() && parentRun(r).isEmpty()).count();
        if (started >= 2) {
            String event = members.stream().flatMap(r -> r.eventId().stream()).findFirst().orElse("");
            return Optional.of(new Group("event-" + first.id(), Kind.EVENT, "event " + event, members));
        }
        return Optional.empty();
    }

    private static Optional<String> parentRun(StoredRun run) {
        String[] parent = ChildRuns.parentOf(run.startedBy());
        return parent == null ? Optional.empty() : Optional.of(parent[0]);
    }

    //why: union-find over a few hundred run ids; a graph library for this would be heavier than the ten lines
    private static void union(Map<String, String> parent, String a, String b) {
        String ra = find(parent, a);
        String rb = find(parent, b);
        if (!ra.equals(rb)) {
            parent.put(rb, ra);
        }
    }

    private static String find(Map<String, String> parent, String id) {
        String root = id;
        while (!parent.get(root).equals(root)) {
            root = parent.get(root);
        }
        parent.put(id, root);
        return root;
    }
}
