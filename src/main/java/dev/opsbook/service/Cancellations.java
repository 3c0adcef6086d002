package dev.opsbook.service;

import dev.opsbook.engine.RunControl;
import dev.opsbook.store.CancelRequest;
import dev.opsbook.store.RunStore;
import java.util.Optional;

/**
 * Cancelling a run that runs in any instance: the request goes into the store, and each instance
 * looks on its tick for requests about the runs it has in hand.
 */
final class Cancellations {

    private Cancellations() {
    }

    /** Cancels the runs held here ({@code heldHere}: a run's control, by its id) that someone asked to cancel. */
    static void pickUp(RunStore store, java.util.function.Function<String, Optional<RunControl>> heldHere) {
        for (CancelRequest request : store.cancelRequestsOfRunningRuns()) {
            heldHere.apply(request.runId()).ifPresent(control ->
                    control.cancel("cancelled by " + request.requestedBy() + (request.reason().isBlank() ? "" : ": " + request.reason())));
        }
    }

    /**
     * Ends the waiting runs someone asked to cancel while they were still running: the run reached
     * a person's step before its instance saw the request. Left alone, the request would cancel
     * the run only once someone answered it.
     */
    static void endWaiting(RunStore store, java.util.function.Predicate<String> heldHere, RunOperations operations) {
        for (CancelRequest request : store.cancelRequestsOfWaitingRuns()) {
            if (heldHere.test(request.runId())) {
                continue; // still letting go of it here; the next tick
            }
            try {
                operations.cancel(request.runId(), request.requestedBy(), request.reason());
            } catch (RunOperations.Refused e) {
                // answered and taken up meanwhile: the running instance sees the request
            }
        }
    }
}
