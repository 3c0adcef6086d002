package dev.opsbook.store;

import java.util.List;

/**
 * How far each run's files under a {@code --record-dir} (its record and trail, exports of the store) are written. //why:
 * the files are written after the event they show is stored, so an instance killed in between leaves them behind the
 * history; a stopped run whose export lags is caught up by any instance. Thread-safe.
 */
public interface RecordExports {

    /** Notes that the files of {@code runId} show its history up to {@code seq} (never moves back). */
    void exported(String runId, long seq);

    /** Runs that no instance runs now (waiting, needing attention or finished) whose files lag their history, oldest first. */
    List<String> unexported(int limit);
}
