package dev.opsbook.aws;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.opsbook.engine.Engine;
import dev.opsbook.engine.FixtureRun;
import dev.opsbook.engine.Fixtures;
import dev.opsbook.engine.RunListener;
import dev.opsbook.engine.RunRequest;
import dev.opsbook.engine.RunResult;
import dev.opsbook.engine.RunStatus;
import dev.opsbook.graph.RunbookLoader;
import dev.opsbook.steps.StandardSteps;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code runbooks/ecs-rollback.md} against WireMock serving ECS (JSON 1.1): it goes back to the
 * task definition of the deployment that ran before, not to the second-newest registered revision.
 */
class EcsRollbackRunbookTest {

    private static final String TARGET = "AmazonEC2ContainerServiceV20141113.";
    private static final String WEB = "arn:aws:ecs:eu-west-1:123456789012:task-definition/web:";

    @TempDir
    Path workDir;

    private WireMockServer ecs;

    @BeforeAll
    static void credentials() {
        AwsFakes.fakeCredentials();
    }

    @BeforeEach
    void start() {
        ecs = new WireMockServer(options().dynamicPort());
        ecs.start();
        // //why: revision 6 was registered but never ran here; the old runbook rolled back to it
        ecs.stubFor(post("/").withHeader("X-Amz-Target", equalTo(TARGET + "DescribeTaskDefinition"))
                .willReturn(AwsFakes.json("req-td", "{\"taskDefinition\":{\"family\":\"web\",\"revision\":7,\"taskDefinitionArn\":\"" + WEB + "7\"}}")));
        ecs.stubFor(post("/").withHeader("X-Amz-Target", equalTo(TARGET + "ListTaskDefinitions"))
                .willReturn(AwsFakes.json("req-list", "{\"taskDefinitionArns\":[\"" + WEB + "7\",\"" + WEB + "6\"]}")));
    }

    @AfterEach
    void stop() {
        ecs.stop();
    }

    private static String deployment(String status, int revision, String rolloutState, int running, long createdAt) {
        return "{\"id\":\"ecs-svc/" + revision + "\",\"status\":\"" + status + "\",\"taskDefinition\":\"" + WEB + revision
                + "\",\"rolloutState\":\"" + rolloutState + "\",\"desiredCount\":2,\"runningCount\":" + running + ",\"createdAt\":" + createdAt + "}";
    }

    private static String service(int revision, String... deployments) {
        return "{\"services\":[{\"serviceName\":\"web\",\"taskDefinition\":\"" + WEB + revision + "\",\"deployments\":["
                + String.join(",", deployments) + "]}],\"failures\":[]}";
    }

    private RunResult rollBack() throws Exception {
        Path file = Path.of("").toAbsolutePath().resolve("runbooks/ecs-rollback.md");
        AwsSettings settings = new AwsSettings(Optional.empty(), Optional.empty(), Optional.of(URI.create(ecs.baseUrl())));
        try (AwsClients clients = new AwsClients(settings)) {
            RunRequest request = new RunRequest(new RunbookLoader(StandardSteps.all().catalog()).load(file.toString(), Files.readString(file)),
                    Map.of("cluster", "prod", "service", "web", "region", "eu-west-1"), "tester", "test",
                    Fixtures.answering(FixtureRun.Answers.YES), Optional.empty(), workDir);
            return new Engine(StandardSteps.with(clients)).run(request, RunListener.NONE);
        }
    }

    @Test
    void a_failing_deployment_is_rolled_back_to_the_revision_its_active_deployment_ran() throws Exception {
        // revision 7 is deploying and failing; revision 5 still runs in the ACTIVE deployment it replaces
        ecs.stubFor(post("/").withHeader("X-Amz-Target", equalTo(TARGET + "DescribeServices")).inScenario("rollback")
                .whenScenarioStateIs(Scenario.STARTED).willReturn(AwsFakes.json("req-describe", service(7,
                        deployment("PRIMARY", 7, "IN_PROGRESS", 0, 1_732_300_000L), deployment("ACTIVE", 5, "COMPLETED", 2, 1_732_200_000L)))));
        ecs.stubFor(post("/").withHeader("X-Amz-Target", equalTo(TARGET + "UpdateService")).inScenario("rollback")
                .willSetStateTo("rolled back").willReturn(AwsFakes.json("req-update", service(5,
                        deployment("PRIMARY", 5, "IN_PROGRESS", 0, 1_732_400_000L)))));
        ecs.stubFor(post("/").withHeader("X-Amz-Target", equalTo(TARGET + "DescribeServices")).inScenario("rollback")
                .whenScenarioStateIs("rolled back").willReturn(AwsFakes.json("req-stable", service(5,
                        deployment("PRIMARY", 5, "COMPLETED", 2, 1_732_400_000L)))));

        RunResult result = rollBack();

        assertThat(result.state().status()).as(result.state().message()).isEqualTo(RunStatus.SUCCEEDED);
        ecs.verify(1, postRequestedFor(urlEqualTo("/")).withHeader("X-Amz-Target", equalTo(TARGET + "UpdateService")));
        ecs.verify(postRequestedFor(urlEqualTo("/")).withHeader("X-Amz-Target", equalTo(TARGET + "UpdateService"))
                .withRequestBody(containing("\"taskDefinition\":\"" + WEB + "5\"")));
    }

    @Test
    void after_the_circuit_breaker_rolled_back_nothing_is_changed() throws Exception {
        // ECS is already going back to 5 (PRIMARY); the failed deployment of 7 drains as ACTIVE
        ecs.stubFor(post("/").withHeader("X-Amz-Target", equalTo(TARGET + "DescribeServices")).willReturn(AwsFakes.json("req-describe",
                service(5, deployment("PRIMARY", 5, "IN_PROGRESS", 1, 1_732_400_000L), deployment("ACTIVE", 7, "FAILED", 1, 1_732_300_000L)))));

        RunResult result = rollBack();

        assertThat(result.state().status()).isEqualTo(RunStatus.FAILED);
        assertThat(result.state().execution("has-previous").orElseThrow().message())
                .contains("The service has no deployment from before this one to go back to");
        ecs.verify(0, postRequestedFor(urlEqualTo("/")).withHeader("X-Amz-Target", equalTo(TARGET + "UpdateService")));
    }
}
