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
        forgetFactsAndReopen();

        Stats after = stats(Optional.empty(), false);

        assertThat(after).usingRecursiveComparison().ignoringFields("query").isEqualTo(before);
        assertThat(after.failing()).isNotEmpty();
    }

    @Test
    void whole_days_are_added_up_from_kept_figures_that_follow_every_later_change_of_their_runs() throws Exception {
        java.time.LocalDate today = now.atOffset(ZoneOffset.UTC).toLocalDate();
        Instant threeDaysAgo = today.minusDays(3).atStartOfDay(ZoneOffset.UTC).toInstant().plus(Duration.ofHours(9));
        long seq = storeWaitingApproval("old", "e-old", threeDaysAgo, Optional.empty());
        storeEventByEvent(Fixtures.run("engine/rollback.md", Map.of("failAt", "switch"), Fixtures.answering(FixtureRun.Answers.YES),
                workDir, new RunControl(), RunListener.NONE)); // today's, read from its facts while today is not over
        StatsQuery wholeDays = new StatsQuery(Optional.empty(), today.minusDays(7).atStartOfDay(ZoneOffset.UTC).toInstant(),
                Instant.now().plusSeconds(60), false);

        Stats waiting = store.stats().stats(wholeDays);
        assertThat(waiting.runs(RunStatus.WAITING)).isEqualTo(1);
        assertThat(waiting.waitingForPeople().count()).isZero();
        assertThat(keptDays()).as("the whole days' figures are kept").isPositive();

        answerAndFinish("old", seq, threeDaysAgo);
        Stats answered = store.stats().stats(wholeDays);

        assertThat(answered.runs(RunStatus.WAITING)).isZero();
        assertThat(answered.runs(RunStatus.SUCCEEDED)).isEqualTo(1);
        assertThat(answered.runs(RunStatus.FAILED)).isEqualTo(1);
        assertThat(answered.waitingForPeople().total()).isEqualTo(Duration.ofMinutes(5));
        assertThat(answered.toResolution().count()).isEqualTo(2);
        assertThat(answered.toFirstStep().median()).contains(Duration.ofSeconds(3));
        assertThat(answered.automateNext()).singleElement().satisfies(c -> assertThat(c.stepId()).isEqualTo("gate"));

        Instant twoDaysAgo = threeDaysAgo.plus(Duration.ofDays(1));
        store.claim(received("e-slow", twoDaysAgo, EventOutcome.STARTED));
        JsonNodeFactory json = JsonNodeFactory.instance;
        store.create(withEvent(row("slow", "restart", twoDaysAgo.plusSeconds(1), "event", null), "e-slow"), "# Restart",
                new RunEvent.RunStarted(twoDaysAgo.plusSeconds(1), "slow", "restart", "Restart", "hash", json.objectNode(), json.objectNode(),
                        "event e-slow", "event", null, Optional.empty()));
        assertThat(store.stats().stats(wholeDays).toFirstStep().count()).isEqualTo(1);
        store.append("slow", 2, new RunEvent.StepStarted(twoDaysAgo.plusSeconds(7), "gate", "gate", Role.NORMAL, Optional.empty(), null));
        assertThat(store.stats().stats(wholeDays).toFirstStep().count()).as("a first step alone, the run still running, moves its day").isEqualTo(2);

        java.time.LocalDate day = threeDaysAgo.atOffset(ZoneOffset.UTC).toLocalDate();
        Instant dayStart = day.atStartOfDay(ZoneOffset.UTC).toInstant();
        Stats kept = store.stats().stats(new StatsQuery(Optional.empty(), dayStart, dayStart.plus(Duration.ofDays(1)), false));
        Stats read = store.stats().stats(new StatsQuery(Optional.empty(), dayStart, dayStart.plus(Duration.ofDays(1)).minusMillis(1), false));
        assertThat(kept).as("a whole day's kept figures are those read from its runs' facts")
                .usingRecursiveComparison().ignoringFields("query").isEqualTo(read);
    }

    @Test
    void the_facts_a_run_writes_at_its_stop_are_those_its_events_give_one_at_a_time() throws Exception {
        store.claim(received("e-r", t, EventOutcome.STARTED));
        store.create(withEvent(row("r", "restart", t.plusSeconds(1), "event", null), "e-r"), "# Restart", started("r", "restart", t.plusSeconds(1), "event"));
        JsonNodeFactory json = JsonNodeFactory.instance;
        RunEvent[] events = {
            new RunEvent.StepStarted(t.plusSeconds(2), "a", "a", Role.NORMAL, Optional.empty(), null),
            new RunEvent.StepFinished(t.plusSeconds(3), "a", StepStatus.SUCCEEDED, json.objectNode(), ""),
            new RunEvent.StepStarted(t.plusSeconds(4), "b", "b", Role.NORMAL, Optional.empty(), null),
            new RunEvent.StepFinished(t.plusSeconds(5), "b", StepStatus.FAILED, json.objectNode(), "boom"),
            new RunEvent.RunFinished(t.plusSeconds(6), RunStatus.FAILED, "b failed"),
            new RunEvent.RunRestarted(t.plusSeconds(60), "carol", "b", java.util.List.of("b")),
            new RunEvent.StepStarted(t.plusSeconds(61), "b", "b", Role.NORMAL, Optional.empty(), null),
            new RunEvent.StepFinished(t.plusSeconds(62), "b", StepStatus.SUCCEEDED, json.objectNode(), ""),
            new RunEvent.StepStarted(t.plusSeconds(63), "gate", "gate", Role.NORMAL, Optional.empty(), null),
            new RunEvent.StepFinished(t.plusSeconds(64), "gate", StepStatus.WAITING, null, "waiting for a person"),
            new RunEvent.RunFinished(t.plusSeconds(64), RunStatus.WAITING, "waiting for a person at gate")};
        java.util.List<RunLog.Appending> appending = new java.util.ArrayList<>();
        for (int i = 0; i < events.length; i++) {
            appending.add(new RunLog.Appending(i + 2, events[i], Optional.empty()));
        }
        store.appendAll("r", appending, Optional.empty()); // //why: one stop derives them all at once, batched

        java.util.List<String> atTheStop = facts();
        assertThat(atTheStop).as("a, b failed once then reached again and ended, gate a person's").hasSize(4);
        forgetFactsAndReopen();
        store.stats().stats(new StatsQuery(Optional.empty(), t.minus(Duration.ofDays(1)), Instant.now(), false)); // folds the run again, an event at a time

        assertThat(facts()).isEqualTo(atTheStop);
    }

    /** The store as a version before V18 left it: runs with no facts, to be caught up when the store is next read. */
    private void forgetFactsAndReopen() throws Exception {
        store.close();
        try (Connection connection = DriverManager.getConnection(url, backend().user(), backend().password());
             Statement statement = connection.createStatement()) {
            statement.executeUpdate("DELETE FROM step_facts");
            statement.executeUpdate("UPDATE runs SET started_day = NULL, event_ms = NULL, first_step_ms = NULL, resolution_ms = NULL, "
                    + "facts_version = NULL");
        }
        store = open(url);
    }

    /** The run's step facts and its own, a line each. */
    private java.util.List<String> facts() throws Exception {
        java.util.List<String> lines = new java.util.ArrayList<>();
        try (Connection connection = DriverManager.getConnection(url, backend().user(), backend().password());
             Statement statement = connection.createStatement()) {
            try (java.sql.ResultSet rows = statement.executeQuery("SELECT step_key, step_id, runbook_id, kind, reached_ms, person_ms, outcome, "
                    + "answered_by, answer, failures, last_failed_at FROM step_facts ORDER BY step_key")) {
                while (rows.next()) {
                    StringBuilder line = new StringBuilder();
                    for (int i = 1; i <= 11; i++) {
                        line.append(rows.getString(i)).append(' ');
                    }
                    lines.add(line.toString().trim());
                }
            }
            try (java.sql.ResultSet rows = statement.executeQuery("SELECT started_day, event_ms, first_step_ms, resolution_ms, facts_version FROM runs")) {
                while (rows.next()) {
                    lines.add("run " + rows.getString(1) + " " + rows.getString(2) + " " + rows.getString(3) + " " + rows.getString(4) + " " + rows.getString(5));
                }
            }
        }
        return lines;
    }

    private long keptDays() throws Exception {
        try (Connection connection = DriverManager.getConnection(url, backend().user(), backend().password());
             Statement statement = connection.createStatement();
             java.sql.ResultSet rows = statement.executeQuery("SELECT COUNT(*) FROM stats_days")) {
            rows.next();
            return rows.getLong(1);
        }
    }

    /** An event received at t, its run started at t+1s, an approval reached at t+3s, approved 5 minutes later, ended at t+5m5s. */
    private void storeAnsweredApproval(String id, String eventId, Optional<String> drill) {
        answerAndFinish(id, storeWaitingApproval(id, eventId, t, drill), t);
    }

    /** The run of {@link #storeAnsweredApproval} up to its wait for the approval; the last seq stored. */
    private long storeWaitingApproval(String id, String eventId, Instant t, Optional<String> drill) {
        store.claim(received(eventId, t, EventOutcome.STARTED));
        JsonNodeFactory json = JsonNodeFactory.instance;
        RunEvent.RunStarted started = new RunEvent.RunStarted(t.plusSeconds(1), id, "restart", "Restart", "hash", json.objectNode(),
                json.objectNode(), "event " + eventId, "event", null, drill);
        store.create(withEvent(row(id, "restart", t.plusSeconds(1), "event", null), eventId), "# Restart", started);
        Instant reached = t.plusSeconds(3);
        RunEvent[] events = {
            new RunEvent.StepStarted(reached, "gate", "gate", Role.NORMAL, Optional.empty(), null),
            new RunEvent.StepFinished(reached, "gate", StepStatus.WAITING, null, "waiting for a person"),
            new RunEvent.RunFinished(reached, RunStatus.WAITING, "waiting for a person at gate")};
        long seq = 1;
        for (RunEvent event : events) {
            store.append(id, ++seq, event);
        }
        return seq;
    }

    private void answerAndFinish(String id, long seq, Instant t) {
        JsonNodeFactory json = JsonNodeFactory.instance;
        Instant answered = t.plusSeconds(3).plus(Duration.ofMinutes(5));
        ObjectNode result = json.objectNode().put("approved", true).put("by", "carol").put("comment", "").put("at", answered.toString())
                .put("how", "approve");
        RunEvent[] events = {
            new RunEvent.StepAnswered(answered, "gate", new Interaction.Answer(true, "carol", "", answered, "approve")),
            new RunEvent.RunResumed(answered.plusSeconds(1), "serve"),
            new RunEvent.StepStarted(answered.plusSeconds(1), "gate", "gate", Role.NORMAL, Optional.empty(), null),
            new RunEvent.AttemptFinished(answered.plusSeconds(1), "gate", new Attempt(1, answered.plusSeconds(1), answered.plusSeconds(1), true,
                    "", result), Optional.empty()),
            new RunEvent.StepFinished(answered.plusSeconds(1), "gate", StepStatus.SUCCEEDED, json.objectNode(), ""),
            new RunEvent.RunFinished(answered.plusSeconds(2), RunStatus.SUCCEEDED, "")};
        for (RunEvent event : events) {
            store.append(id, ++seq, event);
        }
    }
}
