package dev.opsbook.service;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.opsbook.audit.AuditFact;
import dev.opsbook.engine.RunState;
import dev.opsbook.store.Escalations;
import dev.opsbook.store.RunStore;
import dev.opsbook.store.StoredRun;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

/**
 * A person says they have a run in hand ({@code opsbook ack RUN}, {@code POST /api/runs/{id}/ack}, the run page's
 * Acknowledge button): what the run escalates for now (it waits for a person, failed, or needs attention) stops
 * escalating. Written in the store, from any process; serve's {@link Escalator} sees it on its next tick.
 */
public final class Acknowledgements {

    private Acknowledgements() {
    }

    /**
     * @param how where it came from ({@code opsbook ack}, {@code api}, {@code web}), for the audit trail
     * @return one line saying what was acknowledged
     */
    public static String acknowledge(RunStore store, String runId, String by, String how, Clock clock) throws Approvals.Refused {
        StoredRun run = store.run(runId).orElseThrow(() -> new Approvals.Refused("no run " + runId + " in " + store.describe()));
        RunState state = RunState.fold(store.events(runId));
        Optional<Occasions.Occasion> occasion = Occasions.of(state, id -> Optional.empty());
        if (occasion.isEmpty()) {
            throw new Approvals.Refused("run " + runId + " of " + run.runbookId() + " is " + state.status().label()
                    + ": nothing escalates; only a run that waits for a person, failed or needs attention can be acknowledged");
        }
        String key = occasion.get().key();
        Instant now = clock.instant();
        AuditFact said = new AuditFact(now, "acknowledged", JsonNodeFactory.instance.objectNode()
                .put("run", runId).put("occasion", key).put("by", by).put("how", how));
        boolean first;
        try {
            first = store.acknowledge(runId, key, by, now, said);
        } catch (IllegalStateException moved) {
            throw new Approvals.Refused("run " + runId + " changed while it was acknowledged (" + moved.getMessage() + "); acknowledge it again");
        }
        if (!first) {
            String who = store.acknowledgements(runId).stream().filter(a -> a.occasion().equals(key)).map(Escalations.Acknowledgement::by)
                    .findFirst().orElse("someone");
            throw new Approvals.Refused("run " + runId + " was acknowledged already by " + who);
        }
        String what = occasion.get().kind().says() + occasion.get().step().map(x -> " at step '" + x.key() + "'").orElse("");
        return "acknowledged run " + runId + " of " + run.runbookId() + " (" + what + ") as " + by + "; its escalation stops";
    }
}
