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
import dev.opsbook.store.RunHead;
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
 * The escalation engine of {@code serve}: on each tick it tells the tiers that are due of the runs that wait for a person,
 * failed, or need attention ({@link Occasions}, {@link TierDecisions}), retries deliveries that failed, and stops the
 * escalations whose occasion ended or that a person acknowledged, telling PagerDuty (acknowledge when a person acted,
 * resolve when the run ended). Every "once" is a claim in the store, so several instances, or one restarted, tell each tier
 * once. Which runs it looks at is driven by due times the store keeps ({@link Escalations#dueLooks}), not by reading every run.
 */
final class Escalator {

    /** How long a claimed delivery is held before another instance may retry it (this one stopped while sending). */
    private static final Duration HOLD = Duration.ofMinutes(1);
    /** A failed run older than this when first seen is not escalated (a store full of old failures on a first start). */
    private static final Duration FAILED_LOOKBACK = Duration.ofDays(1);
    static final int PAGE = 200;
    /** The statuses of runs that may owe someone a notification. */
    private static final java.util.Set<RunStatus> CANDIDATES = java.util.EnumSet.of(RunStatus.WAITING, RunStatus.NEEDS_ATTENTION, RunStatus.FAILED);
    /** The most runs looked at in one tick; the rest stay due (or unlooked) for the next. */
    static final int MOST_PER_TICK = 10 * PAGE;
    /** Every how many ticks the escalator also reads which runs moved in other processes. */
    static final int SWEEP_EVERY = 5;

    private final RunStore store;
    private final RunbookLoader loader;
    private final TierDelivery delivery;
    private final Clock clock;
    private final String instance;
    private final PrintStream log;
    private volatile Optional<URI> publicUrl = Optional.empty();
    /** The runs this process stored an event of that are no longer running, with the status it stored. */
    private final Map<String, RunStatus> moved = new java.util.concurrent.ConcurrentHashMap<>();
    private int ticks;
    private boolean behind;
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

    /**
     * Looks at the runs whose look is due (a tier's time, a retry, a claim's hold, an acknowledgement: an indexed read), the
     * runs this process stored an event of since the last tick that are no longer running, and, on the first tick and every
     * {@link #SWEEP_EVERY}th, every run that moved since it was last looked at (written by another process: another instance,
     * {@code opsbook run} or {@code opsbook approve}). //why: reading the events of every waiting run each tick cost as much
     * as the runs waiting; these reads cost as much as the runs that moved or fell due.
     */
    void tick() {
        Instant now = clock.instant();
        List<Escalations.Look> looks = new java.util.ArrayList<>();
        for (StoredRun run : candidates(now)) {
            try {
                look(run, now).ifPresent(looks::add);
            } catch (RuntimeException e) {
                log.println("opsbook: cannot escalate run " + run.id() + ": " + e.getMessage());
            }
        }
        // //why: in one transaction at the tick's end; a look lost with the process is only done again (every "once" is a claim)
        store.lookAgain(looks);
    }

    /** Told of each event this process stores (after its commit): a run that stopped running may owe someone a notification. */
    void heard(RunHead head) {
        if (head.status() != RunStatus.RUNNING) {
            moved.put(head.runId(), head.status());
        }
    }

    /** The runs to look at now: due, moved here, and (on a sweep) moved anywhere; each once, at most {@link #MOST_PER_TICK}. */
    List<StoredRun> candidates(Instant now) {
        java.util.Set<String> ids = new java.util.LinkedHashSet<>(store.dueLooks(now, MOST_PER_TICK));
        List<String> ended = new java.util.ArrayList<>();
        for (java.util.Iterator<Map.Entry<String, RunStatus>> it = moved.entrySet().iterator();
             it.hasNext() && ids.size() < MOST_PER_TICK && ended.size() < MOST_PER_TICK; ) {
            Map.Entry<String, RunStatus> run = it.next();
            moved.remove(run.getKey(), run.getValue()); // //why: a status heard since stays for the next tick
            // //why: a run that ended owing nobody a notification is looked at only if someone was told of it: most runs end
            // with nobody told, and their looks are forgotten together, their rows unread
            (CANDIDATES.contains(run.getValue()) || ids.contains(run.getKey()) ? ids : ended).add(run.getKey());
        }
        ids.addAll(store.forgetLooksOfUntold(ended));
        if ((ticks++ % SWEEP_EVERY == 0 || behind) && ids.size() < MOST_PER_TICK) {
            // //why: one read of what is left room for, the oldest first (the ones whose later tiers are due); it may name a run
            // already due or moved here, which is looked at once
            ids.addAll(store.unlooked(now.minus(FAILED_LOOKBACK), 0, MOST_PER_TICK - ids.size()));
        }
        behind = ids.size() >= MOST_PER_TICK; // //why: a first start over many unlooked runs catches up tick by tick, not sweep by sweep
        List<StoredRun> runs = new java.util.ArrayList<>();
        for (String id : ids) {
            store.run(id).ifPresentOrElse(runs::add, () -> gone(id, now));
        }
        return runs;
    }

    /** Tells what is due of the run's escalation, follows up what was told, and says when to look at it again (empty: never). */
    private Optional<Escalations.Look> look(StoredRun run, Instant now) {
        boolean candidate = CANDIDATES.contains(run.status());
        List<Escalations.Notice> told = candidate ? List.of() : store.notices(run.id());
        if (!candidate && told.isEmpty()) {
            store.forgetLook(run.id()); // //why: most runs end with nobody told; nothing to follow, so no more to read
            return Optional.empty();
        }
        long seen = store.heads(List.of(run.id())).values().stream().mapToLong(RunHead::lastSeq).findFirst().orElse(0);
        Optional<Instant> next = escalate(run, now);
        List<Escalations.Notice> notices = candidate ? store.notices(run.id()) : told;
        Map<String, List<Escalations.Notice>> open = notices.stream().filter(n -> n.closedHow().isEmpty() || n.closedHow().get().equals("acknowledged"))
                .collect(Collectors.groupingBy(Escalations.Notice::occasion, LinkedHashMap::new, Collectors.toList()));
        open.forEach((key, list) -> {
            try {
                followUp(run.id(), key, list, now);
            } catch (RuntimeException e) {
                log.println("opsbook: cannot follow up the escalation of run " + run.id() + ": " + e.getMessage());
            }
        });
        List<Escalations.Notice> after = open.isEmpty() ? notices : store.notices(run.id());
        boolean going = after.stream().anyMatch(n -> n.closedHow().isEmpty() || (n.closedHow().get().equals("acknowledged") && !ended(run.status())));
        Optional<Instant> retry = after.stream().filter(n -> n.closedHow().isEmpty()).map(Escalations.Notice::retryAt).flatMap(Optional::stream)
                .min(Instant::compareTo);
        Optional<Instant> due = java.util.stream.Stream.of(next, retry).flatMap(Optional::stream).min(Instant::compareTo);
        if (next.isEmpty() && !going && !CANDIDATES.contains(run.status())) {
            store.forgetLook(run.id());
            return Optional.empty();
        }
        return Optional.of(new Escalations.Look(run.id(), seen, due));
    }

    /** A run no longer in the store: its open escalations are resolved, and it is not looked at again. */
    private void gone(String runId, Instant now) {
        store.notices(runId).stream().filter(n -> n.closedHow().isEmpty()).map(Escalations.Notice::occasion).distinct()
                .forEach(key -> store.close(runId, key, Optional.empty(), "resolved", now));
        store.forgetLook(runId);
    }

    /** Tells the tier that is due now, if one is; returns when the next tier falls due (empty: none will, as things stand). */
    private Optional<Instant> escalate(StoredRun run, Instant now) {
        if (!CANDIDATES.contains(run.status())) {
            return Optional.empty();
        }
        LoadedRunbook runbook = runbook(run);
        List<Tier> tiers = Tier.of(runbook);
        if (tiers.isEmpty()) {
            return Optional.empty();
        }
        List<RunEvent> events = store.events(run.id());
        RunResult result = RunResult.of(runbook.runbook(), events);
        Optional<Occasions.Occasion> occasion = Occasions.of(result.state(), id -> runbook.runbook().step(id).flatMap(Step::timeout));
        if (occasion.isEmpty() || (occasion.get().kind() == Occasions.Kind.FAILED && occasion.get().since().isBefore(now.minus(FAILED_LOOKBACK)))) {
            return Optional.empty();
        }
        if (occasion.get().kind() == Occasions.Kind.WAITING && occasion.get().step()
                .flatMap(x -> runbook.runbook().step(x.stepId())).map(s -> s.has(dev.opsbook.runbook.StepKindSpec.Trait.RUNS_A_RUNBOOK)).orElse(false)) {
            return Optional.empty(); // //why: it waits for its child run, which escalates by itself: one person asked once
        }
        String key = occasion.get().key();
        List<Escalations.Notice> notices = store.notices(run.id()).stream().filter(n -> n.occasion().equals(key)).toList();
        if (notices.stream().anyMatch(n -> n.closedHow().isPresent())) {
            return Optional.empty();
        }
        boolean acknowledged = store.acknowledgements(run.id()).stream().anyMatch(a -> a.occasion().equals(key));
        Map<Integer, Instant> told = new java.util.HashMap<>(notices.stream().collect(Collectors.toMap(Escalations.Notice::tier, Escalations.Notice::toldAt)));
        List<Duration> afters = tiers.stream().map(Tier::after).toList();
        Instant clockStarts = occasion.get().since().plus(occasion.get().startAfter());
        TierDecisions.Decision decision = TierDecisions.decide(afters, clockStarts, told, acknowledged, now);
        if (decision instanceof TierDecisions.Tell tell && store.claimTier(run.id(), key, tell.tier(), instance, now, now.plus(HOLD))) {
            TierMessage message = TierMessage.of(runbook, result, occasion.get(), tell.tier(), tiers.size(), publicUrl, now);
            delivery.deliver(run.id(), key, tell.tier(), tiers.get(tell.tier()).target(), List.of(), 1, message,
                    occasion.get().dedupKey(run.id()));
            told.put(tell.tier(), now);
            decision = TierDecisions.decide(afters, clockStarts, told, acknowledged, now);
        }
        return decision instanceof TierDecisions.WaitUntil wait ? Optional.of(wait.at())
                : decision instanceof TierDecisions.Tell ? Optional.of(now) : Optional.empty();
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
