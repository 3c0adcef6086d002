package dev.opsbook.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.opsbook.engine.RunEvent;
import dev.opsbook.engine.RunStatus;
import dev.opsbook.graph.RunbookLoader;
import dev.opsbook.steps.StandardSteps;
import dev.opsbook.store.JdbcRunStore;
import dev.opsbook.store.RunStore;
import dev.opsbook.store.StoredRun;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every waiting run is looked at, however many wait, the oldest too; after that only when it falls due or moves. */
class EscalatorCandidatesTest {

    private static final Instant T0 = Instant.parse("2026-12-02T03:00:00Z");
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    @TempDir
    Path dir;

    private RunStore store;

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void more_waiting_runs_than_one_page_are_all_candidates_the_oldest_included() {
        store = JdbcRunStore.open(JdbcRunStore.embeddedUrl(dir.resolve("store")), "", "");
        int waiting = Escalator.PAGE + 5;
        for (int i = 0; i < waiting; i++) {
            String id = "r%04d".formatted(i);
            Instant at = T0.plusSeconds(i);
            store.create(new StoredRun(id, "gated", "runbooks/gated.md", "hash", RunStatus.WAITING, "event", "event e-" + i,
                    Optional.empty(), Optional.empty(), at, Optional.empty(), "", "allow"), "", new RunEvent.RunStarted(at, id, "gated",
                    "Gated", "hash", JSON.objectNode(), JSON.objectNode(), "event e-" + i, "event", JSON.objectNode(), Optional.empty()));
        }
        Clock clock = Clock.fixed(T0.plusSeconds(3600), ZoneOffset.UTC);
        Escalator escalator = new Escalator(store, new RunbookLoader(StandardSteps.all().catalog()), null, clock, "instance-a",
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));

        assertThat(escalator.candidates(clock.instant())).extracting(StoredRun::id).hasSize(waiting).contains("r0000").doesNotHaveDuplicates();
    }

    @Test
    void once_looked_at_a_waiting_run_is_read_again_only_when_its_look_falls_due_or_it_moved_since() {
        store = JdbcRunStore.open(JdbcRunStore.embeddedUrl(dir.resolve("store")), "", "");
        for (int i = 0; i < 3; i++) {
            waiting("r%04d".formatted(i), T0.plusSeconds(i));
        }
        Clock clock = Clock.fixed(T0.plusSeconds(3600), ZoneOffset.UTC);
        Instant now = clock.instant();
        Escalator escalator = new Escalator(store, new RunbookLoader(StandardSteps.all().catalog()), null, clock, "instance-a",
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        assertThat(escalator.candidates(now)).as("the first tick reads every waiting run once").hasSize(3);

        store.lookAgain("r0000", 1, Optional.of(now.plusSeconds(60)));
        store.lookAgain("r0001", 1, Optional.empty());
        store.lookAgain("r0002", 1, Optional.of(now.minusSeconds(1)));
        assertThat(escalator.candidates(now)).as("the next tick reads the due one alone").extracting(StoredRun::id).containsExactly("r0002");

        store.lookAgain("r0002", 1, Optional.empty());
        store.lookAgain("r0001", 0, Optional.empty()); // //why: as if an event of it was written by another process since
        for (int tick = 2; tick < Escalator.SWEEP_EVERY; tick++) {
            assertThat(escalator.candidates(now)).isEmpty();
        }
        assertThat(escalator.candidates(now)).as("a sweep finds the run that moved").extracting(StoredRun::id).containsExactly("r0001");
        assertThat(escalator.candidates(now.plusSeconds(61))).as("its next tier's time came").extracting(StoredRun::id).containsExactly("r0000");
    }

    @Test
    void one_tick_notes_each_run_it_looked_at_so_the_next_sweep_reads_none_of_them_again() {
        store = JdbcRunStore.open(JdbcRunStore.embeddedUrl(dir.resolve("store")), "", "");
        for (int i = 0; i < 5; i++) {
            waiting("r%04d".formatted(i), T0.plusSeconds(i));
        }
        store.lookAgain("r0004", 0, Optional.empty()); // looked at before it moved: its row is there, and behind
        Clock clock = Clock.fixed(T0.plusSeconds(3600), ZoneOffset.UTC);
        ByteArrayOutputStream said = new ByteArrayOutputStream();
        Escalator escalator = new Escalator(store, new RunbookLoader(StandardSteps.all().catalog()), null, clock, "instance-a",
                new PrintStream(said, true, StandardCharsets.UTF_8));

        escalator.tick();

        assertThat(said.toString(StandardCharsets.UTF_8)).isEmpty();
        for (int tick = 1; tick <= Escalator.SWEEP_EVERY; tick++) {
            assertThat(escalator.candidates(clock.instant())).as("tick " + tick + ", a sweep among them").isEmpty();
        }
    }

    @Test
    void a_run_that_ended_here_with_nobody_told_is_not_read_but_one_whose_escalation_it_must_close_is() {
        store = JdbcRunStore.open(JdbcRunStore.embeddedUrl(dir.resolve("store")), "", "");
        waiting("quiet", T0);
        waiting("told", T0.plusSeconds(1));
        store.claimTier("told", "waiting:allow@2", 0, "instance-a", T0.plusSeconds(60), T0.plusSeconds(120));
        store.lookAgain("quiet", 2, Optional.of(T0.plusSeconds(7200))); // a look left from its wait, to be forgotten
        Clock clock = Clock.fixed(T0.plusSeconds(3600), ZoneOffset.UTC);
        Escalator escalator = new Escalator(store, new RunbookLoader(StandardSteps.all().catalog()), null, clock, "instance-a",
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        escalator.candidates(clock.instant()); // the first tick's sweep, over the two waiting runs

        escalator.heard(new dev.opsbook.store.RunHead("quiet", RunStatus.SUCCEEDED, 3));
        escalator.heard(new dev.opsbook.store.RunHead("told", RunStatus.SUCCEEDED, 3));

        assertThat(escalator.candidates(clock.instant())).as("the told run's notice is closed on its look").extracting(StoredRun::id)
                .containsExactly("told");
        assertThat(store.dueLooks(T0.plusSeconds(9000), 10)).as("the quiet run's look is forgotten").doesNotContain("quiet");
    }

    private void waiting(String id, Instant at) {
        store.create(new StoredRun(id, "gated", "runbooks/gated.md", "hash", RunStatus.WAITING, "event", "event " + id,
                Optional.empty(), Optional.empty(), at, Optional.empty(), "", "allow"), "", new RunEvent.RunStarted(at, id, "gated",
                "Gated", "hash", JSON.objectNode(), JSON.objectNode(), "event " + id, "event", JSON.objectNode(), Optional.empty()));
    }
}
