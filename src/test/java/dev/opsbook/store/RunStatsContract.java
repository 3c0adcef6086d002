package dev.opsbook.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opsbook.engine.Attempt;
import dev.opsbook.engine.FixtureRun;
import dev.opsbook.engine.Fixtures;
import dev.opsbook.engine.Interaction;
import dev.opsbook.engine.Role;
import dev.opsbook.engine.RunControl;
import dev.opsbook.engine.RunEvent;
import dev.opsbook.engine.RunListener;
import dev.opsbook.engine.RunResult;
import dev.opsbook.engine.RunStatus;
import dev.opsbook.engine.StepStatus;
import dev.opsbook.stats.Stats;
import dev.opsbook.stats.StatsQuery;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The dashboards' figures, from real runs stored event by event: what each figure counts, and what it leaves out. */
abstract class RunStatsContract extends StoreContract {

    private final Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    private final Instant t = now.minus(Duration.ofHours(2));

    private Stats stats(Optional<String> runbook, boolean drills) {
        return store.stats().stats(StatsQuery.parse(runbook, Optional.empty(), Optional.empty(), Optional.of(String.valueOf(drills)), Instant.now()));
    }

    @Test
    void runs_per_day_success_rate_and_the_steps_that_fail_most_count_real_runs() throws Exception {
        RunResult people = Fixtures.run("engine/people.md", Map.of(), Fixtures.answering(FixtureRun.Answers.YES), workDir, new RunControl(),
                RunListener.NONE);
        storeEventByEvent(people);
        for (int i = 0; i < 2; i++) {
            storeEventByEvent(Fixtures.run("engine/rollback.md", Map.of("failAt", "switch"), Fixtures.answering(FixtureRun.Answers.YES),
                    workDir, new RunControl(), RunListener.NONE));
        }

        Stats all = stats(Optional.empty(), false);

        assertThat(all.days()).hasSize(31);
        Stats.Day today = all.days().stream().filter(d -> d.day().equals(people.state().startedAt().atOffset(ZoneOffset.UTC).toLocalDate()))
                .findFirst().orElseThrow();
        assertThat(today.byStatus()).containsEntry(RunStatus.SUCCEEDED, 1L).containsEntry(RunStatus.FAILED, 2L);
        assertThat(all.successRate()).hasValueSatisfying(rate -> assertThat(rate).isCloseTo(1 / 3.0, org.assertj.core.data.Offset.offset(1e-9)));
        assertThat(all.failing()).first().satisfies(step -> {
            assertThat(step.stepId()).isEqualTo("switch");
            assertThat(step.failures()).isEqualTo(2);
            assertThat(step.runs()).isEqualTo(2);
        });
        assertThat(all.toResolution().count()).isEqualTo(3);
        assertThat(all.toFirstStep().count()).as("no run here was started by an event").isZero();

        Stats onePeople = stats(Optional.of(people.state().runbookId()), false);
        assertThat(onePeople.runs()).isEqualTo(1);
        assertThat(onePeople.failing()).isEmpty();
        assertThat(onePeople.waitingForPeople().count()).as("the manual step and the approval").isEqualTo(2);
        assertThat(onePeople.automateNext()).extracting(Stats.Candidate::stepId, Stats.Candidate::kind, Stats.Candidate::usualAnswer)
                .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("gate", "approve", "approved"),
                        org.assertj.core.groups.Tuple.tuple("tell-the-service-owner", "manual", "done"));
    }

    @Test
    void an_event_started_run_counts_event_to_first_step_person_time_and_resolution_and_drills_only_when_asked() {
        storeAnsweredApproval("ev", "e-1", Optional.empty());
        storeAnsweredApproval("drill", "e-2", Optional.of("gd-1"));

        Stats real = stats(Optional.empty(), false);

        assertThat(real.runs()).isEqualTo(1);
        assertThat(real.toFirstStep().median()).contains(Duration.ofSeconds(3));
        assertThat(real.waitingForPeople().total()).isEqualTo(Duration.ofMinutes(5));
        assertThat(real.toResolution().median()).contains(Duration.ofMinutes(5).plusSeconds(4));
        assertThat(real.automateNext()).singleElement().satisfies(c -> {
            assertThat(c.kind()).isEqualTo("approve");
            assertThat(c.reason()).isEqualTo("approved 100% of 1 time; 5 m 0 s of people's time, 5 m 0 s each (median)");
        });
        assertThat(stats(Optional.empty(), true).runs()).isEqualTo(2);
    }

    @Test
    void runs_stored_before_the_facts_existed_are_caught_up_once_and_add_up_the_same() throws Exception {
        storeAnsweredApproval("ev", "e-1", Optional.empty());
        storeEventByEvent(Fixtures.run("engine/rollback.md", Map.of("failAt", "switch"), Fixtures.answering(FixtureRun.Answers.YES),
                workDir, new RunControl(), RunListener.NONE));
        Stats before = stats(Optional.empty(), false);
        store.close();
        try (Connection connection = DriverManager.getConnection(url, backend().user(), backend().password());
             Statement statement = connection.createStatement()) {
            statement.executeUpdate("DELETE FROM step_facts");
            statement.executeUpdate("UPDATE runs SET started_day = NULL, event_ms = NULL, first_step_ms = NULL, resolution_ms = NULL, "
                    + "facts_version = NULL");
        }
        store = open(url);

        Stats after = stats(Optional.empty(), false);

        assertThat(after).usingRecursiveComparison().ignoringFields("query").isEqualTo(before);
        assertThat(after.failing()).isNotEmpty();
    }

    /** An event received at t, its run started at t+1s, an approval reached at t+3s, approved 5 minutes later, ended at t+5m5s. */
    private void storeAnsweredApproval(String id, String eventId, Optional<String> drill) {
        store.claim(received(eventId, t, EventOutcome.STARTED));
        JsonNodeFactory json = JsonNodeFactory.instance;
        RunEvent.RunStarted started = new RunEvent.RunStarted(t.plusSeconds(1), id, "restart", "Restart", "hash", json.objectNode(),
                json.objectNode(), "event " + eventId, "event", null, drill);
        store.create(withEvent(row(id, "restart", t.plusSeconds(1), "event", null), eventId), "# Restart", started);
        Instant reached = t.plusSeconds(3);
        Instant answered = reached.plus(Duration.ofMinutes(5));
        ObjectNode result = json.objectNode().put("approved", true).put("by", "carol").put("comment", "").put("at", answered.toString())
                .put("how", "approve");
        RunEvent[] events = {
            new RunEvent.StepStarted(reached, "gate", "gate", Role.NORMAL, Optional.empty(), null),
            new RunEvent.StepFinished(reached, "gate", StepStatus.WAITING, null, "waiting for a person"),
            new RunEvent.RunFinished(reached, RunStatus.WAITING, "waiting for a person at gate"),
            new RunEvent.StepAnswered(answered, "gate", new Interaction.Answer(true, "carol", "", answered, "approve")),
            new RunEvent.RunResumed(answered.plusSeconds(1), "serve"),
            new RunEvent.StepStarted(answered.plusSeconds(1), "gate", "gate", Role.NORMAL, Optional.empty(), null),
            new RunEvent.AttemptFinished(answered.plusSeconds(1), "gate", new Attempt(1, answered.plusSeconds(1), answered.plusSeconds(1), true,
                    "", result), Optional.empty()),
            new RunEvent.StepFinished(answered.plusSeconds(1), "gate", StepStatus.SUCCEEDED, json.objectNode(), ""),
            new RunEvent.RunFinished(answered.plusSeconds(2), RunStatus.SUCCEEDED, "")};
        long seq = 1;
        for (RunEvent event : events) {
            store.append(id, ++seq, event);
        }
    }
}
