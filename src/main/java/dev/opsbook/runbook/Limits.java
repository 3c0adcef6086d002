package dev.opsbook.runbook;

import java.util.Optional;

/**
 * {@code limits:} how much automation may do before a person is told instead.
 *
 * @param maxRunsPerHour runs started by events in any hour, 1 or more; past it, events escalate instead of running
 * @param maxItems the most items a for-each step may run over; a longer list fails the step before any item runs
 */
public record Limits(Optional<Integer> maxRunsPerHour, Position position, Optional<Integer> maxItems) {

    public Limits(int maxRunsPerHour, Position position) {
        this(Optional.of(maxRunsPerHour), position, Optional.empty());
    }
}
