package dev.opsbook.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.opsbook.engine.FixtureRun;
import dev.opsbook.engine.Fixtures;
import dev.opsbook.engine.Interaction;
import dev.opsbook.engine.RunControl;
import dev.opsbook.engine.RunEvent;
import dev.opsbook.engine.RunListener;
import dev.opsbook.engine.RunResult;
import dev.opsbook.engine.RunState;
import dev.opsbook.engine.RunStatus;
import dev.opsbook.engine.StepStatus;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every {@link RunStore} does, whatever database is behind it. A subclass says where a
 * fresh, empty database is; each test gets its own.
 */
@Timeout(60)
abstract class RunStoreContractTest {

    /** An instant with microseconds, which both databases keep exactly. */
    static final Instant T0 = Instant.parse("2026-11-23T10:00:00.123456Z");

    @TempDir
    Path workDir;

    String url;
    RunStore store;

    /** The JDBC URL of a new, empty database (or schema). */
    abstract String newDatabaseUrl() throws Exception;

    abstract String user();

    abstract String password();

    RunStore open(String jdbcUrl) {
        return JdbcRunStore.open(jdbcUrl, user(), password());
    }

    @BeforeEach
    void openStore() throws Exception {
        url = newDatabaseUrl();
        store = open(url);
    }

    @AfterEach
    void closeStore() {
        if (store != null) {
            store.close();
        }
    }

    // ---- runs and their events ------------------------------------------------------------

    @Test
    void a_created_run_reads_back_with_its_row_its_runbook_text_and_its_start_event() {
        RunEvent.RunStarted started = started("r1", "deploy", T0, "cli");
        StoredRun row = new StoredRun("r1", "deploy", "runbooks/deploy.md", "hash-1", RunStatus.RUNNING, "cli", "alice",
                Optional.of("evt-1"), Optional.of("prod"), T0, Optional.empty(), "", "");

        store.create(row, "# Deploy\n\ntext ✓", started);

        assertThat(store.run("r1")).contains(row);
        assertThat(store.runbookText("r1")).contains("# Deploy\n\ntext ✓");
        assertThat(store.events("r1")).containsExactly(started);
        assertThat(store.run("nope")).isEmpty();
        assertThat(store.runbookText("nope")).isEmpty();
        assertThat(store.events("nope")).isEmpty();
    }

    // ---- tokens, cancellation requests, restarts --------------------------------------------

    @Test
    void tokens_are_found_by_the_hash_of_their_secret_listed_and_revoked_once() {
        var tokens = new dev.opsbook.access.ApiTokens(store.tokens(), java.time.Clock.systemUTC());
        var issued = tokens.issue("ada", java.util.Set.of(dev.opsbook.access.Role.OPERATOR, dev.opsbook.access.Role.APPROVER));
        assertThat(tokens.authenticate(issued.secret())).map(p -> p.name() + " " + p.roles())
                .hasValueSatisfying(v -> assertThat(v).contains("ada", "OPERATOR", "APPROVER"));
        assertThat(store.tokens().tokens()).extracting(dev.opsbook.access.ApiToken::id).containsExactly(issued.token().id());
        assertThat(store.tokens().revokeToken(issued.token().id(), T0)).isTrue();
        assertThat(store.tokens().revokeToken(issued.token().id(), T0)).as("revoked once").isFalse();
        assertThat(tokens.authenticate(issued.secret())).isEmpty();
        assertThat(store.tokens().token(issued.token().id()).orElseThrow().revokedAt()).contains(T0);
    }

    @Test
    void a_cancel_request_is_seen_while_its_run_runs_and_asked_once() {
        store.create(new StoredRun("c1", "deploy", "runbooks/deploy.md", "hash-1", RunStatus.RUNNING, "cli", "alice",
                Optional.empty(), Optional.empty(), T0, Optional.empty(), "", ""), "# Deploy", started("c1", "deploy", T0, "cli"));
        assertThat(store.requestCancel(new CancelRequest("c1", T0, "bob", "stop"))).isTrue();
        assertThat(store.requestCancel(new CancelRequest("c1", T0, "bob", "stop"))).isFalse();
        assertThat(store.cancelRequestsOfRunningRuns()).extracting(CancelRequest::runId).containsExactly("c1");
        store.append("c1", 2, new RunEvent.RunFinished(T0, RunStatus.CANCELLED, "cancelled"));
        assertThat(store.cancelRequestsOfRunningRuns()).isEmpty();
    }

    @Test
    void a_failed_run_takes_a_restart_and_runs_again_but_a_succeeded_one_does_not() {
        store.create(new StoredRun("f1", "deploy", "runbooks/deploy.md", "hash-1", RunStatus.RUNNING, "cli", "alice",
                Optional.empty(), Optional.empty(), T0, Optional.empty(), "", ""), "# Deploy", started("f1", "deploy", T0, "cli"));
        store.append("f1", 2, new RunEvent.RunFinished(T0, RunStatus.FAILED, "step 'x' failed"));
        RunEvent.RunRestarted restarted = new RunEvent.RunRestarted(T0, "bob", "x", List.of("x"));
        store.append("f1", 3, restarted);
        assertThat(store.run("f1").orElseThrow().status()).isEqualTo(RunStatus.RUNNING);
        assertThat(store.events("f1").get(2)).isEqualTo(restarted);
        store.append("f1", 4, new RunEvent.RunFinished(T0, RunStatus.SUCCEEDED, ""));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> store.append("f1", 5, restarted))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("has finished (succeeded)");
    }

    @Test
    void a_run_stored_event_by_event_folds_back_to_the_state_it_ended_in() throws Exception {
        RunResult result = Fixtures.run("engine/rollback.md", Map.of("failAt", "switch"), Fixtures.answering(FixtureRun.Answers.YES),
                workDir, new RunControl(), RunListener.NONE);

        storeEventByEvent(result);

        List<RunEvent> events = store.events(result.state().runId());
        assertThat(events).hasSameSizeAs(result.events());
        assertThat(events.get(0)).isEqualTo(result.events().get(0));
        SameJson.assertSameState(fold(events), result.state());
        StoredRun row = store.run(result.state().runId()).orElseThrow();
        assertThat(row.status()).isEqualTo(RunStatus.FAILED);
        assertThat(row.message()).isEqualTo(result.state().message()).contains("step 'switch' failed");
        assertThat(row.endedAt()).contains(result.state().endedAt().orElseThrow().truncatedTo(ChronoUnit.MICROS));
        assertThat(row.startedAt()).isEqualTo(result.state().startedAt().truncatedTo(ChronoUnit.MICROS));
        assertThat(row.waitingFor()).isEmpty();
    }

    @Test
    void a_run_nobody_answered_waits_then_runs_again_when_resumed_and_then_succeeds() throws Exception {
        RunResult result = Fixtures.run("engine/people.md", Map.of(), Fixtures.answering(FixtureRun.Answers.NOBODY),
                workDir, new RunControl(), RunListener.NONE);
        String id = result.state().runId();
        long seq = storeEventByEvent(result);

        StoredRun waiting = store.run(id).orElseThrow();
        assertThat(waiting.status()).isEqualTo(RunStatus.WAITING);
        assertThat(waiting.waitingFor()).isEqualTo("tell-the-service-owner");
        assertThat(waiting.message()).isEqualTo("waiting for a person at tell-the-service-owner");
        assertThat(waiting.endedAt()).isPresent();
        assertThat(store.activeRuns(result.state().runbookId(), null)).isEqualTo(1);

        Instant later = Instant.now();
        store.append(id, ++seq, new RunEvent.StepAnswered(later, "tell-the-service-owner",
                new Interaction.Answer(true, "carol", "done", later, "approve")));
        assertThat(store.run(id).orElseThrow().status()).as("an answer alone resumes nothing").isEqualTo(RunStatus.WAITING);
        store.append(id, ++seq, new RunEvent.RunResumed(later, "opsbook serve"));
        StoredRun resumed = store.run(id).orElseThrow();
        assertThat(resumed.status()).isEqualTo(RunStatus.RUNNING);
        assertThat(resumed.waitingFor()).isEmpty();
        assertThat(resumed.message()).isEmpty();
        assertThat(resumed.endedAt()).isEmpty();

        store.append(id, ++seq, new RunEvent.StepFinished(later, "tell-the-service-owner", StepStatus.SUCCEEDED, null, "done by carol"));
        store.append(id, ++seq, new RunEvent.RunFinished(later.plusMillis(5), RunStatus.SUCCEEDED, ""));
        StoredRun succeeded = store.run(id).orElseThrow();
        assertThat(succeeded.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(succeeded.endedAt()).contains(later.plusMillis(5).truncatedTo(ChronoUnit.MICROS));
        assertThat(store.activeRuns(result.state().runbookId(), null)).isZero();
        assertThat(fold(store.events(id)).execution("tell-the-service-owner").orElseThrow().status()).isEqualTo(StepStatus.SUCCEEDED);
    }

    @Test
    void an_event_that_does_not_follow_the_last_one_or_comes_after_the_end_is_refused() {
        store.create(row("r1", "deploy", T0, "cli", null), "text", started("r1", "deploy", T0, "cli"));
        RunEvent skipped = new RunEvent.StepSkipped(T0, "a", "condition is false");

        assertThatThrownBy(() -> store.append("r1", 3, skipped)).isInstanceOf(IllegalStateException.class)
                .hasMessage("run r1: event 3 does not follow the last stored event, 1");
        store.append("r1", 2, skipped);
        assertThatThrownBy(() -> store.append("r1", 2, skipped)).as("a second writer with the same event number")
                .isInstanceOf(IllegalStateException.class);
        store.append("r1", 3, new RunEvent.RunFinished(T0, RunStatus.SUCCEEDED, ""));
        assertThatThrownBy(() -> store.append("r1", 4, skipped)).isInstanceOf(IllegalStateException.class)
                .hasMessage("run r1 has finished (succeeded): no event can follow");
        assertThatThrownBy(() -> store.append("nope", 2, skipped)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("no run nope");
        assertThatThrownBy(() -> store.create(row("r1", "deploy", T0, "cli", null), "text", started("r1", "deploy", T0, "cli")))
                .isInstanceOf(IllegalStateException.class).hasMessage("run r1 is already stored");
        assertThat(store.events("r1")).hasSize(3);
    }

    @Test
    void runs_are_listed_newest_first_and_filtered_by_runbook_status_and_trigger() {
        create("r1", "deploy", T0, "cli", null);
        create("r2", "deploy", T0.plusSeconds(60), "event", null);
        create("r3", "backup", T0.plusSeconds(120), "cli", null);
        create("r4", "deploy", T0.plusSeconds(180), "cli", null);
        store.append("r2", 2, new RunEvent.RunFinished(T0.plusSeconds(70), RunStatus.FAILED, "it broke"));
        store.append("r4", 2, new RunEvent.RunFinished(T0.plusSeconds(190), RunStatus.SUCCEEDED, ""));

        assertThat(ids(store.runs(RunQuery.latest(10)))).containsExactly("r4", "r3", "r2", "r1");
        assertThat(ids(store.runs(RunQuery.latest(2)))).containsExactly("r4", "r3");
        assertThat(ids(store.runs(RunQuery.latest(0)))).as("no limit").hasSize(4);
        assertThat(ids(store.runs(query(Optional.of("deploy"), Optional.empty(), Optional.empty())))).containsExactly("r4", "r2", "r1");
        assertThat(ids(store.runs(query(Optional.empty(), Optional.of(RunStatus.RUNNING), Optional.empty())))).containsExactly("r3", "r1");
        assertThat(ids(store.runs(query(Optional.empty(), Optional.empty(), Optional.of("event"))))).containsExactly("r2");
        assertThat(ids(store.runs(query(Optional.of("deploy"), Optional.of(RunStatus.SUCCEEDED), Optional.of("cli"))))).containsExactly("r4");
        assertThat(store.runs(query(Optional.of("backup"), Optional.of(RunStatus.FAILED), Optional.empty()))).isEmpty();
        StoredRun failed = store.run("r2").orElseThrow();
        assertThat(failed.message()).isEqualTo("it broke");
        assertThat(failed.endedAt()).contains(T0.plusSeconds(70));
    }

    @Test
    void runs_started_since_counts_a_runbooks_runs_from_that_moment_whatever_their_status() {
        create("r1", "deploy", T0, "cli", null);
        create("r2", "deploy", T0.plusSeconds(60), "event", null);
        create("r3", "deploy", T0.plusSeconds(120), "event", null);
        create("r4", "backup", T0.plusSeconds(120), "event", null);
        store.append("r2", 2, new RunEvent.RunFinished(T0.plusSeconds(61), RunStatus.FAILED, "no"));

        assertThat(store.runsStartedSince("deploy", T0)).isEqualTo(3);
        assertThat(store.runsStartedSince("deploy", T0.plusSeconds(60))).as("at the moment counts").isEqualTo(2);
        assertThat(store.runsStartedSince("deploy", T0.plusSeconds(60).plusNanos(1000))).isEqualTo(1);
        assertThat(store.runsStartedSince("deploy", T0.plusSeconds(121))).isZero();
        assertThat(store.runsStartedSince("nothing", T0)).isZero();
    }

    @Test
    void answered_runs_are_the_waiting_runs_whose_answer_nobody_took_up_however_old() {
        for (int i = 1; i <= 5; i++) {
            create("w" + i, "gate", T0.plusSeconds(i), "event", null);
            store.append("w" + i, 2, new RunEvent.RunFinished(T0.plusSeconds(10 + i), RunStatus.WAITING, "waiting for a person at allow"));
        }
        assertThat(store.answeredRuns(100)).isEmpty();
        Instant later = T0.plusSeconds(60);
        for (String id : List.of("w1", "w3")) {
            store.append(id, 3, new RunEvent.StepAnswered(later, "allow", new Interaction.Answer(true, "carol", "", later, "approve")));
        }

        assertThat(store.answeredRuns(100)).extracting(StoredRun::id).containsExactly("w1", "w3");
        assertThat(store.answeredRuns(1)).extracting(StoredRun::id).as("the oldest first").containsExactly("w1");
        store.append("w1", 4, new RunEvent.RunResumed(later, "opsbook serve"));
        assertThat(store.answeredRuns(100)).extracting(StoredRun::id).as("taken up").containsExactly("w3");
    }

    @Test
    void active_runs_count_the_running_and_waiting_runs_of_a_runbook_with_one_concurrency_key() {
        create("r1", "deploy", T0, "event", "prod");
        create("r2", "deploy", T0.plusSeconds(1), "event", "prod");
        create("r3", "deploy", T0.plusSeconds(2), "event", "prod");
        create("r4", "deploy", T0.plusSeconds(3), "event", "staging");
        create("r5", "backup", T0.plusSeconds(4), "event", "prod");
        create("r6", "deploy", T0.plusSeconds(5), "cli", null);
        store.append("r2", 2, new RunEvent.RunFinished(T0.plusSeconds(9), RunStatus.WAITING, "waiting for a person at gate"));
        store.append("r3", 2, new RunEvent.RunFinished(T0.plusSeconds(9), RunStatus.CANCELLED, "cancelled"));

        assertThat(store.activeRuns("deploy", "prod")).as("r1 running, r2 waiting").isEqualTo(2);
        assertThat(store.activeRuns("deploy", "staging")).isEqualTo(1);
        assertThat(store.activeRuns("backup", "prod")).isEqualTo(1);
        assertThat(store.activeRuns("deploy", "dev")).isZero();
        assertThat(store.activeRuns("deploy", null)).as("runs without a key").isEqualTo(1);
        store.append("r1", 2, new RunEvent.RunFinished(T0.plusSeconds(10), RunStatus.SUCCEEDED, ""));
        assertThat(store.activeRuns("deploy", "prod")).isEqualTo(1);
    }

    @Test
    void runs_and_their_events_survive_closing_and_reopening_the_store() throws Exception {
        RunResult result = Fixtures.run("engine/conditions.md", Map.of(), Fixtures.answering(FixtureRun.Answers.YES),
                workDir, new RunControl(), RunListener.NONE);
        storeEventByEvent(result);
        store.claim(received("evt-1", T0, EventOutcome.RECEIVED));
        StoredRun before = store.run(result.state().runId()).orElseThrow();
        store.close();
        store = null;

        store = open(url);

        assertThat(store.run(result.state().runId())).contains(before);
        SameJson.assertSameState(fold(store.events(result.state().runId())), result.state());
        assertThat(store.receivedEvent("evt-1")).isPresent();
        assertThat(store.claim(received("evt-1", T0, EventOutcome.RECEIVED))).isFalse();
    }

    // ---- events received from outside ----------------------------------------------------

    @Test
    void claiming_an_event_succeeds_once_and_a_second_delivery_is_told_it_was_seen() {
        ReceivedEvent event = received("evt-1", T0, EventOutcome.RECEIVED);

        assertThat(store.claim(event)).isTrue();
        assertThat(store.claim(event)).isFalse();
        assertThat(store.claim(received("evt-1", T0.plusSeconds(5), EventOutcome.RECEIVED))).isFalse();
        assertThat(store.receivedEvent("evt-1")).contains(event);
        assertThat(store.receivedEvent("evt-2")).isEmpty();
    }

    @Test
    void of_eight_threads_claiming_one_event_at_the_same_moment_exactly_one_wins() throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(8);
        try {
            for (int round = 0; round < 10; round++) {
                ReceivedEvent event = received("evt-" + round, T0, EventOutcome.RECEIVED);
                CountDownLatch go = new CountDownLatch(1);
                List<Future<Boolean>> claims = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    Callable<Boolean> claim = () -> {
                        go.await();
                        return store.claim(event);
                    };
                    claims.add(threads.submit(claim));
                }
                go.countDown();
                int won = 0;
                for (Future<Boolean> claim : claims) {
                    won += claim.get() ? 1 : 0;
                }
                assertThat(won).as("winners of round %d", round).isEqualTo(1);
            }
        } finally {
            threads.shutdownNow();
        }
        assertThat(store.receivedEvents(100)).hasSize(10);
    }

    @Test
    void a_settled_event_says_which_runs_it_started_or_why_it_started_none() {
        store.claim(received("evt-1", T0, EventOutcome.RECEIVED));
        store.claim(received("evt-2", T0.plusSeconds(1), EventOutcome.RECEIVED));
        store.claim(received("evt-3", T0.plusSeconds(2), EventOutcome.RECEIVED));

        store.settle("evt-1", EventOutcome.STARTED, "", List.of("r1", "r2"));
        store.settle("evt-2", EventOutcome.SUPPRESSED, "the hourly limit of 3 runs was reached", List.of());

        ReceivedEvent started = store.receivedEvent("evt-1").orElseThrow();
        assertThat(started.outcome()).isEqualTo(EventOutcome.STARTED);
        assertThat(started.runIds()).containsExactly("r1", "r2");
        assertThat(started.body()).isEqualTo(received("evt-1", T0, EventOutcome.RECEIVED).body());
        ReceivedEvent suppressed = store.receivedEvent("evt-2").orElseThrow();
        assertThat(suppressed.outcome()).isEqualTo(EventOutcome.SUPPRESSED);
        assertThat(suppressed.reason()).isEqualTo("the hourly limit of 3 runs was reached");
        assertThat(suppressed.runIds()).isEmpty();
        assertThat(store.receivedEvents(10)).extracting(ReceivedEvent::eventId).containsExactly("evt-3", "evt-2", "evt-1");
        assertThat(store.receivedEvents(2)).extracting(ReceivedEvent::eventId).containsExactly("evt-3", "evt-2");
        assertThat(store.receivedEvents(10).get(0).outcome()).as("claimed, not settled").isEqualTo(EventOutcome.RECEIVED);
        assertThatThrownBy(() -> store.settle("evt-9", EventOutcome.NO_MATCH, "", List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("no event evt-9 was claimed");
    }

    @Test
    void an_event_claimed_by_an_instance_that_stopped_is_taken_up_again_once_its_claim_expires_but_never_once_settled() {
        assertThat(store.claim(received("evt-1", T0, EventOutcome.RECEIVED), "a", T0.plusSeconds(2))).isTrue();
        assertThat(store.claim(received("evt-1", T0.plusSeconds(1), EventOutcome.RECEIVED), "b", T0.plusSeconds(3))).isFalse();

        assertThat(store.reclaim("evt-1", "b", T0.plusSeconds(1), T0.plusSeconds(3))).as("a's claim still holds").isFalse();
        assertThat(store.reclaim("evt-1", "a", T0.plusSeconds(1), T0.plusSeconds(4))).as("a, restarted under its name").isTrue();
        assertThat(store.reclaim("evt-1", "b", T0.plusSeconds(5), T0.plusSeconds(7))).as("a's claim expired").isTrue();
        assertThat(store.reclaim("evt-1", "c", T0.plusSeconds(6), T0.plusSeconds(8))).as("b holds it now").isFalse();

        store.settle("evt-1", EventOutcome.STARTED, "", List.of("r1"));
        assertThat(store.reclaim("evt-1", "c", T0.plusSeconds(60), T0.plusSeconds(62))).as("settled").isFalse();
        assertThat(store.reclaim("evt-1", "b", T0.plusSeconds(60), T0.plusSeconds(62))).as("settled, even for its claimant").isFalse();
    }

    @Test
    void an_escalation_is_sent_by_one_caller_once_per_period_whichever_instance_asks() throws Exception {
        Instant hourAgo = T0.minusSeconds(3600);
        assertThat(store.escalateOnce("limit:restart", T0, hourAgo)).isTrue();
        assertThat(store.escalateOnce("limit:restart", T0.plusSeconds(60), T0.plusSeconds(60 - 3600))).as("within the hour").isFalse();
        assertThat(store.escalateOnce("limit:other", T0.plusSeconds(60), T0.plusSeconds(60 - 3600))).as("another key").isTrue();
        assertThat(store.escalateOnce("limit:restart", T0.plusSeconds(3601), T0.plusSeconds(1))).as("an hour later").isTrue();
        assertThat(store.escalateOnce("wait:r1/allow", T0, Instant.EPOCH)).isTrue();
        assertThat(store.escalateOnce("wait:r1/allow", T0.plusSeconds(86_400), Instant.EPOCH)).as("once ever").isFalse();

        ExecutorService threads = Executors.newFixedThreadPool(8);
        try {
            List<Future<Boolean>> asks = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                asks.add(threads.submit(() -> store.escalateOnce("wait:r2/allow", T0, Instant.EPOCH)));
            }
            long sent = 0;
            for (Future<Boolean> ask : asks) {
                sent += ask.get() ? 1 : 0;
            }
            assertThat(sent).as("eight instances at the same moment").isEqualTo(1);
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void an_event_starts_at_most_one_run_of_a_runbook_and_its_runs_are_found_by_the_event() {
        store.create(withEvent(row("r1", "restart", T0, "event", null), "evt-1"), "text", started("r1", "restart", T0, "event"));
        store.create(withEvent(row("r2", "notify", T0, "event", null), "evt-1"), "text", started("r2", "notify", T0, "event"));
        create("r3", "restart", T0, "manual", null);

        assertThatThrownBy(() -> store.create(withEvent(row("r4", "restart", T0, "event", null), "evt-1"), "text",
                started("r4", "restart", T0, "event"))).as("a second run of restart for evt-1").isInstanceOf(IllegalStateException.class)
                .hasMessage("event evt-1 already started a run of restart");
        assertThat(ids(store.runsOfEvent("evt-1"))).containsExactlyInAnyOrder("r1", "r2");
        assertThat(store.runsOfEvent("evt-2")).isEmpty();
        assertThat(store.run("r4")).isEmpty();
    }

    static StoredRun withEvent(StoredRun run, String eventId) {
        return new StoredRun(run.id(), run.runbookId(), run.runbookFile(), run.contentHash(), run.status(), run.trigger(), run.startedBy(),
                Optional.of(eventId), run.concurrencyKey(), run.startedAt(), run.endedAt(), run.message(), run.waitingFor());
    }

    @Test
    void an_event_that_is_not_one_keeps_its_missing_fields_missing() {
        ReceivedEvent odd = new ReceivedEvent("sha256:abc", T0, "http", null, null, EventOutcome.REJECTED, "not an EventBridge event",
                List.of(), "not json at all");

        assertThat(store.claim(odd)).isTrue();

        assertThat(store.receivedEvent("sha256:abc")).contains(odd);
    }

    // ---- helpers ----------------------------------------------------------------------------

    /** Stores a finished run as the engine would while running it; returns the last seq. */
    long storeEventByEvent(RunResult result) {
        RunState state = result.state();
        RunEvent.RunStarted started = (RunEvent.RunStarted) result.events().get(0);
        store.create(new StoredRun(state.runId(), state.runbookId(), "runbooks/" + state.runbookId() + ".md", state.contentHash(),
                        RunStatus.RUNNING, state.trigger(), state.startedBy(), Optional.empty(), Optional.empty(), started.at(),
                        Optional.empty(), "", ""),
                "the runbook's text", started);
        long seq = 1;
        for (RunEvent event : result.events().subList(1, result.events().size())) {
            store.append(state.runId(), ++seq, event);
        }
        return seq;
    }

    static RunState fold(List<RunEvent> events) {
        RunState state = RunState.of((RunEvent.RunStarted) events.get(0));
        for (RunEvent event : events.subList(1, events.size())) {
            state = state.apply(event);
        }
        return state;
    }

    // ---- leases ---------------------------------------------------------------------------------

    void createLeased(String id, String owner, Instant until) {
        store.create(row(id, "deploy", T0, "event", null), "text of deploy", started(id, "deploy", T0, "event"),
                Optional.of(new Lease(owner, until)));
    }

    @Test
    void a_run_started_by_an_instance_is_held_by_it_and_its_heartbeat_renews_only_its_own_running_runs() {
        createLeased("r1", "a", T0.plusSeconds(30));
        createLeased("r2", "a", T0.plusSeconds(30));
        createLeased("r3", "b", T0.plusSeconds(30));
        create("r4", "deploy", T0, "cli", null);
        store.append("r2", 2, new RunEvent.RunFinished(T0.plusSeconds(5), RunStatus.SUCCEEDED, ""));

        assertThat(store.lease("r1")).contains(new Lease("a", T0.plusSeconds(30)));
        assertThat(store.lease("r4")).as("a run started at a terminal is nobody's").isEmpty();
        assertThat(store.renewLeases("a", T0.plusSeconds(60))).containsExactly("r1");
        assertThat(store.lease("r1")).contains(new Lease("a", T0.plusSeconds(60)));
        assertThat(store.lease("r3")).contains(new Lease("b", T0.plusSeconds(30)));
    }

    @Test
    void an_expired_lease_is_taken_over_by_one_instance_which_from_then_on_alone_can_append() {
        createLeased("r1", "a", T0.plusSeconds(30));
        store.append("r1", 2, new RunEvent.StepSkipped(T0.plusSeconds(1), "first", "no"), Optional.of("a"), Optional.empty());
        create("r2", "deploy", T0, "cli", null);

        assertThat(store.takeOverExpired("b", T0.plusSeconds(29), T0.plusSeconds(59))).as("not expired yet").isEmpty();
        Optional<Takeover> taken = store.takeOverExpired("b", T0.plusSeconds(31), T0.plusSeconds(61));
        assertThat(taken).map(t -> t.run().id()).contains("r1");
        assertThat(taken.get().from()).isEqualTo("a");
        assertThat(store.takeOverExpired("c", T0.plusSeconds(32), T0.plusSeconds(62))).as("taken once; a terminal's run never").isEmpty();
        assertThat(store.renewLeases("a", T0.plusSeconds(90))).as("a's heartbeat finds it lost").isEmpty();

        assertThatThrownBy(() -> store.append("r1", 3, new RunEvent.StepSkipped(T0.plusSeconds(33), "second", "late"), Optional.of("a"),
                Optional.empty()))
                .isInstanceOf(LeaseLost.class).hasMessageContaining("no longer held by a but by b");
        store.append("r1", 3, new RunEvent.StepSkipped(T0.plusSeconds(33), "second", "by b"), Optional.of("b"), Optional.empty());
        assertThat(store.events("r1")).hasSize(3);
    }

    @Test
    void two_instances_racing_for_expired_runs_never_take_the_same_one() throws Exception {
        for (int i = 0; i < 20; i++) {
            createLeased("r" + i, "dead", T0);
        }
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<List<String>>> takers = new ArrayList<>();
            for (String owner : List.of("b", "c")) {
                takers.add(pool.submit(() -> {
                    List<String> mine = new ArrayList<>();
                    Optional<Takeover> next;
                    while ((next = store.takeOverExpired(owner, T0.plusSeconds(1), T0.plusSeconds(31))).isPresent()) {
                        mine.add(next.get().run().id());
                    }
                    return mine;
                }));
            }
            List<String> all = new ArrayList<>(takers.get(0).get());
            all.addAll(takers.get(1).get());
            assertThat(all).hasSize(20).doesNotHaveDuplicates();
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void a_released_lease_is_taken_over_at_once_and_says_from_whom() {
        createLeased("r1", "a", T0.plusSeconds(30));

        assertThat(store.releaseLease("r1", "b")).as("only the holder lets go").isFalse();
        assertThat(store.releaseLease("r1", "a")).isTrue();

        assertThat(store.takeOverExpired("b", T0.plusSeconds(1), T0.plusSeconds(31))).map(Takeover::from).contains("a");
    }

    @Test
    void a_run_taken_up_after_a_wait_is_held_by_whoever_took_it_up_and_a_terminal_holds_nothing() {
        createLeased("r1", "a", T0.plusSeconds(30));
        createLeased("r2", "a", T0.plusSeconds(30));
        for (String id : List.of("r1", "r2")) {
            store.append(id, 2, new RunEvent.RunFinished(T0.plusSeconds(1), RunStatus.WAITING, "waiting"));
        }

        store.append("r1", 3, new RunEvent.RunResumed(T0.plusSeconds(60), "serve"), Optional.empty(), Optional.of(new Lease("b", T0.plusSeconds(90))));
        store.append("r2", 3, new RunEvent.RunResumed(T0.plusSeconds(60), "alice"));

        assertThat(store.lease("r1")).contains(new Lease("b", T0.plusSeconds(90)));
        assertThat(store.lease("r2")).isEmpty();
        assertThat(store.takeOverExpired("c", T0.plusSeconds(3600), T0.plusSeconds(3630))).map(t -> t.run().id()).contains("r1");
    }

    @Test
    void a_run_that_needs_attention_takes_only_a_resolution_until_it_is_taken_up_again() {
        createLeased("r1", "a", T0.plusSeconds(30));
        store.append("r1", 2, new RunEvent.StepStarted(T0.plusSeconds(1), "deploy", "deploy", dev.opsbook.engine.Role.NORMAL, Optional.empty(), null));
        store.append("r1", 3, new RunEvent.StepInterrupted(T0.plusSeconds(40), "deploy", false, "step 'deploy' was in flight"));
        store.append("r1", 4, new RunEvent.RunFinished(T0.plusSeconds(40), RunStatus.NEEDS_ATTENTION, "step 'deploy' was in flight"));

        StoredRun row = store.run("r1").orElseThrow();
        assertThat(row.status()).isEqualTo(RunStatus.NEEDS_ATTENTION);
        assertThat(row.waitingFor()).isEqualTo("deploy");
        assertThat(store.runs(query(Optional.empty(), Optional.of(RunStatus.NEEDS_ATTENTION), Optional.empty()))).extracting(StoredRun::id)
                .containsExactly("r1");
        assertThatThrownBy(() -> store.append("r1", 5, new RunEvent.StepSkipped(T0.plusSeconds(41), "x", "no")))
                .hasMessage("run r1 is needs-attention: this event cannot follow");
        assertThat(store.answeredRuns(10)).isEmpty();

        store.append("r1", 5, new RunEvent.StepResolved(T0.plusSeconds(50), "deploy", dev.opsbook.engine.Resolution.RETRY, "carol", ""));

        assertThat(store.answeredRuns(10)).extracting(StoredRun::id).containsExactly("r1");
        assertThat(store.activeRuns("deploy", null)).as("it still counts against its concurrency key").isEqualTo(1);
    }

    @Test
    void the_store_knows_which_instances_are_alive_and_the_process_behind_each() {
        EngineInstance a = new EngineInstance("a", "host-1", 4242);
        EngineInstance b = new EngineInstance("b", "host-2", 77);
        assertThat(store.registerInstance(a, T0, T0.minusSeconds(30))).isEmpty();
        assertThat(store.registerInstance(b, T0.plusSeconds(10), T0.minusSeconds(20))).containsExactly(a);
        assertThat(store.registerInstance(b, T0.plusSeconds(60), T0.plusSeconds(30))).as("a was not seen for a lease").isEmpty();
        store.unregisterInstance("b");
        assertThat(store.registerInstance(a, T0.plusSeconds(61), T0.plusSeconds(31))).isEmpty();
        EngineInstance restarted = new EngineInstance("a", "host-1", 4343);
        store.registerInstance(restarted, T0.plusSeconds(62), T0.plusSeconds(32));
        assertThat(store.registerInstance(b, T0.plusSeconds(63), T0.plusSeconds(33))).as("the same name, a new process").containsExactly(restarted);
    }

    @Test
    void a_trails_seal_moves_only_from_the_seal_the_store_holds() {
        dev.opsbook.audit.AuditSeals seals = store.auditSeals();
        dev.opsbook.audit.AuditSeal first = new dev.opsbook.audit.AuditSeal(1, "a".repeat(64));
        dev.opsbook.audit.AuditSeal second = new dev.opsbook.audit.AuditSeal(2, "b".repeat(64));
        assertThat(seals.seal("r1")).isEmpty();

        assertThat(seals.advance("r1", Optional.empty(), first)).isTrue();
        assertThat(seals.advance("r1", Optional.empty(), second)).as("a second writer starting the trail anew").isFalse();
        assertThat(seals.advance("r1", Optional.of(first), second)).isTrue();
        assertThat(seals.advance("r1", Optional.of(first), new dev.opsbook.audit.AuditSeal(2, "c".repeat(64))))
                .as("a writer that did not hold the seal it moves from").isFalse();

        assertThat(seals.seal("r1")).contains(second);
        assertThat(seals.seal("access-ops-1")).isEmpty();
    }

    void create(String id, String runbookId, Instant at, String trigger, String concurrencyKey) {
        store.create(row(id, runbookId, at, trigger, concurrencyKey), "text of " + runbookId, started(id, runbookId, at, trigger));
    }

    static StoredRun row(String id, String runbookId, Instant at, String trigger, String concurrencyKey) {
        return new StoredRun(id, runbookId, "runbooks/" + runbookId + ".md", "hash", RunStatus.RUNNING, trigger, "tester",
                Optional.empty(), Optional.ofNullable(concurrencyKey), at, Optional.empty(), "", "");
    }

    static RunEvent.RunStarted started(String id, String runbookId, Instant at, String trigger) {
        JsonNodeFactory json = JsonNodeFactory.instance;
        return new RunEvent.RunStarted(at, id, runbookId, "Title of " + runbookId, "hash", json.objectNode().put("env", "prod"),
                json.objectNode(), "tester", trigger);
    }

    static ReceivedEvent received(String eventId, Instant at, EventOutcome outcome) {
        return new ReceivedEvent(eventId, at, "sqs", "aws.ec2", "EC2 Instance State-change Notification", outcome, "", List.of(),
                "{\"id\":\"" + eventId + "\",\"detail\":{\"state\":\"stopped\"}}");
    }

    static RunQuery query(Optional<String> runbookId, Optional<RunStatus> status, Optional<String> trigger) {
        return new RunQuery(runbookId, status, trigger, 10);
    }

    static List<String> ids(List<StoredRun> runs) {
        return runs.stream().map(StoredRun::id).toList();
    }
}
