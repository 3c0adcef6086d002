package dev.opsbook.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opsbook.engine.FixtureRun;
import dev.opsbook.engine.Fixtures;
import dev.opsbook.engine.Interaction;
import dev.opsbook.engine.RunControl;
import dev.opsbook.engine.RunEvent;
import dev.opsbook.engine.RunListener;
import dev.opsbook.engine.RunResult;
import dev.opsbook.engine.RunStatus;
import dev.opsbook.engine.StepStatus;
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
import org.junit.jupiter.api.Test;

/** The run log: runs, their events in order, and what is counted and listed from them. Run on every database ({@link StoreBackend}). */
abstract class RunLogContract extends StoreContract {

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

    @Test
    void a_failed_run_takes_a_restart_and_runs_again() {
        store.create(new StoredRun("f1", "deploy", "runbooks/deploy.md", "hash-1", RunStatus.RUNNING, "cli", "alice",
                Optional.empty(), Optional.empty(), T0, Optional.empty(), "", ""), "# Deploy", started("f1", "deploy", T0, "cli"));
        store.append("f1", 2, new RunEvent.RunFinished(T0, RunStatus.FAILED, "step 'x' failed"));
        RunEvent.RunRestarted restarted = new RunEvent.RunRestarted(T0, "bob", "x", List.of("x"));
        store.append("f1", 3, restarted);
        assertThat(store.run("f1").orElseThrow().status()).isEqualTo(RunStatus.RUNNING);
        assertThat(store.events("f1").get(2)).isEqualTo(restarted);
        store.append("f1", 4, new RunEvent.RunFinished(T0, RunStatus.SUCCEEDED, ""));
        assertThat(store.run("f1").orElseThrow().status()).isEqualTo(RunStatus.SUCCEEDED);
    }

    @Test
    void several_events_appended_together_are_stored_all_or_none_and_chain_into_a_verifiable_audit_trail() {
        store.create(new StoredRun("b1", "deploy", "runbooks/deploy.md", "hash-1", RunStatus.RUNNING, "serve", "alice",
                Optional.empty(), Optional.empty(), T0, Optional.empty(), "", ""), "# Deploy", started("b1", "deploy", T0, "serve"),
                Optional.of(new Lease("a", T0.plusSeconds(60))));
        RunEvent.StepStarted first = new RunEvent.StepStarted(T0, "x", "x", dev.opsbook.engine.Role.NORMAL, Optional.empty(), null);
        RunEvent.StepFinished ended = new RunEvent.StepFinished(T0.plusSeconds(1), "x", StepStatus.SUCCEEDED, null, "");
        RunEvent.RunFinished finished = new RunEvent.RunFinished(T0.plusSeconds(2), RunStatus.SUCCEEDED, "");
        dev.opsbook.audit.AuditFact fact = dev.opsbook.audit.AuditFacts.of(first, dev.opsbook.engine.RunState.fold(store.events("b1")),
                "runbooks/deploy.md", name -> false).orElseThrow();
        List<RunLog.Appending> batch = List.of(new RunLog.Appending(2, first, Optional.of(fact)), new RunLog.Appending(3, ended, Optional.of(fact)),
                new RunLog.Appending(4, finished, Optional.empty()));

        assertThatThrownBy(() -> store.appendAll("b1", batch, Optional.of("b"))).as("from an instance that lost the run").isInstanceOf(LeaseLost.class);
        assertThatThrownBy(() -> store.appendAll("b1", List.of(batch.get(1), batch.get(2)), Optional.of("a")))
                .as("not right after the last stored event").isInstanceOf(IllegalStateException.class);
        assertThat(store.events("b1")).as("a refused batch leaves nothing").hasSize(1);

        store.appendAll("b1", batch, Optional.of("a"));

        assertThat(store.events("b1")).containsExactly(started("b1", "deploy", T0, "serve"), first, ended, finished);
        StoredRun row = store.run("b1").orElseThrow();
        assertThat(row.status()).as("the row is where the last event leads").isEqualTo(RunStatus.SUCCEEDED);
        assertThat(row.endedAt()).contains(T0.plusSeconds(2));
        dev.opsbook.audit.AuditVerifier.Verification chain = dev.opsbook.audit.AuditVerifier.verify(store.auditChains(), "b1", "run b1");
        assertThat(chain.valid()).as(String.join("; ", chain.problems())).isTrue();
        assertThat(chain.entries()).as("the start's entry and the two given in the batch").isEqualTo(3);
    }

    @Test
    void a_running_runs_next_step_chains_onto_what_others_wrote_to_its_trail_and_is_refused_after_another_process_appended() {
        // //why: the store keeps what its last append left of a running run, so a step reads neither its row nor its seal:
        // a writer it did not see must neither break the chain nor be written over
        store.create(new StoredRun("k1", "deploy", "runbooks/deploy.md", "hash-1", RunStatus.RUNNING, "cli", "alice",
                Optional.empty(), Optional.empty(), T0, Optional.empty(), "", ""), "# Deploy", started("k1", "deploy", T0, "cli"));
        RunEvent.StepStarted x = new RunEvent.StepStarted(T0, "x", "x", dev.opsbook.engine.Role.NORMAL, Optional.empty(), null);
        RunEvent.StepFinished xEnded = new RunEvent.StepFinished(T0.plusSeconds(1), "x", StepStatus.SUCCEEDED, null, "");
        RunEvent.StepStarted y = new RunEvent.StepStarted(T0.plusSeconds(1), "y", "y", dev.opsbook.engine.Role.NORMAL, Optional.empty(), null);
        Optional<dev.opsbook.audit.AuditFact> fact = dev.opsbook.audit.AuditFacts.of(x, fold(store.events("k1")), "runbooks/deploy.md", name -> false);
        store.appendAll("k1", List.of(new RunLog.Appending(2, x, fact)), Optional.empty());

        store.auditChains().append("k1", new dev.opsbook.audit.AuditFact(T0.plusSeconds(1), "commented",
                com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode().put("by", "carol")));
        store.appendAll("k1", List.of(new RunLog.Appending(3, xEnded, fact), new RunLog.Appending(4, y, fact)), Optional.empty());

        dev.opsbook.audit.AuditVerifier.Verification chain = dev.opsbook.audit.AuditVerifier.verify(store.auditChains(), "k1", "run k1");
        assertThat(chain.valid()).as(String.join("; ", chain.problems())).isTrue();
        assertThat(chain.entries()).as("the start's, the first step's, the comment's and the two of the next batch").isEqualTo(5);
        try (RunStore other = open(url)) {
            other.append("k1", 5, new RunEvent.StepFinished(T0.plusSeconds(2), "y", StepStatus.SUCCEEDED, null, ""));
        }
        assertThatThrownBy(() -> store.appendAll("k1", List.of(new RunLog.Appending(5, new RunEvent.StepFinished(T0.plusSeconds(3), "y",
                StepStatus.FAILED, null, "boom"), fact)), Optional.empty()))
                .isInstanceOf(IllegalStateException.class).hasMessage("run k1: event 5 does not follow the last stored event, 5");
        assertThat(store.events("k1")).hasSize(5);
        assertThat(((RunEvent.StepFinished) store.events("k1").get(4)).status()).isEqualTo(StepStatus.SUCCEEDED);
        assertThat(dev.opsbook.audit.AuditVerifier.verify(store.auditChains(), "k1", "run k1").valid()).isTrue();
    }

    @Test
    void the_store_takes_any_event_after_the_last_one_from_the_lease_holder_and_keeps_the_status_it_leads_to() {
        // //why: which events a run takes is the engine's table, checked by whoever appends (service.RunAppends); the store keeps order and lease
        createLeased("r1", "a", T0.plusSeconds(30));
        store.append("r1", 2, new RunEvent.RunFinished(T0, RunStatus.SUCCEEDED, ""), Optional.of("a"), Optional.empty());
        RunEvent skipped = new RunEvent.StepSkipped(T0.plusSeconds(1), "a", "condition is false");

        assertThatThrownBy(() -> store.append("r1", 3, skipped, Optional.of("b"), Optional.empty())).isInstanceOf(LeaseLost.class);
        assertThatThrownBy(() -> store.append("r1", 4, skipped, Optional.of("a"), Optional.empty())).isInstanceOf(IllegalStateException.class)
                .hasMessage("run r1: event 4 does not follow the last stored event, 2");
        store.append("r1", 3, skipped, Optional.of("a"), Optional.empty());
        assertThat(store.run("r1").orElseThrow().status()).as("a step after the end").isEqualTo(RunStatus.RUNNING);
        store.append("r1", 4, new RunEvent.RunFinished(T0.plusSeconds(2), RunStatus.NEEDS_ATTENTION, "step 'a' was in flight"),
                Optional.of("a"), Optional.empty());
        store.append("r1", 5, new RunEvent.StepAnswered(T0.plusSeconds(3), "a", new Interaction.Answer(true, "carol", "", T0, "approve")),
                Optional.of("a"), Optional.empty());
        assertThat(store.run("r1").orElseThrow().status()).as("an answer to a run that needs attention").isEqualTo(RunStatus.NEEDS_ATTENTION);
        store.append("r1", 6, new RunEvent.RunRestarted(T0.plusSeconds(4), "bob", "a", List.of("a")), Optional.of("a"),
                Optional.of(new Lease("a", T0.plusSeconds(60))));
        assertThat(store.run("r1").orElseThrow().status()).as("a restart of a run that needs attention").isEqualTo(RunStatus.RUNNING);
        assertThat(store.events("r1")).hasSize(6);
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
    void an_event_that_does_not_follow_the_last_one_is_refused() {
        store.create(row("r1", "deploy", T0, "cli", null), "text", started("r1", "deploy", T0, "cli"));
        RunEvent skipped = new RunEvent.StepSkipped(T0, "a", "condition is false");

        assertThatThrownBy(() -> store.append("r1", 3, skipped)).isInstanceOf(IllegalStateException.class)
                .hasMessage("run r1: event 3 does not follow the last stored event, 1");
        store.append("r1", 2, skipped);
        assertThatThrownBy(() -> store.append("r1", 2, skipped)).as("a second writer with the same event number")
                .isInstanceOf(IllegalStateException.class);
        store.append("r1", 3, new RunEvent.RunFinished(T0, RunStatus.SUCCEEDED, ""));
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
    void an_answer_is_no_longer_listed_once_the_run_moved_past_it_whichever_way() {
        for (int i = 1; i <= 3; i++) {
            create("w" + i, "gate", T0.plusSeconds(i), "event", null);
            store.append("w" + i, 2, new RunEvent.RunFinished(T0.plusSeconds(10 + i), RunStatus.WAITING, "waiting for a person at allow"));
            store.append("w" + i, 3, new RunEvent.StepAnswered(T0.plusSeconds(60), "allow",
                    new Interaction.Answer(true, "carol", "", T0.plusSeconds(60), "approve")));
        }
        store.append("w1", 4, new RunEvent.RunFinished(T0.plusSeconds(70), RunStatus.CANCELLED, "cancelled by dave"));
        store.append("w2", 4, new RunEvent.RunResumed(T0.plusSeconds(70), "opsbook serve"));
        store.append("w2", 5, new RunEvent.RunFinished(T0.plusSeconds(80), RunStatus.WAITING, "waiting for a person at second"));

        assertThat(store.answeredRuns(100)).extracting(StoredRun::id).as("cancelled, and waiting again unanswered").containsExactly("w3");
        store.append("w2", 6, new RunEvent.StepAnswered(T0.plusSeconds(90), "second",
                new Interaction.Answer(true, "carol", "", T0.plusSeconds(90), "approve")));
        assertThat(store.answeredRuns(100)).extracting(StoredRun::id).as("answered again").containsExactly("w2", "w3");
    }

    @Test
    void runs_answered_before_the_store_was_upgraded_are_still_taken_up() throws Exception {
        store.close();
        store = null;
        String old = backend().newDatabaseUrl(workDir.resolve("before-answers"));
        org.flywaydb.core.Flyway.configure().dataSource(old, backend().user(), backend().password()).locations("classpath:db/migration")
                .javaMigrations(new SearchIndexMigration()).target("21").load().migrate();
        Instant t = T0;
        Map<String, List<RunEvent>> runs = new java.util.LinkedHashMap<>();
        runs.put("answered", List.of(started("answered", "gate", t, "event"), new RunEvent.RunFinished(t, RunStatus.WAITING, "waiting at allow"),
                new RunEvent.StepAnswered(t, "allow", new Interaction.Answer(true, "carol", "", t, "approve"))));
        runs.put("unanswered", List.of(started("unanswered", "gate", t, "event"), new RunEvent.RunFinished(t, RunStatus.WAITING, "waiting at allow")));
        runs.put("resolved", List.of(started("resolved", "gate", t, "event"), new RunEvent.StepInterrupted(t, "deploy", false, "in flight"),
                new RunEvent.RunFinished(t, RunStatus.NEEDS_ATTENTION, "in flight"),
                new RunEvent.StepResolved(t, "deploy", dev.opsbook.engine.Resolution.RETRY, "carol", "")));
        Map<String, String> statuses = Map.of("answered", "WAITING", "unanswered", "WAITING", "resolved", "NEEDS_ATTENTION");
        try (Jdbc jdbc = Jdbc.open(old, backend().user(), backend().password(), "old", 21)) {
            jdbc.inTransaction(connection -> {
                try (java.sql.PreparedStatement insert = connection.prepareStatement("INSERT INTO runs (id, runbook_id, runbook_file, content_hash, "
                        + "runbook_text, status, trigger_kind, started_by, started_at, message, waiting_for, last_seq) "
                        + "VALUES (?, 'gate', 'runbooks/gate.md', 'h', 'text', ?, 'event', 'tester', ?, '', '', ?)");
                     java.sql.PreparedStatement events = connection.prepareStatement("INSERT INTO run_events (run_id, seq, at, type, body) VALUES (?, ?, ?, ?, ?)")) {
                    for (Map.Entry<String, List<RunEvent>> run : runs.entrySet()) {
                        insert.setString(1, run.getKey());
                        insert.setString(2, statuses.get(run.getKey()));
                        Jdbc.setInstant(insert, 3, t);
                        insert.setLong(4, run.getValue().size());
                        insert.executeUpdate();
                        long seq = 0;
                        for (RunEvent event : run.getValue()) {
                            events.setString(1, run.getKey());
                            events.setLong(2, ++seq);
                            Jdbc.setInstant(events, 3, t);
                            events.setString(4, RunEventJson.type(event));
                            events.setString(5, RunEventJson.write(event));
                            events.executeUpdate();
                        }
                    }
                }
                return null;
            });
        }

        store = open(old);

        assertThat(store.answeredRuns(100)).extracting(StoredRun::id).containsExactlyInAnyOrder("answered", "resolved");
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

    @Test
    void a_run_that_needs_attention_is_listed_and_counted_and_taken_up_once_resolved() {
        createLeased("r1", "a", T0.plusSeconds(30));
        store.append("r1", 2, new RunEvent.StepStarted(T0.plusSeconds(1), "deploy", "deploy", dev.opsbook.engine.Role.NORMAL, Optional.empty(), null));
        store.append("r1", 3, new RunEvent.StepInterrupted(T0.plusSeconds(40), "deploy", false, "step 'deploy' was in flight"));
        store.append("r1", 4, new RunEvent.RunFinished(T0.plusSeconds(40), RunStatus.NEEDS_ATTENTION, "step 'deploy' was in flight"));

        StoredRun row = store.run("r1").orElseThrow();
        assertThat(row.status()).isEqualTo(RunStatus.NEEDS_ATTENTION);
        assertThat(row.waitingFor()).isEqualTo("deploy");
        assertThat(store.runs(query(Optional.empty(), Optional.of(RunStatus.NEEDS_ATTENTION), Optional.empty()))).extracting(StoredRun::id)
                .containsExactly("r1");
        assertThat(store.answeredRuns(10)).isEmpty();

        store.append("r1", 5, new RunEvent.StepResolved(T0.plusSeconds(50), "deploy", dev.opsbook.engine.Resolution.RETRY, "carol", ""));

        assertThat(store.answeredRuns(10)).extracting(StoredRun::id).containsExactly("r1");
        assertThat(store.activeRuns("deploy", null)).as("it still counts against its concurrency key").isEqualTo(1);
    }

    @Test
    void runs_are_counted_by_status_across_runbooks_and_paged_by_when_they_started() {
        create("r1", "deploy", T0, "cli", null);
        create("r2", "backup", T0.plusSeconds(60), "cli", null);
        create("r3", "deploy", T0.plusSeconds(120), "cli", null);
        store.append("r2", 2, new RunEvent.RunFinished(T0.plusSeconds(61), RunStatus.WAITING, "waiting for a person at gate"));

        assertThat(store.countRuns(RunStatus.RUNNING)).isEqualTo(2);
        assertThat(store.countRuns(RunStatus.WAITING)).isEqualTo(1);
        assertThat(store.countRuns(RunStatus.FAILED)).isZero();
        RunQuery window = new RunQuery(Optional.empty(), Optional.empty(), Optional.empty(), Optional.of(T0.plusSeconds(60)),
                Optional.of(T0.plusSeconds(120)), 0, 10);
        assertThat(ids(store.runs(window))).as("from the first moment, up to but not at the last").containsExactly("r2");
        assertThat(ids(store.runs(new RunQuery(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), 1, 1))))
                .as("the second page of one").containsExactly("r2");
    }

    @Test
    void a_run_starts_only_with_its_own_start_event_and_only_once() {
        create("r1", "deploy", T0, "cli", null);

        assertThatThrownBy(() -> store.append("r1", 2, started("r1", "deploy", T0, "cli"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("run r1: a run starts once, with create()");
        assertThatThrownBy(() -> store.create(row("r2", "deploy", T0, "cli", null), "text", started("r3", "deploy", T0, "cli")))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("run r2 cannot start with the start event of run r3");
        assertThat(store.events("r1")).hasSize(1);
        assertThat(store.run("r2")).isEmpty();
    }

    @Test
    void what_a_collaborator_derives_from_events_is_written_when_the_run_stops_in_its_transaction_or_not_at_all() throws Exception {
        try (Jdbc jdbc = Jdbc.open(url, backend().user(), backend().password(), "test", JdbcRunStore.SCHEMA_VERSION)) {
            java.util.concurrent.atomic.AtomicBoolean refuse = new java.util.concurrent.atomic.AtomicBoolean(true);
            EventWritten noted = keyPerEvent(event -> refuse.get() && event instanceof RunEvent.StepSkipped skipped
                    && skipped.reason().equals("refused by the collaborator"));
            try (JdbcRunLog log = new JdbcRunLog(jdbc, new RunRows(jdbc), noted)) {
                log.create(row("r1", "deploy", T0, "cli", null), "text", started("r1", "deploy", T0, "cli"));
                log.append("r1", 2, new RunEvent.StepSkipped(T0, "a", "condition is false"));
                log.append("r1", 3, new RunEvent.StepSkipped(T0, "b", "refused by the collaborator"));
                assertThat(escalationKeys(jdbc)).as("a running run's derived rows wait for its stop").containsExactly("r1/1");

                assertThatThrownBy(() -> log.append("r1", 4, new RunEvent.RunFinished(T0, RunStatus.SUCCEEDED, "")))
                        .isInstanceOf(StoreException.class).hasMessageContaining("the collaborator cannot write");
                assertThat(store.events("r1")).as("the stop went with what failed beside it").hasSize(3);
                assertThat(escalationKeys(jdbc)).as("and so did the rows derived before the failure").containsExactly("r1/1");

                refuse.set(false);
                log.append("r1", 4, new RunEvent.RunFinished(T0, RunStatus.SUCCEEDED, ""));
            }
            assertThat(escalationKeys(jdbc)).containsExactly("r1/1", "r1/2", "r1/3", "r1/4");
            assertThat(store.run("r1").orElseThrow().status()).isEqualTo(RunStatus.SUCCEEDED);
        }
    }

    @Test
    void a_running_runs_derived_rows_are_written_once_it_has_been_quiet_for_a_second_and_by_another_process_after_a_crash()
            throws Exception {
        try (Jdbc jdbc = Jdbc.open(url, backend().user(), backend().password(), "test", JdbcRunStore.SCHEMA_VERSION)) {
            EventWritten noted = keyPerEvent(event -> false);
            try (JdbcRunLog log = new JdbcRunLog(jdbc, new RunRows(jdbc), noted)) {
                log.create(row("r1", "deploy", T0, "cli", null), "text", started("r1", "deploy", T0, "cli"));
                log.append("r1", 2, new RunEvent.StepSkipped(T0, "a", "condition is false"));
                log.append("r1", 3, new RunEvent.StepSkipped(T0, "b", "condition is false"));
                long deadline = System.nanoTime() + 10_000_000_000L;
                while (escalationKeys(jdbc).size() < 3 && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
                assertThat(escalationKeys(jdbc)).as("written by the store's own thread while the run is quiet").containsExactly("r1/1", "r1/2", "r1/3");
                log.append("r1", 4, new RunEvent.StepSkipped(T0, "c", "condition is false"));
            } // //why: closed with r1/4 pending, as a process killed before the run's stop
            try (JdbcRunLog other = new JdbcRunLog(jdbc, new RunRows(jdbc), noted)) {
                other.append("r1", 5, new RunEvent.RunFinished(T0, RunStatus.SUCCEEDED, ""));
            }
            assertThat(escalationKeys(jdbc)).as("each event's rows once, the rest written from the store by the next process")
                    .containsExactly("r1/1", "r1/2", "r1/3", "r1/4", "r1/5");
        }
    }

    /** A collaborator that writes a row per event it hears ("RUN/SEQ", in a table of its own) and fails on {@code refused}. */
    private static EventWritten keyPerEvent(java.util.function.Predicate<RunEvent> refused) {
        return (connection, runId, seq, event) -> {
            if (refused.test(event)) {
                throw new java.sql.SQLException("the collaborator cannot write");
            }
            try (var insert = connection.prepareStatement("INSERT INTO escalations (escalation_key, last_at) VALUES (?, ?)")) {
                insert.setString(1, runId + "/" + seq);
                Jdbc.setInstant(insert, 2, event.at());
                insert.executeUpdate();
            }
        };
    }

    private static List<String> escalationKeys(Jdbc jdbc) {
        return jdbc.query(connection -> {
            List<String> found = new ArrayList<>();
            try (var rows = connection.createStatement().executeQuery("SELECT escalation_key FROM escalations ORDER BY escalation_key")) {
                while (rows.next()) {
                    found.add(rows.getString(1));
                }
            }
            return found;
        });
    }

    @Test
    void of_eight_processes_taking_up_one_answered_run_at_the_same_moment_exactly_one_does() throws Exception {
        create("w1", "gate", T0, "event", null);
        store.append("w1", 2, new RunEvent.RunFinished(T0.plusSeconds(1), RunStatus.WAITING, "waiting for a person at allow"));
        store.append("w1", 3, new RunEvent.StepAnswered(T0.plusSeconds(2), "allow", new Interaction.Answer(true, "carol", "", T0, "approve")));
        ExecutorService threads = Executors.newFixedThreadPool(8);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Boolean>> takers = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                String by = "instance-" + i;
                takers.add(threads.submit(() -> {
                    go.await();
                    try {
                        store.append("w1", 4, new RunEvent.RunResumed(T0.plusSeconds(3), by), Optional.empty(),
                                Optional.of(new Lease(by, T0.plusSeconds(33))));
                        return true;
                    } catch (IllegalStateException | StoreException refused) {
                        return false;
                    }
                }));
            }
            go.countDown();
            int won = 0;
            for (Future<Boolean> taker : takers) {
                won += taker.get() ? 1 : 0;
            }
            assertThat(won).isEqualTo(1);
        } finally {
            threads.shutdownNow();
        }
        List<RunEvent> events = store.events("w1");
        assertThat(events).hasSize(4);
        String winner = ((RunEvent.RunResumed) events.get(3)).by();
        assertThat(store.lease("w1")).contains(new Lease(winner, T0.plusSeconds(33)));
        assertThat(store.run("w1").orElseThrow().status()).isEqualTo(RunStatus.RUNNING);
    }

    @Test
    void heads_say_how_far_each_run_has_come_in_one_read_and_each_stored_event_is_told_once_committed() {
        List<RunHead> told = new java.util.concurrent.CopyOnWriteArrayList<>();
        store.whenStored(told::add);
        createLeased("h1", "a", T0.plusSeconds(30));
        createLeased("h2", "a", T0.plusSeconds(30));
        store.append("h1", 2, new RunEvent.StepSkipped(T0, "a", "condition is false"), Optional.of("a"), Optional.empty());
        store.append("h1", 3, new RunEvent.RunFinished(T0, RunStatus.SUCCEEDED, ""), Optional.of("a"), Optional.empty());
        assertThatThrownBy(() -> store.append("h2", 5, new RunEvent.RunFinished(T0, RunStatus.SUCCEEDED, ""), Optional.of("a"),
                Optional.empty())).isInstanceOf(IllegalStateException.class);

        assertThat(store.heads(List.of("h1", "h2", "nope"))).isEqualTo(Map.of(
                "h1", new RunHead("h1", RunStatus.SUCCEEDED, 3), "h2", new RunHead("h2", RunStatus.RUNNING, 1)));
        assertThat(store.heads(List.of())).isEmpty();
        assertThat(told).as("a refused append is not told").containsExactly(new RunHead("h1", RunStatus.RUNNING, 1),
                new RunHead("h2", RunStatus.RUNNING, 1), new RunHead("h1", RunStatus.RUNNING, 2), new RunHead("h1", RunStatus.SUCCEEDED, 3));
    }
}
