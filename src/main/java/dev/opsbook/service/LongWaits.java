package dev.opsbook.service;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.opsbook.engine.RunEvent;
import dev.opsbook.engine.RunState;
import dev.opsbook.engine.RunStatus;
import dev.opsbook.engine.StepExecution;
import dev.opsbook.engine.StepStatus;
import dev.opsbook.graph.LoadedRunbook;
import dev.opsbook.graph.RunbookLoader;
import dev.opsbook.runbook.Durations;
import dev.opsbook.store.RunQuery;
import dev.opsbook.store.RunStore;
import dev.opsbook.store.StoredRun;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Waiting steps with a {@code timeout} that passed tell the runbook's escalation, once per step:
 * once per process by memory, once across instances and restarts by the store's {@code escalateOnce}.
 */
final class LongWaits {

    private final RunStore store;
    private final RunbookLoader loader;
    private final EscalationSender escalations;
    private final Clock clock;
    private final Set<String> escalated = ConcurrentHashMap.newKeySet();

    LongWaits(RunStore store, RunbookLoader loader, EscalationSender escalations, Clock clock) {
        this.store = store;
        this.loader = loader;
        this.escalations = escalations;
        this.clock = clock;
    }

    void escalateLongWaits() {
        for (StoredRun run : store.runs(new RunQuery(Optional.empty(), Optional.of(RunStatus.WAITING), Optional.empty(), 100))) {
            List<RunEvent> events = store.events(run.id());
            var state = RunState.fold(events);
            LoadedRunbook runbook = null;
            for (var waiting : state.executions().values()) {
                if (!waitsUnanswered(waiting) || escalated.contains(run.id() + "/" + waiting.key())) {
                    continue;
                }
                if (runbook == null) {
                    runbook = loader.load(run.runbookFile(), store.runbookText(run.id()).orElse(""));
                }
                var step = runbook.runbook().step(waiting.stepId());
                if (step.isEmpty() || !overdue(waiting.startedAt().get(), step.get().timeout(), clock.instant())) {
                    continue;
                }
                escalated.add(run.id() + "/" + waiting.key());
                if (!store.escalateOnce("wait:" + run.id() + "/" + waiting.key(), clock.instant(), Instant.EPOCH)) {
                    continue; // another instance (or this one before a restart) told people already
                }
                escalations.tell(runbook.runbook(), "step '" + waiting.stepId() + "' of run " + run.id() + " has waited for a person longer than "
                        + Durations.format(step.get().timeout().get()) + "; answer it with opsbook approve " + run.id() + " "
                        + waiting.stepId(), JsonNodeFactory.instance.objectNode().put("run", run.id()));
            }
        }
    }

    /** A step waiting for a person that nobody answered yet. */
    static boolean waitsUnanswered(StepExecution execution) {
        return execution.status() == StepStatus.WAITING && execution.answer().isEmpty() && execution.startedAt().isPresent();
    }

    /** Whether a wait that started at {@code startedAt} has outlasted the step's {@code timeout} (none: it never does). */
    static boolean overdue(Instant startedAt, Optional<Duration> timeout, Instant now) {
        return timeout.isPresent() && !startedAt.plus(timeout.get()).isAfter(now);
    }
}
