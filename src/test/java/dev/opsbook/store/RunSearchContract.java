package dev.opsbook.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.opsbook.engine.Attempt;
import dev.opsbook.engine.FixtureRun;
import dev.opsbook.engine.Fixtures;
import dev.opsbook.engine.Interaction;
import dev.opsbook.engine.RunControl;
import dev.opsbook.engine.RunEvent;
import dev.opsbook.engine.RunListener;
import dev.opsbook.engine.RunResult;
import dev.opsbook.engine.RunStatus;
import dev.opsbook.engine.StepStatus;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

/** Full-text search over runs: what a run is found by, with the other filters, on every database ({@link StoreBackend}). */
abstract class RunSearchContract extends StoreContract {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    @Test
    void a_run_is_found_by_its_runbook_its_parameters_its_step_output_and_who_acted() {
        storeOutageRun("r1", T0);
        create("r2", "rotate-keys", T0.plusSeconds(60), "cli", null);

        assertThat(ids("drain-node")).as("the runbook's id").containsExactly("r1");
        assertThat(ids("Node Drain")).as("its title, in any case").containsExactly("r1");
        assertThat(ids("ip-10-0-3-17")).as("a parameter's value").containsExactly("r1");
        assertThat(ids("ConnectionRefused")).as("a step's stderr").containsExactly("r1");
        assertThat(ids("pods evicted")).as("a step's output").containsExactly("r1");
        assertThat(ids("maria")).as("who approved").containsExactly("r1");
        assertThat(ids("customer impact")).as("what she said").containsExactly("r1");
        assertThat(ids("oscar")).as("who resolved").containsExactly("r1");
        assertThat(ids("tester")).as("who started them").containsExactly("r2", "r1");
        assertThat(ids("ConnectionRefused rotate")).as("every word must be in one run").isEmpty();
        assertThat(ids("nowhere")).isEmpty();
    }

    @Test
    void a_running_run_is_found_by_what_it_printed_once_it_has_been_quiet_for_a_second() throws Exception {
        RunEvent.RunStarted start = new RunEvent.RunStarted(T0, "r1", "drain-node", "Node drain", "hash", JSON.objectNode(),
                JSON.objectNode(), "tester", "cli");
        store.create(row("r1", "drain-node", T0, "cli", null), "# Node drain", start);
        store.append("r1", 2, new RunEvent.StepStarted(T0, "drain", "drain", dev.opsbook.engine.Role.NORMAL, Optional.empty(), null));
        store.append("r1", 3, new RunEvent.StepFinished(T0, "drain", StepStatus.SUCCEEDED, JSON.objectNode().put("summary", "12 pods evicted"), ""));
        store.append("r1", 4, new RunEvent.StepStarted(T0, "wait", "wait", dev.opsbook.engine.Role.NORMAL, Optional.empty(), null));

        long deadline = System.nanoTime() + 10_000_000_000L;
        while (ids("evicted").isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(ids("evicted")).as("a step's output, while the next step runs").containsExactly("r1");
        assertThat(store.run("r1").orElseThrow().status()).isEqualTo(RunStatus.RUNNING);
    }

    @Test
    void a_search_keeps_the_other_filters_and_the_time_range() {
        storeOutageRun("r1", T0);
        storeOutageRun("r2", T0.plus(Duration.ofDays(1)));
        store.append("r2", 8, new RunEvent.RunFinished(T0, RunStatus.FAILED, "step 'drain' failed"));

        assertThat(runs(new RunQuery(Optional.empty(), Optional.of(RunStatus.FAILED), Optional.empty(), Optional.empty(),
                Optional.empty(), 0, 0, Optional.empty(), Optional.empty(), Optional.of("evicted")))).containsExactly("r2");
        assertThat(runs(new RunQuery(Optional.of("drain-node"), Optional.empty(), Optional.empty(), Optional.of(T0),
                Optional.of(T0.plusSeconds(3600)), 0, 0, Optional.empty(), Optional.empty(), Optional.of("evicted")))).containsExactly("r1");
        assertThat(runs(new RunQuery(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), 0, 1, Optional.empty(), Optional.empty(), Optional.of("evicted")))).as("newest first, a page").containsExactly("r2");
    }

    @Test
    void a_run_is_found_by_its_comments_and_no_more_by_what_a_comment_said_before_it_was_edited_or_deleted() {
        storeOutageRun("r1", T0);
        Comment comment = store.comments().add("r1", Optional.of("drain"), "blocked by ticket OPS-9931", "ana", T0, CommentsContract.NOTED);
        store.comments().add("r1", Optional.empty(), "postmortem scheduled", "otto", T0, CommentsContract.NOTED);

        assertThat(ids("OPS-9931")).containsExactly("r1");
        store.comments().edit("r1", comment.id(), "pasted the wrong thing", T0.plusSeconds(5), CommentsContract.NOTED);
        assertThat(ids("OPS-9931")).as("the words it said before the edit").isEmpty();
        assertThat(ids("wrong thing")).containsExactly("r1");
        assertThat(ids("ConnectionRefused postmortem")).as("the events' words and the other comment's stay").containsExactly("r1");
        store.comments().delete("r1", comment.id(), CommentsContract.NOTED);
        assertThat(ids("wrong")).isEmpty();
        store.append("r1", 8, new RunEvent.StepFinished(T0, "check", StepStatus.SKIPPED, JSON.objectNode(), "drained after all"));
        store.append("r1", 9, new RunEvent.RunFinished(T0, RunStatus.SUCCEEDED, ""));
        assertThat(ids("drained postmortem")).as("events stored after a re-read are added as before").containsExactly("r1");
    }

    @Test
    void a_secret_parameter_run_through_the_engine_is_never_found_by_its_value() throws Exception {
        RunResult result = Fixtures.run("engine/secrets.md", Map.of("token", "Kx9SecretPq7"), Fixtures.answering(FixtureRun.Answers.YES),
                workDir, new RunControl(), RunListener.NONE);
        storeEventByEvent(result);

        assertThat(ids("token is")).as("the step's output is indexed").containsExactly(result.state().runId());
        assertThat(ids("Kx9SecretPq7")).as("the secret, which the step printed, is not").isEmpty();
        assertThat(ids("rejected Kx9SecretPq7")).isEmpty();
    }

    @Test
    void runs_stored_before_the_search_index_existed_are_found_after_the_upgrade() {
        store.close();
        store = null;
        String fresh; // a database at the schema of the opsbook before search, with runs in it
        try {
            fresh = backend().newDatabaseUrl(workDir.resolve("before-search"));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        Flyway.configure().dataSource(fresh, backend().user(), backend().password()).locations("classpath:db/migration").target("14").load().migrate();
        Jdbc jdbc = Jdbc.open(fresh, backend().user(), backend().password(), "old", 14);
        jdbc.inTransaction(connection -> {
            try (PreparedStatement runs = connection.prepareStatement("INSERT INTO runs (id, runbook_id, runbook_file, content_hash, "
                    + "runbook_text, status, trigger_kind, started_by, started_at, message, waiting_for, last_seq) "
                    + "VALUES (?, 'drain-node', 'runbooks/drain-node.md', 'h', 'text', 'SUCCEEDED', 'cli', 'tester', ?, '', '', 2)");
                 PreparedStatement events = connection.prepareStatement("INSERT INTO run_events (run_id, seq, at, type, body) VALUES (?, ?, ?, ?, ?)")) {
                for (String id : List.of("old-1", "old-2")) {
                    runs.setString(1, id);
                    Jdbc.setInstant(runs, 2, T0);
                    runs.executeUpdate();
                    RunEvent start = started(id, "drain-node", T0, "cli");
                    RunEvent finish = new RunEvent.StepFinished(T0, "drain", StepStatus.SUCCEEDED, JSON.objectNode().put("note", id + " drained legacy-host"), "");
                    long seq = 0;
                    for (RunEvent event : List.of(start, finish)) {
                        events.setString(1, id);
                        events.setLong(2, ++seq);
                        Jdbc.setInstant(events, 3, T0);
                        events.setString(4, RunEventJson.type(event));
                        events.setString(5, RunEventJson.write(event));
                        events.executeUpdate();
                    }
                }
            }
            return null;
        });
        jdbc.close();

        store = open(fresh);

        assertThat(ids("legacy-host")).containsExactlyInAnyOrder("old-1", "old-2");
        assertThat(ids("old-2 drained")).containsExactly("old-2");
    }

    /** A run of drain-node: a parameter, a step that failed on stderr, output, an approval, a resolution. */
    private void storeOutageRun(String id, Instant at) {
        RunEvent.RunStarted start = new RunEvent.RunStarted(at, id, "drain-node", "Node drain", "hash",
                JSON.objectNode().put("node", "ip-10-0-3-17"), JSON.objectNode(), "tester", "cli");
        store.create(row(id, "drain-node", at, "cli", null), "# Node drain", start);
        store.append(id, 2, new RunEvent.StepStarted(at, "drain", "drain", dev.opsbook.engine.Role.NORMAL, Optional.empty(), null));
        store.append(id, 3, new RunEvent.AttemptFinished(at, "drain", new Attempt(1, at, at, false, "exit 1",
                JSON.objectNode().put("stdout", "").put("stderr", "dial tcp: ConnectionRefused")), Optional.empty()));
        store.append(id, 4, new RunEvent.StepFinished(at, "drain", StepStatus.SUCCEEDED, JSON.objectNode().put("summary", "12 pods evicted"), ""));
        store.append(id, 5, new RunEvent.StepAnswered(at, "approve", new Interaction.Answer(true, "maria", "no customer impact", at, "web")));
        store.append(id, 6, new RunEvent.StepResolved(at, "check", dev.opsbook.engine.Resolution.SKIP, "oscar", "known flake"));
        store.append(id, 7, new RunEvent.RunFinished(at, RunStatus.SUCCEEDED, ""));
    }

    private List<String> ids(String search) {
        return runs(new RunQuery(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), 0, 0,
                Optional.empty(), Optional.empty(), Optional.of(search)));
    }

    private List<String> runs(RunQuery query) {
        return store.runs(query).stream().map(StoredRun::id).toList();
    }
}
