package dev.opsbook.service;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.opsbook.audit.AuditFact;
import dev.opsbook.engine.RunEvent;
import dev.opsbook.engine.RunResult;
import dev.opsbook.engine.RunStatus;
import dev.opsbook.graph.LoadedRunbook;
import dev.opsbook.graph.RunbookLoader;
import dev.opsbook.runbook.Step;
import dev.opsbook.steps.Notifier;
import dev.opsbook.store.Escalations;
import dev.opsbook.store.RunQuery;
import dev.opsbook.store.RunStore;
import dev.opsbook.store.StoredRun;
import java.io.PrintStream;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The escalation engine of {@code serve}: on each tick it tells the tiers that are due of every run that waits for a person,
 * failed, or needs attention ({@link Occasions}, {@link TierDecisions}), retries deliveries that failed, and stops the
 * escalations whose occasion ended or that a person acknowledged, telling PagerDuty (acknowledge when a person acted,
 * resolve when the run ended). Every "once" is a claim in the store, so several instances, or one restarted, tell each tier
 * once.
 */
final class Escalator {

    /** How long a claimed delivery is held before another instance may retry it (this one stopped while sending). */
    private static final Duration HOLD = Duration.ofMinutes(1);
    /** A failed run older than this when first seen is not escalated (a store full of old failures on a first start). */
    private static final Duration FAILED_LOOKBACK = Duration.ofDays(1);
    static final int PAGE = 200;

    private final RunStore store;
    private final RunbookLoader loader;
    private final TierDelivery delivery;
    private final Clock clock;
    private final String instance;
    private final PrintStream log;
    private volatile Optional<URI> publicUrl = Optional.empty();
    /** //why: a run's runbook text never changes: parsed once per text, not once per tick */
    private final Map<String, LoadedRunbook> loaded = java.util.Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, LoadedRunbook> eldest) {
            return size() > 64;
        }
    });

    Escalator(RunStore store, RunbookLoader loader, TierDelivery delivery, Clock clock, String instance, PrintStream log) {
        this.store = store;
        this.loader = loader;
        this.delivery = delivery;
        this.clock = clock;
        this.instance = instance;
        this.log = log;
    }

    /** The base of the links to run pages ({@code opsbook.public-url}); without it links are paths. */
    void linkTo(Optional<URI> base) {
        this.publicUrl = base;
    }

    void tick() {
        Instant now = clock.instant();
        for (StoredRun run : candidates(now)) {
            try {
                escalate(run, now);
            } catch (RuntimeException e) {
                log.println("opsbook: cannot escalate run " + run.id() + ": " + e.getMessage());
            }
        }
        retryAndStop(now);
    }

    /** Every run that may owe someone a notification now: waiting, needing attention, or failed within the last day. */
    List<StoredRun> candidates(Instant now) {
        List<StoredRun> runs = new java.util.ArrayList<>();
        for (RunStatus status : List.of(RunStatus.WAITING, RunStatus.NEEDS_ATTENTION, RunStatus.FAILED)) {
            Optional<Instant> since = status == RunStatus.FAILED ? Optional.of(now.minus(FAILED_LOOKBACK)) : Optional.empty();
            //why: page by page to the end: the oldest waiting runs, the ones whose later tiers are due, come last
            for (int offset = 0; ; offset += PAGE) {
                List<StoredRun> page = store.runs(new RunQuery(Optional.empty(), Optional.of(status), Optional.empty(), since, Optional.empty(),
                        offset, PAGE));
                runs.addAll(page);
                if (page.size() < PAGE) {
                    break;
                }
            }
        }
        return runs;
    }

    private void escalate(StoredRun run, Instant now) {
        LoadedRunbook runbook = runbook(run);
        List<Tier> tiers = Tier.of(runbook);
        if (tiers.isEmpty()) {
            return;
        }
        List<RunEvent> events = store.events(run.id());
        RunResult result = RunResult.of(runbook.runbook(), events);
        Optional<Occasions.Occasion> occasion = Occasions.of(result.state(), id -> runbook.runbook().step(id).flatMap(Step::timeout));
        if (occasion.isEmpty() || (occasion.get().kind() == Occasions.Kind.FAILED && occasion.get().since().isBefore(now.minus(FAILED_LOOKBACK)))) {
            return;
        }
        if (occasion.get().kind() == Occasions.Kind.WAITING && occasion.get().step()
                .flatMap(x -> runbook.runbook().step(x.stepId())).map(s -> s.has(dev.opsbook.runbook.StepKindSpec.Trait.RUNS_A_RUNBOOK)).orElse(false)) {
            return; // //why: it waits for its child run, which escalates by itself: one person asked once
        }
        String key = occasion.get().key();
        List<Escalations.Notice> notices = store.notices(run.id()).stream().filter(n -> n.occasion().equals(key)).toList();
        if (notices.stream().anyMatch(n -> n.closedHow().isPresent())) {
            return;
        }
        boolean acknowledged = store.acknowledgements(run.id()).stream().anyMatch(a -> a.occasion().equals(key));
        Map<Integer, Instant> told = notices.stream().collect(Collectors.toMap(Escalations.Notice::tier, Escalations.Notice::toldAt));
        TierDecisions.Decision decision = TierDecisions.decide(tiers.stream().map(Tier::after).toList(),
                occasion.get().since().plus(occasion.get().startAfter()), told, acknowledged, now);
        if (decision instanceof TierDecisions.Tell tell && store.claimTier(run.id(), key, tell.tier(), instance, now, now.plus(HOLD))) {
            TierMessage message = TierMessage.of(runbook, result, occasion.get(), tell.tier(), tiers.size(), publicUrl, now);
            delivery.deliver(run.id(), key, tell.tier(), tiers.get(tell.tier()).target(), List.of(), 1, message,
                    occasion.get().dedupKey(run.id()));
        }
    }

    /** Retries the deliveries that are due, and stops the escalations whose occasion ended or was acknowledged. */
    private void retryAndStop(Instant now) {
        Map<List<String>, List<Escalations.Notice>> open = store.open(500).stream()
                .collect(Collectors.groupingBy(n -> List.of(n.subject(), n.occasion()), LinkedHashMap::new, Collectors.toList()));
        open.forEach((id, notices) -> {
            try {
                followUp(id.get(0), id.get(1), notices, now);
            } catch (RuntimeException e) {
                log.println("opsbook: cannot follow up the escalation of run " + id.get(0) + ": " + e.getMessage());
            }
        });
    }

    private void followUp(String runId, String key, List<Escalations.Notice> notices, Instant now) {
        Optional<StoredRun> run = store.run(runId);
        if (run.isEmpty()) {
            store.close(runId, key, notices.get(0).closedHow(), "resolved", now);
            return;
        }
        LoadedRunbook runbook = runbook(run.get());
        List<Tier> tiers = Tier.of(runbook);
        List<RunEvent> events = store.events(runId);
        RunResult result = RunResult.of(runbook.runbook(), events);
        Optional<Occasions.Occasion> current = Occasions.of(result.state(), id -> runbook.runbook().step(id).flatMap(Step::timeout));
        Optional<Escalations.Acknowledgement> ack = store.acknowledgements(runId).stream().filter(a -> a.occasion().equals(key)).findFirst();
        boolean goesOn = current.isPresent() && current.get().key().equals(key) && ack.isEmpty();
        if (goesOn) {
            for (Escalations.Notice notice : notices) {
                if (notice.retryAt().isPresent() && !notice.retryAt().get().isAfter(now) && notice.tier() < tiers.size()
                        && store.claimRetry(runId, key, notice.tier(), notice.attempts(), now, now.plus(HOLD))) {
                    delivery.deliver(runId, key, notice.tier(), tiers.get(notice.tier()).target(), notice.delivered(), notice.attempts() + 1,
                            TierMessage.of(runbook, result, current.get(), notice.tier(), tiers.size(), publicUrl, now),
                            current.get().dedupKey(runId));
                }
            }
            return;
        }
        boolean ended = ended(result.state().status());
        Optional<String> closedHow = notices.get(0).closedHow();
        if (closedHow.isPresent() && !ended) {
            return; // acknowledged; resolved once the run ends
        }
        String toHow = ended ? "resolved" : "acknowledged";
        if (!store.close(runId, key, closedHow, toHow, now)) {
            return; // another instance stopped it
        }
        delivery.recorded(runId);
        Instant since = notices.stream().map(Escalations.Notice::toldAt).min(Instant::compareTo).orElse(now);
        Optional<String> person = ack.map(a -> a.by() + " (acknowledged)").or(() -> Occasions.actedBy(events, since));
        String by = person.orElse(ended ? "the run ended " + result.state().status().label() : "the run went on");
        if (closedHow.isEmpty()) {
            delivery.audit(runId, new AuditFact(now, "escalation-stopped", JsonNodeFactory.instance.objectNode().put("run", runId)
                    .put("occasion", key).put("by", by)));
            log.println("escalation of run " + runId + " (" + key + ") stopped: " + by);
        }
        // //why: a person who acted is acknowledged even when the run ended before this tick saw it, then the incident resolved
        List<Notifier.PagerAction> actions = new java.util.ArrayList<>();
        if (closedHow.isEmpty() && person.isPresent()) {
            actions.add(Notifier.PagerAction.ACKNOWLEDGE);
        }
        if (ended) {
            actions.add(Notifier.PagerAction.RESOLVE);
        }
        String dedupKey = Occasions.dedupKey(runId, key);
        List<String> routingKeys = notices.stream().map(Escalations.Notice::tier).filter(t -> t < tiers.size())
                .map(t -> tiers.get(t).target().pagerduty()).flatMap(Optional::stream).distinct().toList();
        for (Notifier.PagerAction action : actions) {
            routingKeys.forEach(routingKey -> delivery.pagerDuty(routingKey, action, dedupKey,
                    "opsbook: run " + runId + " of " + run.get().runbookId() + ": " + by));
        }
    }

    private static boolean ended(RunStatus status) {
        return status == RunStatus.SUCCEEDED || status == RunStatus.FAILED || status == RunStatus.CANCELLED;
    }

    private LoadedRunbook runbook(StoredRun run) {
        String text = store.runbookText(run.id()).orElse("");
        return loaded.computeIfAbsent(run.runbookFile() + '\u0000' + text, k -> loader.load(run.runbookFile(), text));
    }
}
