package dev.opsbook.gameday;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.opsbook.engine.Interaction;
import dev.opsbook.engine.Role;
import dev.opsbook.engine.RunEvent;
import dev.opsbook.engine.RunStatus;
import dev.opsbook.gameday.Expectations.Judged;
import dev.opsbook.gameday.Expectations.Verdict;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ExpectationsTest {

    private static final Instant INJECTED = Instant.parse("2026-12-02T03:00:00Z");

    private final Scenario.Expect expect = Scenario.read(scenario("""
            {"name": "n", "events": [{"source": "aws.ec2", "detail-type": "x"}],
             "expect": {"runbook-started": "recover", "first-step-within": "30s", "decision-within": "5m", "status": "succeeded"}}
            """)).scenario().orElseThrow().expect();

    @Test
    void while_the_drill_waits_for_a_person_the_decision_and_status_are_pending_and_what_happened_is_met() {
        List<Judged> judged = Expectations.judge(expect, INJECTED, List.of(drill(history(2, null, null))), INJECTED.plusSeconds(60), false);

        assertThat(judged).extracting(Judged::verdict).containsExactly(Verdict.MET, Verdict.MET, Verdict.PENDING, Verdict.PENDING);
        assertThat(Expectations.settled(judged)).isFalse();
    }

    @Test
    void a_decision_after_its_limit_is_missed_however_the_run_ends() {
        List<Judged> judged = Expectations.judge(expect, INJECTED, List.of(drill(history(2, 600L, RunStatus.SUCCEEDED))),
                INJECTED.plusSeconds(700), false);

        assertThat(judged.get(2).verdict()).isEqualTo(Verdict.MISSED);
        assertThat(judged.get(2).detail()).contains("anna");
        assertThat(judged.get(3).verdict()).isEqualTo(Verdict.MET);
        assertThat(Expectations.settled(judged)).isTrue();
    }

    @Test
    void nobody_answering_in_time_is_missed_once_the_limit_has_passed_not_before() {
        assertThat(Expectations.judge(expect, INJECTED, List.of(drill(history(2, null, null))), INJECTED.plusSeconds(299), false).get(2)
                .verdict()).isEqualTo(Verdict.PENDING);
        assertThat(Expectations.judge(expect, INJECTED, List.of(drill(history(2, null, null))), INJECTED.plusSeconds(301), false).get(2)
                .verdict()).isEqualTo(Verdict.MISSED);
    }

    @Test
    void no_runbook_starting_is_pending_until_the_game_day_is_over_then_every_expectation_is_missed() {
        assertThat(Expectations.judge(expect, INJECTED, List.of(), INJECTED.plusSeconds(1), false).get(0).verdict()).isEqualTo(Verdict.PENDING);
        assertThat(Expectations.judge(expect, INJECTED, List.of(), INJECTED.plusSeconds(1), true)).extracting(Judged::verdict)
                .containsOnly(Verdict.MISSED);
    }

    @Test
    void a_first_step_later_than_its_limit_is_missed() {
        assertThat(Expectations.judge(expect, INJECTED, List.of(drill(history(45, null, null))), INJECTED.plusSeconds(60), false).get(1)
                .verdict()).isEqualTo(Verdict.MISSED);
    }

    private static Expectations.Drill drill(List<RunEvent> history) {
        return new Expectations.Drill("r1", "recover", history);
    }

    /** Started at injection + 1 s, first step after {@code firstStep} s, answered after {@code answered} s, ended so. */
    private static List<RunEvent> history(long firstStep, Long answered, RunStatus end) {
        List<RunEvent> events = new ArrayList<>();
        events.add(new RunEvent.RunStarted(INJECTED.plusSeconds(1), "r1", "recover", "Recover", "h", JsonNodeFactory.instance.objectNode(),
                JsonNodeFactory.instance.objectNode(), "event", "event", null, Optional.of("gd-1")));
        events.add(new RunEvent.StepStarted(INJECTED.plusSeconds(firstStep), "go", "go", Role.NORMAL, Optional.empty(),
                JsonNodeFactory.instance.objectNode()));
        if (answered != null) {
            events.add(new RunEvent.StepAnswered(INJECTED.plusSeconds(answered), "go",
                    new Interaction.Answer(true, "anna", "", INJECTED.plusSeconds(answered), "api")));
        }
        if (end != null) {
            events.add(new RunEvent.RunFinished(INJECTED.plusSeconds(answered == null ? 700 : answered + 1), end, ""));
        }
        return events;
    }

    private static com.fasterxml.jackson.databind.JsonNode scenario(String json) {
        try {
            return new ObjectMapper().readTree(json);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
