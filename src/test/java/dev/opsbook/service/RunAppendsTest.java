package dev.opsbook.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.opsbook.engine.Interaction;
import dev.opsbook.engine.Resolution;
import dev.opsbook.engine.Role;
import dev.opsbook.engine.RunEvent;
import dev.opsbook.engine.RunStatus;
import dev.opsbook.store.JdbcRunStore;
import dev.opsbook.store.Lease;
import dev.opsbook.store.RunStore;
import dev.opsbook.store.StoredRun;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a person or a request is told when the run's status does not take the event it causes, and that nothing is appended then. */
class RunAppendsTest {

    private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");
    private static final RunEvent SKIPPED = new RunEvent.StepSkipped(T0.plusSeconds(5), "x", "condition is false");

    @TempDir
    Path dir;

    private RunStore store;

    @BeforeEach
    void open() {
        store = JdbcRunStore.open(JdbcRunStore.embeddedUrl(dir.resolve("store")), "", "");
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void a_failed_run_takes_a_restart_but_a_succeeded_one_takes_no_event_at_all() {
        create("f1", new RunEvent.RunFinished(T0, RunStatus.FAILED, "step 'x' failed"));
        RunEvent.RunRestarted restarted = new RunEvent.RunRestarted(T0.plusSeconds(1), "bob", "x", List.of("x"));
        RunAppends.checked(store, "f1", store.events("f1"), restarted);
        RunAppends.checked(store, "f1", store.events("f1"), new RunEvent.RunFinished(T0.plusSeconds(2), RunStatus.SUCCEEDED, ""));

        for (RunEvent refused : List.of(restarted, SKIPPED)) {
            assertThatThrownBy(() -> RunAppends.checked(store, "f1", store.events("f1"), refused)).isInstanceOf(IllegalStateException.class)
                    .hasMessage("run f1 has finished (succeeded): no event can follow");
        }
        assertThat(store.events("f1")).hasSize(4);
        assertThat(store.run("f1").orElseThrow().status()).isEqualTo(RunStatus.SUCCEEDED);
    }

    @Test
    void a_run_that_needs_attention_takes_only_a_resolution_until_it_is_taken_up_again() {
        create("r1", new RunEvent.StepStarted(T0.plusSeconds(1), "deploy", "deploy", Role.NORMAL, Optional.empty(), null),
                new RunEvent.StepInterrupted(T0.plusSeconds(2), "deploy", false, "step 'deploy' was in flight"),
                new RunEvent.RunFinished(T0.plusSeconds(2), RunStatus.NEEDS_ATTENTION, "step 'deploy' was in flight"));

        assertThatThrownBy(() -> RunAppends.checked(store, "r1", store.events("r1"), SKIPPED)).isInstanceOf(IllegalStateException.class)
                .hasMessage("run r1 is needs-attention: this event cannot follow");
        assertThat(store.events("r1")).hasSize(4);

        RunAppends.checked(store, "r1", store.events("r1"),
                new RunEvent.StepResolved(T0.plusSeconds(3), "deploy", Resolution.RETRY, "carol", ""));
        assertThat(store.events("r1")).hasSize(5);
        assertThat(store.answeredRuns(10)).extracting(StoredRun::id).containsExactly("r1");
    }

    @Test
    void a_writer_that_read_the_history_before_another_event_was_appended_appends_nothing() {
        create("w1", new RunEvent.RunFinished(T0.plusSeconds(1), RunStatus.WAITING, "waiting for a person at allow"));
        List<RunEvent> read = store.events("w1");
        RunAppends.checked(store, "w1", read, new RunEvent.RunFinished(T0.plusSeconds(2), RunStatus.CANCELLED, "cancelled by bob"));

        assertThatThrownBy(() -> RunAppends.checked(store, "w1", read,
                new RunEvent.StepAnswered(T0.plusSeconds(3), "allow", new Interaction.Answer(true, "carol", "", T0, "approve"))))
                .as("the status it checked was the waiting one: the store refuses the seq").isInstanceOf(IllegalStateException.class)
                .hasMessage("run w1: event 3 does not follow the last stored event, 3");
        assertThat(store.events("w1")).hasSize(3);
    }

    @Test
    void a_run_that_finished_is_not_taken_up_by_whoever_claims_it() {
        create("s1", new RunEvent.RunFinished(T0.plusSeconds(1), RunStatus.SUCCEEDED, ""));

        assertThat(Approvals.claim(store, "s1", store.events("s1"), new RunEvent.RunResumed(T0.plusSeconds(2), "opsbook serve (b)"),
                Optional.of(new Lease("b", T0.plusSeconds(32))))).isEmpty();

        assertThat(store.events("s1")).hasSize(2);
        assertThat(store.run("s1").orElseThrow().status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(store.lease("s1")).isEmpty();
    }

    private void create(String id, RunEvent... rest) {
        JsonNodeFactory json = JsonNodeFactory.instance;
        store.create(new StoredRun(id, "deploy", "runbooks/deploy.md", "hash", RunStatus.RUNNING, "cli", "alice", Optional.empty(),
                Optional.empty(), T0, Optional.empty(), "", ""), "text", new RunEvent.RunStarted(T0, id, "deploy", "Deploy", "hash",
                json.objectNode(), json.objectNode(), "alice", "cli"));
        for (int i = 0; i < rest.length; i++) {
            store.append(id, i + 2, rest[i]);
        }
    }
}
