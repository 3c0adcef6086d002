package dev.opsbook.library;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.matching.RequestPatternBuilder;
import dev.opsbook.engine.RunStatus;
import dev.opsbook.engine.StepStatus;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** runbooks/library/ecs-deployment-failed.md, started by ECS's own events, ECS served by WireMock. */
class EcsDeploymentFailedTest {

    private static final String RUNBOOK = "ecs-deployment-failed";
    private static final String TD = "arn:aws:ecs:us-west-2:111122223333:task-definition/checkout:";

    private static RequestPatternBuilder call(String operation) {
        return postRequestedFor(urlEqualTo("/")).withHeader("X-Amz-Target", equalTo("AmazonEC2ContainerServiceV20141113." + operation));
    }

    private static RequestPatternBuilder updateTo(int revision) {
        return call("UpdateService").withRequestBody(equalToJson(
                "{\"cluster\":\"prod\",\"service\":\"checkout\",\"taskDefinition\":\"" + TD + revision + "\"}"));
    }

    @Test
    void a_failed_deployment_is_rolled_back_to_the_revision_the_service_ran_before_after_the_stopped_tasks_are_read() throws Exception {
        try (LibraryHarness h = LibraryHarness.start(RUNBOOK)) {
            LibraryHarness.Run run = h.run("ecs-deployment-failed.json");

            assertThat(run.matched()).containsExactly(RUNBOOK);
            assertThat(run.params()).isEqualTo(Map.of("serviceArn", "arn:aws:ecs:us-west-2:111122223333:service/prod/checkout",
                    "region", "us-west-2", "reason", "ECS deployment circuit breaker: task failed to start."));
            assertThat(run.status()).as(run.result().state().message()).isEqualTo(RunStatus.SUCCEEDED);
            assertThat(run.step("names").outputs().path("cluster").asText()).isEqualTo("prod");
            assertThat(run.step("why").outputs().at("/reasons/0/exitCodes/0").asInt()).isEqualTo(137);
            assertThat(run.asked()).singleElement().satisfies(p -> assertThat(p.text()).isEqualTo("Roll checkout in prod (us-west-2) back from "
                    + TD + "8 to " + TD + "7? ECS said: ECS deployment circuit breaker: task failed to start."));
            h.aws().verify(call("DescribeTasks").withRequestBody(equalToJson("{\"cluster\":\"prod\",\"tasks\":["
                    + "\"arn:aws:ecs:us-west-2:111122223333:task/prod/3f1e0c9a\",\"arn:aws:ecs:us-west-2:111122223333:task/prod/8b2d4e71\"]}")));
            h.aws().verify(1, call("UpdateService"));
            h.aws().verify(1, updateTo(7));
            assertThat(run.record()).contains("`ecs:UpdateService` in us-west-2 → HTTP 200, request id `req-update`")
                    .contains("Triggering event `ddca6449-b258-46c0-8653-e0e3a6d0d985`");
        }
    }

    @Test
    void tasks_that_keep_failing_to_start_start_it_too_and_nothing_changes_when_ecs_is_rolling_back_already() throws Exception {
        try (LibraryHarness h = LibraryHarness.start(RUNBOOK).stub("cases/circuit-breaker-rolled-back.json")) {
            LibraryHarness.Run run = h.run("ecs-task-start-impaired.json");

            assertThat(run.matched()).containsExactly(RUNBOOK);
            assertThat(run.status()).isEqualTo(RunStatus.FAILED);
            assertThat(run.step("has-previous").message()).startsWith("There is no earlier deployment of checkout still running");
            assertThat(run.asked()).isEmpty();
            h.aws().verify(0, call("UpdateService"));
        }
    }

    @Test
    void when_the_previous_revision_fails_too_the_rollback_puts_the_service_back_where_it_was() throws Exception {
        try (LibraryHarness h = LibraryHarness.start(RUNBOOK).stub("cases/previous-revision-fails-too.json")) {
            LibraryHarness.Run run = h.run("ecs-deployment-failed.json");

            assertThat(run.status()).isEqualTo(RunStatus.FAILED);
            assertThat(run.step("previous-runs").message()).startsWith("The previous revision " + TD + "7 fails too (4 tasks failed): "
                    + "the deployment is not the cause");
            assertThat(run.step("roll-forward/for-roll-back").status()).isEqualTo(StepStatus.SUCCEEDED);
            assertThat(run.started()).endsWith("roll-back", "stable", "previous-runs", "roll-forward/for-roll-back");
            h.aws().verify(1, updateTo(7));
            h.aws().verify(1, updateTo(8));
            assertThat(h.aws().findAll(call("UpdateService"))).extracting(r -> r.getBodyAsString().contains(TD + "8"))
                    .containsExactly(false, true);
            assertThat(run.record()).contains("**Succeeded** as rollback for `roll-back` · `roll-forward`");
        }
    }
}
