package dev.opsbook.store;

import dev.opsbook.engine.RunStatus;

/**
 * How far a run has come: its status and the seq of its last stored event (which is also how many
 * it has). A change in either is news to whoever follows the run (a live run page).
 */
public record RunHead(String runId, RunStatus status, long lastSeq) {
}
