package dev.opsbook.incident;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opsbook.engine.RunStatus;
import dev.opsbook.store.StoredRun;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class IncidentGroupingTest {

    private static final Instant T0 = Instant.parse("2026-12-02T03:00:00Z");
    private static final Duration HOUR = Duration.ofHours(1);
    private static final String DISK = "arn:aws:cloudwatch:us-east-1:123456789012:alarm:disk-full";

    private static StoredRun run(String id, int minute, Optional<String> incident, Optional<String> event, Optional<String> alarm) {
        return run(id, minute, incident, event, alarm, "event " + event.orElse("-"));
    }

    private static StoredRun run(String id, int minute, Optional<String> incident, Optional<String> event, Optional<String> alarm, String by) {
        return new StoredRun(id, "rb-" + id, "rb.md", "h", RunStatus.SUCCEEDED, event.isPresent() ? "event" : "cli", by, event,
                Optional.empty(), T0.plus(Duration.ofMinutes(minute)), Optional.empty(), "", "", Optional.empty(), incident, alarm);
    }

    private static List<String> ids(IncidentGrouping.Group group) {
        return group.runs().stream().map(StoredRun::id).toList();
    }

    @Test
    void runs_launched_under_one_incident_id_are_that_incident_whatever_started_them() {
        List<IncidentGrouping.Group> groups = IncidentGrouping.group(List.of(
                run("b", 5, Optional.of("INC-7"), Optional.empty(), Optional.empty()),
                run("a", 1, Optional.of("INC-7"), Optional.of("evt-1"), Optional.empty()),
                run("c", 2, Optional.empty(), Optional.empty(), Optional.empty())), HOUR);

        assertThat(groups).hasSize(1);
        assertThat(groups.get(0).id()).isEqualTo("INC-7");
        assertThat(groups.get(0).kind()).isEqualTo(IncidentGrouping.Kind.TAGGED);
        assertThat(ids(groups.get(0))).containsExactly("a", "b");
    }

    @Test
    void one_event_that_started_two_runbooks_is_one_incident_named_by_its_first_run_and_a_lone_event_run_is_none() {
        List<IncidentGrouping.Group> groups = IncidentGrouping.group(List.of(
                run("r2", 0, Optional.empty(), Optional.of("evt-9"), Optional.empty()),
                run("r1", 0, Optional.empty(), Optional.of("evt-9"), Optional.empty()),
                run("lone", 3, Optional.empty(), Optional.of("evt-10"), Optional.empty())), HOUR);

        assertThat(groups).hasSize(1);
        assertThat(groups.get(0).id()).isEqualTo("event-r1");
        assertThat(groups.get(0).label()).isEqualTo("event evt-9");
        assertThat(ids(groups.get(0))).containsExactly("r1", "r2");
        assertThat(IncidentGrouping.firstRunOf("event-r1")).contains("r1");
    }

    @Test
    void an_alarm_firing_again_within_the_window_of_its_last_run_is_the_same_incident_and_after_a_quiet_window_a_new_one() {
        List<IncidentGrouping.Group> groups = IncidentGrouping.group(List.of(
                run("a1", 0, Optional.empty(), Optional.of("e1"), Optional.of(DISK)),
                run("a2", 50, Optional.empty(), Optional.of("e2"), Optional.of(DISK)),
                run("a3", 110, Optional.empty(), Optional.of("e3"), Optional.of(DISK)),
                run("a4", 171, Optional.empty(), Optional.of("e4"), Optional.of(DISK))), HOUR);

        assertThat(groups).extracting(IncidentGrouping.Group::id).containsExactly("alarm-a4", "alarm-a1");
        assertThat(ids(groups.get(1))).as("each run within an hour of the one before").containsExactly("a1", "a2", "a3");
        assertThat(groups.get(1).label()).isEqualTo("alarm disk-full");
        assertThat(ids(groups.get(0))).containsExactly("a4");
    }

    @Test
    void a_shorter_window_splits_what_a_longer_one_joins() {
        List<StoredRun> runs = List.of(run("a1", 0, Optional.empty(), Optional.of("e1"), Optional.of(DISK)),
                run("a2", 20, Optional.empty(), Optional.of("e2"), Optional.of(DISK)));

        assertThat(IncidentGrouping.group(runs, Duration.ofMinutes(10))).hasSize(2);
        assertThat(IncidentGrouping.group(runs, Duration.ofMinutes(30))).hasSize(1);
    }

    @Test
    void different_alarms_are_different_incidents_even_at_the_same_time() {
        List<IncidentGrouping.Group> groups = IncidentGrouping.group(List.of(
                run("d", 0, Optional.empty(), Optional.of("e1"), Optional.of(DISK)),
                run("c", 1, Optional.empty(), Optional.of("e2"), Optional.of("cpu-high"))), HOUR);

        assertThat(groups).extracting(IncidentGrouping.Group::label).containsExactlyInAnyOrder("alarm disk-full", "alarm cpu-high");
    }

    @Test
    void an_explicit_id_wins_over_the_alarm_a_run_shares_with_untagged_runs() {
        List<IncidentGrouping.Group> groups = IncidentGrouping.group(List.of(
                run("a1", 0, Optional.empty(), Optional.of("e1"), Optional.of(DISK)),
                run("t", 5, Optional.of("INC-1"), Optional.of("e2"), Optional.of(DISK)),
                run("a2", 10, Optional.empty(), Optional.of("e3"), Optional.of(DISK))), HOUR);

        assertThat(groups).extracting(IncidentGrouping.Group::id).containsExactlyInAnyOrder("INC-1", "alarm-a1");
        assertThat(groups.stream().filter(g -> g.id().equals("alarm-a1")).findFirst().map(IncidentGroupingTest::ids)).contains(List.of("a1", "a2"));
    }

    @Test
    void a_child_run_belongs_to_its_parents_incident() {
        List<IncidentGrouping.Group> groups = IncidentGrouping.group(List.of(
                run("p1", 0, Optional.empty(), Optional.of("e1"), Optional.of(DISK)),
                run("p1.fix", 1, Optional.empty(), Optional.empty(), Optional.empty(), "runbook:p1/fix")), HOUR);

        assertThat(groups).hasSize(1);
        assertThat(ids(groups.get(0))).containsExactly("p1", "p1.fix");
    }

    @Test
    void runs_started_by_people_without_an_id_are_no_incident() {
        assertThat(IncidentGrouping.group(List.of(run("m", 0, Optional.empty(), Optional.empty(), Optional.empty())), HOUR)).isEmpty();
    }

    @Test
    void incident_ids_are_short_tokens_and_a_bad_one_is_told_in_one_line() {
        assertThat(IncidentIds.problem("INC-1234")).isEmpty();
        assertThat(IncidentIds.problem("pd:P1X2.3_a")).isEmpty();
        assertThat(IncidentIds.problem("bad id")).hasValueSatisfying(p -> assertThat(p).contains("letters, digits").doesNotContain("\n"));
        assertThat(IncidentIds.problem("x".repeat(65))).hasValueSatisfying(p -> assertThat(p).contains("at most 64"));
        assertThat(IncidentIds.problem("-leading")).isPresent();
        assertThat(IncidentIds.problem("")).isPresent();
    }
}
