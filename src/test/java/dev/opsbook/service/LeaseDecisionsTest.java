package dev.opsbook.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The heartbeat's and the long-wait escalation's decisions, apart from the store they act on. */
class LeaseDecisionsTest {

    private static final Instant T0 = Instant.parse("2026-12-02T03:00:00Z");

    @Test
    void a_lease_on_a_run_not_executing_here_is_let_go_only_at_the_second_beat_in_a_row() {
        Set<String> kept = Set.of("r1", "r2", "r3");
        Set<String> firstBeat = Heartbeat.unheld(kept, Set.of("r1"));
        assertEquals(Set.of("r2", "r3"), firstBeat);
        assertEquals(Set.of(), Heartbeat.toRelease(firstBeat, Set.of()), "a run being launched is leased a moment before it executes");
        Set<String> secondBeat = Heartbeat.unheld(kept, Set.of("r1", "r2")); // r2 started executing meanwhile
        assertEquals(Set.of("r3"), Heartbeat.toRelease(secondBeat, firstBeat));
    }

    @Test
    void runs_stop_here_once_the_store_was_unreachable_for_a_whole_lease() {
        Duration lease = Duration.ofSeconds(30);
        assertFalse(Heartbeat.unreachableTooLong(T0, T0.plusSeconds(29), lease));
        assertTrue(Heartbeat.unreachableTooLong(T0, T0.plusSeconds(30), lease));
    }
}
