package dev.opsbook.runbook;

/**
 * {@code limits:} how much automation may do before a person is told instead.
 *
 * @param maxRunsPerHour runs started by events in any hour, 1 or more; past it, events escalate instead of running
 */
public record Limits(int maxRunsPerHour, Position position) {
}
