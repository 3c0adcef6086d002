package dev.opsbook.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.opsbook.engine.Attempt;
import dev.opsbook.engine.Resolution;
import dev.opsbook.engine.Role;
import dev.opsbook.engine.RunEvent;
import dev.opsbook.engine.RunStatus;
import dev.opsbook.store.JdbcRunStore;
import dev.opsbook.store.RunStore;
import dev.opsbook.store.StoredRun;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a person is told at {@code opsbook resolve}, on a run stored as a killed instance's takeover leaves it. */
class ResolveTest {

    @TempDir
    Path dir;

    private RunStore store;
    private static final Instant T0 = Instant.parse("2026-11-23T03:00:00Z");
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    @BeforeEach
    void open() {
        store = JdbcRunStore.open(JdbcRunStore.embeddedUrl(dir.resolve("store")), "", "");
        store.create(new StoredRun("r1", "deploy", "runbooks/deploy.md", "hash", RunStatus.RUNNING, "event", "event e-1", Optional.empty(),
                Optional.empty(), T0, Optional.empty(), "", ""), "text", new RunEvent.RunStarted(T0, "r1", "deploy", "Deploy", "hash",
                JSON.objectNode(), JSON.objectNode(), "event e-1", "event"));
        RunEvent[] rest = {
            new RunEvent.StepStarted(T0.plusSeconds(1), "deploy", "deploy", Role.NORMAL, Optional.empty(), JSON.objectNode()),
            new RunEvent.RunTakenOver(T0.plusSeconds(9), "b", "a"),
            new RunEvent.AttemptFinished(T0.plusSeconds(9), "deploy", new Attempt(1, T0.plusSeconds(1), T0.plusSeconds(9), false,
                    "interrupted: a stopped", null), Optional.empty()),
            new RunEvent.StepInterrupted(T0.plusSeconds(9), "deploy", false, "step 'deploy' was in flight when a stopped"),
            new RunEvent.RunFinished(T0.plusSeconds(9), RunStatus.NEEDS_ATTENTION, "step 'deploy' needs attention"),
        };
        for (int i = 0; i < rest.length; i++) {
            store.append("r1", i + 2, rest[i]);
        }
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void a_step_is_resolved_once_and_a_second_person_is_told_who_resolved_it_and_what_happens_next() throws Exception {
        Approvals.resolve(store, "r1", "deploy", Resolution.RETRY, "carol", "nothing was deployed", Clock.systemUTC());

        assertThatThrownBy(() -> Approvals.resolve(store, "r1", "deploy", Resolution.SKIP, "dave", "", Clock.systemUTC()))
                .isInstanceOf(Approvals.Refused.class)
                .hasMessage("run r1 of deploy was resolved already (step 'deploy': retry by carol); a running opsbook serve takes it up,"
                        + " or continue it with opsbook resume r1");
        assertThat(store.events("r1")).filteredOn(e -> e instanceof RunEvent.StepResolved).hasSize(1);
    }

    @Test
    void a_step_that_does_not_need_attention_is_refused_naming_the_one_that_does() {
        assertThatThrownBy(() -> Approvals.resolve(store, "r1", "prepare", Resolution.RETRY, "carol", "", Clock.systemUTC()))
                .isInstanceOf(Approvals.Refused.class)
                .hasMessage("step 'prepare' of run r1 does not need attention; 'deploy' does");
    }
}
