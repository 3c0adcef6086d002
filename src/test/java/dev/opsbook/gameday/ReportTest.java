package dev.opsbook.gameday;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.opsbook.engine.Interaction;
import dev.opsbook.engine.Role;
import dev.opsbook.engine.RunEvent;
import dev.opsbook.engine.RunStatus;
import dev.opsbook.runbook.Runbook;
import dev.opsbook.runbook.RunbookParser;
import dev.opsbook.steps.StandardSteps;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ReportTest {

    private static final Instant INJECTED = Instant.parse("2026-12-02T03:00:00Z");

    private static final Runbook RUNBOOK = new RunbookParser(StandardSteps.all().catalog()).parse("recover.md", """
            ---
            title: Recover
            escalation:
              - webhook: https://chat.example.com/hooks/secret-path
              - after: 15m
                pagerduty: "{{ secret:ssm:/pagerduty/oncall }}"
            ---

            ```approve id=go
            prompt: Start it again?
            ```
            """).runbook();

    private final Report.GameDay gameDay = new Report.GameDay("gd-1", "An instance stops", "otto", INJECTED, false, 0, List.of("gd-1-1"));

    @Test
    void the_people_an_escalation_told_are_in_the_timeline_and_people_with_who_acknowledged_and_after_how_long() {
        Report.Drill drill = new Report.Drill(new Expectations.Drill("r1", "recover", waitingThenApproved()), RUNBOOK,
                List.of(new Report.Told(INJECTED.plusSeconds(3), 1, List.of("webhook"), ""),
                        new Report.Told(INJECTED.plusSeconds(903), 2, List.of(), "pagerduty: HTTP 503")),
                List.of(new Report.Acknowledged(INJECTED.plusSeconds(960), "erin")));

        String report = Report.markdown(gameDay, List.of(drill), List.of());

        assertThat(report).contains("| +3.0 s | `r1` | escalation tier 1 told through webhook |",
                "| `r1` | escalation tier 1 | 2026-12-02 03:00:03 → webhook | 2026-12-02 03:16:00 acknowledged | erin | 15 m 57 s |",
                "erin acknowledged the escalation",
                "Escalation tier 2 of `r1` was not delivered: pagerduty: HTTP 503")
                .doesNotContain("secret-path", "notified nobody");
    }

    @Test
    void a_drill_whose_escalation_told_nobody_and_that_notifies_nobody_is_a_gap() {
        Report.Drill drill = new Report.Drill(new Expectations.Drill("r1", "recover", waitingThenApproved()), RUNBOOK, List.of(), List.of());

        assertThat(Report.markdown(gameDay, List.of(drill), List.of())).contains("`r1` notified nobody");
    }

    @Test
    void a_drill_that_read_a_secret_and_published_to_sns_is_not_reported_as_having_left_aws_alone() {
        List<RunEvent> history = new java.util.ArrayList<>(waitingThenApproved());
        history.add(2, new RunEvent.CallMade(INJECTED.plusSeconds(2), "go", JsonNodeFactory.instance.objectNode().put("action", "ssm:GetParameter")));
        history.add(3, new RunEvent.CallMade(INJECTED.plusSeconds(2), "go", JsonNodeFactory.instance.objectNode().put("action", "ec2:StartInstances")
                .put("simulated", true)));
        Report.Drill drill = new Report.Drill(new Expectations.Drill("r1", "recover", history), RUNBOOK, List.of(), List.of());

        assertThat(Report.markdown(gameDay, List.of(drill), List.of())).contains("drills also called AWS for real", ": ssm:GetParameter\n")
                .doesNotContain("nothing acted on AWS");
        assertThat(Report.markdown(gameDay, List.of(), List.of())).contains("nothing acted on AWS");
    }

    private static List<RunEvent> waitingThenApproved() {
        return List.of(new RunEvent.RunStarted(INJECTED.plusSeconds(1), "r1", "recover", "Recover", "h", JsonNodeFactory.instance.objectNode(),
                        JsonNodeFactory.instance.objectNode(), "event", "event", null, Optional.of("gd-1")),
                new RunEvent.StepStarted(INJECTED.plusSeconds(2), "go", "go", Role.NORMAL, Optional.empty(), JsonNodeFactory.instance.objectNode()),
                new RunEvent.StepAnswered(INJECTED.plusSeconds(1000), "go", new Interaction.Answer(true, "anna", "", INJECTED.plusSeconds(1000), "api")),
                new RunEvent.RunFinished(INJECTED.plusSeconds(1001), RunStatus.SUCCEEDED, ""));
    }
}
