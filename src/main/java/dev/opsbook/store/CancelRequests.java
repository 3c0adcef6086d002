package dev.opsbook.store;

import java.util.List;

/** Requests to cancel a run, seen by whichever process runs it. Thread-safe. */
public interface CancelRequests {

    /**
     * Asks that a running run be cancelled, whichever process runs it: that process finds the
     * request on its next tick ({@link #cancelRequestsOfRunningRuns}).
     *
     * @return false when it was asked before
     */
    boolean requestCancel(CancelRequest request);

    /** Cancellation requests for runs that are still running. */
    List<CancelRequest> cancelRequestsOfRunningRuns();

    /** Cancellation requests for runs that stopped at a person's step before the instance running them saw the request. */
    List<CancelRequest> cancelRequestsOfWaitingRuns();
}
