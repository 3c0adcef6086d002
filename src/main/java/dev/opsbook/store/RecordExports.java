package dev.opsbook.store;

import java.util.List;

/**
 * How far each run's files under a {@code --record-dir} (its record and trail, exports of the store) are written. //why:
 * the files are written after the event they show is stored, so an instance killed in between leaves them behind the
 * history; a stopped run whose export lags is caught up by any instance. Thread-safe.
 */
public interface RecordExports {

    /**
     * Notes, in one transaction, that the files of each run show its history up to its seq in {@code seqs} (never moves
     * back). //why: one at a time, the notes of a busy instance's records were a commit each on the runs' rows
     */
    void exported(java.util.Map<String, Long> seqs);

    /** Runs that no instance runs now (waiting, needing attention or finished) whose files lag their history, oldest first. */
    List<String> unexported(int limit);

    /**
     * What the records and trail files of the runs named are made of, by run id (a run not stored is left out), read on one
     * connection, each table once for them all. //why: read one part of one run at a time, a record cost about ten
     * statements and as many borrows, as dear as a run's step; serve's record writer takes the runs that stopped meanwhile
     * together
     */
    java.util.Map<String, RecordParts> recordParts(java.util.Collection<String> runIds);
}
