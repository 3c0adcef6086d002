package dev.opsbook.store;

import java.time.Instant;
import java.util.List;

/**
 * A game day as the store keeps it: the scenario it ran (JSON, as {@code POST /api/gamedays} took it: the events, the
 * simulated AWS answers or {@code live}, the expectations), who started it and when, and the ids of the events it injected.
 * Its drills are the runs whose {@code drill} is this id.
 */
public record GameDay(String id, String name, String scenario, String startedBy, Instant startedAt, List<String> eventIds) {

    public GameDay {
        eventIds = List.copyOf(eventIds);
    }
}
