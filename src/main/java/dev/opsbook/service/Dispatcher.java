package dev.opsbook.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opsbook.engine.Redactor;
import dev.opsbook.expression.ExpressionException;
import dev.opsbook.expression.Template;
import dev.opsbook.graph.LoadedRunbook;
import dev.opsbook.runbook.Concurrency;
import dev.opsbook.runbook.Limits;
import dev.opsbook.runbook.Runbook;
import dev.opsbook.store.EventOutcome;
import dev.opsbook.store.ReceivedEvent;
import dev.opsbook.store.RunStore;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Turns one incoming message into at most one run per matching runbook, exactly once: the
 * event's id is claimed in the store before anything starts, so a second delivery finds it
 * taken. Limits are checked first: past a runbook's hourly limit the event is suppressed and
 * the runbook's escalation told (once an hour); when its concurrency key is busy the event
 * waits in the queue ({@code whenBusy: queue}) or is suppressed ({@code drop}).
 *
 * //why: events for runbooks with a limit (an hourly one, a concurrency key) are dispatched one at a time, so two cannot
 * both see the limit free (the embedded store has no key locks); the others at once, each claimed in the store.
 */
public final class Dispatcher {

    /** What happened to a message, for the queue (delete it or not) and for HTTP callers. */
    public record Outcome(EventIntake.Verdict verdict, ObjectNode report) {
    }

    /** Starts a run; returns its id once its first event is durably stored. */
    public interface Launcher {
        /** @param drill the game day the run is a drill of; empty for a real run */
        String launch(LoadedRunbook runbook, ObjectNode params, JsonNode event, String eventId, Optional<String> concurrencyKey,
                      Optional<String> drill) throws Exception;
    }

    /** Tells a runbook's escalation that a limit stopped a run. */
    public interface Escalation {
        void tell(Runbook runbook, String reason, JsonNode event);
    }

    private final EventMatcher matcher;
    private final RunStore store;
    private final Launcher launcher;
    private final Escalation escalation;
    private final Clock clock;
    private final int maxReceives;
    private final Map<String, Instant> lastEscalation = new ConcurrentHashMap<>();
    private final java.util.concurrent.locks.ReentrantLock limitedOneAtATime = new java.util.concurrent.locks.ReentrantLock();
    /** //why: this instance's claim of an event is its own to take up again (reclaim): two deliveries of it here at once must not both */
    private final java.util.Set<String> dispatching = ConcurrentHashMap.newKeySet();
    private volatile dev.opsbook.metrics.ServiceMetrics metrics;
    private final String claimant;
    private final Duration claimTime;

    public Dispatcher(EventMatcher matcher, RunStore store, Launcher launcher, Escalation escalation, Clock clock, int maxReceives) {
        this(matcher, store, launcher, escalation, clock, maxReceives, "opsbook-" + ProcessHandle.current().pid(), Duration.ofSeconds(30));
    }

    /**
     * @param claimant this instance, which claims each event it starts runs for
     * @param claimTime how long a claim holds: an instance that stops before settling an event
     *        leaves the event to be taken up again by its next delivery after that long
     */
    public Dispatcher(EventMatcher matcher, RunStore store, Launcher launcher, Escalation escalation, Clock clock, int maxReceives,
                      String claimant, Duration claimTime) {
        this.claimant = claimant;
        this.claimTime = claimTime;
        this.matcher = matcher;
        this.store = store;
        this.launcher = launcher;
        this.escalation = escalation;
        this.clock = clock;
        this.maxReceives = maxReceives;
    }

    /** Counts events by what became of them, and runs a limit suppressed. */
    public void observe(dev.opsbook.metrics.ServiceMetrics metrics) {
        this.metrics = metrics;
    }

    public Outcome handle(String channel, String body, int receiveCount) {
        return handle(channel, body, receiveCount, Optional.empty());
    }

    /** @param drill the game day whose drill this event is: its runs are drills of it */
    public Outcome handle(String channel, String body, int receiveCount, Optional<String> drill) {
        Outcome outcome = dispatchOrFail(channel, body, receiveCount, drill);
        if (metrics != null) {
            metrics.eventHandled(channel, outcome.report().path("outcome").asText("unknown"));
        }
        return outcome;
    }

    private Outcome dispatchOrFail(String channel, String body, int receiveCount, Optional<String> drill) {
        try {
            return dispatch(channel, body, drill);
        } catch (RuntimeException e) {
            String id = idOf(body);
            if (receiveCount >= maxReceives) {
                ReceivedEvent poison = new ReceivedEvent(id, clock.instant(), channel, "", "", EventOutcome.POISON,
                        "failed " + receiveCount + " times, left to the queue's redrive policy: " + e, List.of(), kept(body));
                if (!store.claim(poison)) {
                    store.settle(id, EventOutcome.POISON, poison.reason(), List.of());
                }
            }
            return new Outcome(EventIntake.Verdict.LATER, report(id, "failed", e.toString(), List.of()));
        }
    }

    private Outcome dispatch(String channel, String body, Optional<String> drill) {
        EventMatcher.Parsed parsed = matcher.parse(body);
        if (parsed.event().isEmpty()) {
            String id = "rejected-" + digest(body);
            store.claim(new ReceivedEvent(id, clock.instant(), channel, "", "", EventOutcome.REJECTED, parsed.problem(), List.of(), kept(body)));
            return done(id, EventOutcome.REJECTED.label(), parsed.problem(), List.of());
        }
        EventMatcher.Event event = parsed.event().get();
        if (!dispatching.add(event.id())) {
            return new Outcome(EventIntake.Verdict.LATER, report(event.id(), "in-progress",
                    "another delivery of this event is being handled here; the message comes back until it is settled", List.of()));
        }
        try {
            return dispatchEvent(channel, body, drill, event);
        } finally {
            dispatching.remove(event.id());
        }
    }

    private Outcome dispatchEvent(String channel, String body, Optional<String> drill, EventMatcher.Event event) {
        Redactor redactor = matcher.redactor(event.raw());
        String kept = kept(body, event.raw(), redactor);
        Optional<ReceivedEvent> known = store.receivedEvent(event.id());
        if (known.isPresent() && known.get().outcome() != EventOutcome.RECEIVED) {
            return done(event.id(), "duplicate", "already " + known.get().outcome().label() + " at " + known.get().receivedAt(), known.get().runIds());
        }
        List<EventMatcher.Match> matches = matcher.match(event);
        if (matches.isEmpty()) {
            claimOrSettle(event, channel, kept, EventOutcome.NO_MATCH, "no runbook's trigger matches this event", List.of());
            return done(event.id(), EventOutcome.NO_MATCH.label(), "no runbook's trigger matches this event", List.of());
        }
        boolean limited = matches.stream().map(m -> m.runbook().runbook())
                .anyMatch(r -> r.concurrency().isPresent() || r.limits().flatMap(Limits::maxRunsPerHour).isPresent());
        if (limited) {
            limitedOneAtATime.lock();
        }
        // //why: a concurrency key is locked in the store (PostgreSQL: an advisory lock) from the check until its run is stored,
        // so two instances handling two events for one key cannot both find it free; in one order, so they cannot deadlock
        List<RunStore.KeyLock> locks = new ArrayList<>();
        try {
            matches.stream().filter(m -> m.params().isPresent() && m.runbook().runbook().concurrency().isPresent())
                    .map(m -> List.of(m.runbook().runbook().id(), concurrencyKey(m.runbook().runbook(), m.params().get()).orElse("")))
                    .distinct().sorted(java.util.Comparator.comparing((List<String> k) -> k.get(0)).thenComparing(k -> k.get(1)))
                    .forEach(key -> locks.add(store.lockConcurrencyKey(key.get(0), key.get(1))));
            return dispatchLocked(channel, kept, redactor, event, matches, known.isPresent(), drill);
        } finally {
            for (int i = locks.size() - 1; i >= 0; i--) {
                locks.get(i).close();
            }
            if (limited) {
                limitedOneAtATime.unlock();
            }
        }
    }

    /**
     * @param body the message as it is kept: secrets masked
     * @param claimedBefore the event was claimed, and never settled, before this delivery
     */
    private Outcome dispatchLocked(String channel, String body, Redactor redactor, EventMatcher.Event event, List<EventMatcher.Match> matches,
                                   boolean claimedBefore, Optional<String> drill) {
        List<Plan> plans = new ArrayList<>();
        List<String> reasons = new ArrayList<>();
        boolean busyAndQueued = false;
        // //why: an instance that stopped between claiming this event and settling it may have started some of its runs
        Map<String, String> alreadyStarted = new LinkedHashMap<>();
        // (an event claimed by another delivery since the lookup above is kept from starting a run twice by the store's
        // one run per runbook and event)
        if (claimedBefore) {
            store.runsOfEvent(event.id()).forEach(run -> alreadyStarted.putIfAbsent(run.runbookId(), run.id()));
        }
        for (EventMatcher.Match match : matches) {
            Runbook runbook = match.runbook().runbook();
            if (alreadyStarted.containsKey(runbook.id())) {
                continue;
            }
            if (match.params().isEmpty()) {
                reasons.add(runbook.id() + ": " + match.problem());
                continue;
            }
            Optional<String> key = concurrencyKey(runbook, match.params().get());
            Optional<String> limited = limited(runbook, key);
            if (limited.isPresent()) {
                if (limited.get().startsWith("busy") && runbook.concurrency().map(c -> c.whenBusy() == Concurrency.WhenBusy.QUEUE).orElse(true)) {
                    busyAndQueued = true;
                    reasons.add(runbook.id() + ": " + limited.get() + "; the event waits in the queue");
                    continue;
                }
                reasons.add(runbook.id() + ": " + limited.get());
                if (metrics != null) {
                    metrics.runSuppressed(runbook.id());
                }
                escalate(runbook, limited.get(), redactor.json(event.raw()));
                continue;
            }
            plans.add(new Plan(match, key));
        }
        if (plans.isEmpty() && busyAndQueued) {
            return new Outcome(EventIntake.Verdict.LATER, report(event.id(), "queued", String.join("; ", reasons), List.of()));
        }
        Instant now = clock.instant();
        boolean claimed = store.claim(new ReceivedEvent(event.id(), now, channel, event.source(), event.detailType(),
                EventOutcome.RECEIVED, "", List.of(), body), claimant, now.plus(claimTime));
        if (!claimed) {
            Optional<ReceivedEvent> known = store.receivedEvent(event.id());
            if (known.isPresent() && known.get().outcome() != EventOutcome.RECEIVED) {
                return done(event.id(), "duplicate", "already " + known.get().outcome().label() + " while this delivery was on its way",
                        known.get().runIds());
            }
            if (!store.reclaim(event.id(), claimant, now, now.plus(claimTime))) {
                // //why: not DONE: acknowledging it would lose the event if its claimant stops before settling it
                return new Outcome(EventIntake.Verdict.LATER, report(event.id(), "in-progress",
                        "another instance is starting this event's runs; the message comes back until it is settled", List.of()));
            }
        }
        List<String> runIds = new ArrayList<>(alreadyStarted.values());
        for (Plan plan : plans) {
            try {
                runIds.add(launcher.launch(plan.match().runbook(), plan.match().params().get(), event.raw(), event.id(), plan.key(), drill));
            } catch (Exception e) {
                // //why: not settled as rejected: a run that cannot start now (the store is away, another instance raced it) is
                // no verdict on the event; let the claim go so its next delivery takes it up, finding whatever did start
                try {
                    store.reclaim(event.id(), claimant, clock.instant(), clock.instant());
                } catch (RuntimeException ignored) {
                    // the claim expires by itself
                }
                throw new IllegalStateException(plan.match().runbook().runbook().id() + ": cannot start: " + e.getMessage(), e);
            }
        }
        EventOutcome outcome = !runIds.isEmpty() ? EventOutcome.STARTED
                : reasons.stream().anyMatch(r -> r.contains("limit") || r.contains("busy")) ? EventOutcome.SUPPRESSED
                : EventOutcome.REJECTED;
        store.settle(event.id(), outcome, String.join("; ", reasons), runIds);
        return done(event.id(), outcome.label(), String.join("; ", reasons), runIds);
    }

    private record Plan(EventMatcher.Match match, Optional<String> key) {
    }

    private boolean claimOrSettle(EventMatcher.Event event, String channel, String body, EventOutcome outcome, String reason, List<String> runs) {
        boolean claimed = store.claim(new ReceivedEvent(event.id(), clock.instant(), channel, event.source(), event.detailType(),
                outcome, reason, runs, body));
        if (!claimed && outcome != EventOutcome.RECEIVED) {
            store.settle(event.id(), outcome, reason, runs);
        }
        return claimed;
    }

    /** The message as the store keeps it: with what any trigger reads into a secret parameter masked. */
    private String kept(String body) {
        JsonNode json;
        try {
            json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(body);
        } catch (Exception e) {
            return body; // not JSON: no trigger could read a secret from it
        }
        return json == null || !json.isObject() ? body : kept(body, json, matcher.redactor(json));
    }

    /** //why: the masked JSON rather than the text: a secret escaped in the message's JSON would not be found in its text */
    private static String kept(String body, JsonNode message, Redactor redactor) {
        return redactor.isEmpty() ? body : redactor.json(message).toString();
    }

    private Optional<String> concurrencyKey(Runbook runbook, ObjectNode params) {
        return runbook.concurrency().map(c -> c.key().map(key -> {
            ObjectNode context = JsonNodeFactory.instance.objectNode();
            context.set("params", params);
            try {
                return Template.asText(Template.parse(key).render(context));
            } catch (ExpressionException e) {
                return key;
            }
        }).orElse(""));
    }

    /** Why a limit keeps this runbook from starting now, if one does. */
    private Optional<String> limited(Runbook runbook, Optional<String> key) {
        Optional<Integer> perHour = runbook.limits().flatMap(Limits::maxRunsPerHour);
        if (perHour.isPresent()) {
            long started = store.runsStartedSince(runbook.id(), clock.instant().minus(Duration.ofHours(1)));
            if (started >= perHour.get()) {
                return Optional.of("hourly limit reached (" + started + " runs in the last hour, limits.maxRunsPerHour is " + perHour.get() + ")");
            }
        }
        if (key.isPresent() && runbook.concurrency().isPresent()) {
            long active = store.activeRuns(runbook.id(), key.get());
            if (active >= runbook.concurrency().get().limit()) {
                return Optional.of("busy: " + active + " run(s) for key '" + key.get() + "' already active (concurrency limit "
                        + runbook.concurrency().get().limit() + ")");
            }
        }
        return Optional.empty();
    }

    private void escalate(Runbook runbook, String reason, JsonNode event) {
        Instant now = clock.instant();
        Instant last = lastEscalation.get(runbook.id());
        if (last != null && last.isAfter(now.minus(Duration.ofHours(1)))) {
            return; // told within the hour: a flapping alarm is one escalation, not a hundred
        }
        lastEscalation.put(runbook.id(), now);
        // //why: in the store too, so that several instances (or this one restarted) tell people once an hour, not once each
        if (store.escalateOnce("limit:" + runbook.id(), now, now.minus(Duration.ofHours(1)))) {
            escalation.tell(runbook, reason, event);
        }
    }

    private Outcome done(String id, String outcome, String reason, List<String> runs) {
        return new Outcome(EventIntake.Verdict.DONE, report(id, outcome, reason, runs));
    }

    private static ObjectNode report(String id, String outcome, String reason, List<String> runs) {
        ObjectNode report = JsonNodeFactory.instance.objectNode();
        report.put("event", id);
        report.put("outcome", outcome);
        if (!reason.isEmpty()) {
            report.put("reason", reason);
        }
        runs.forEach(report.putArray("runs")::add);
        return report;
    }

    private static String idOf(String body) {
        try {
            JsonNode json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(body);
            if (json.hasNonNull("id") && json.get("id").isTextual()) {
                return json.get("id").asText();
            }
        } catch (Exception e) {
            // not JSON
        }
        return "rejected-" + digest(body);
    }

    private static String digest(String body) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body.getBytes(StandardCharsets.UTF_8))).substring(0, 24);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static Map<String, String> asTexts(ObjectNode params) {
        Map<String, String> texts = new LinkedHashMap<>();
        // //why: an optional parameter the event does not give is null here; as the text "null" it would fail its type
        params.fields().forEachRemaining(f -> {
            if (!f.getValue().isNull()) {
                texts.put(f.getKey(), f.getValue().isTextual() ? f.getValue().textValue() : f.getValue().toString());
            }
        });
        return texts;
    }
}
