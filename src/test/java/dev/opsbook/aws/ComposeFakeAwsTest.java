package dev.opsbook.aws;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fake AWS of the local stack (docker/compose.yaml's WireMock, with docker/wiremock/mappings) answers every AWS
 * call of the shipped examples: each runs to the end against it, twice, as runs on the stack come one after another.
 */
class ComposeFakeAwsTest {

    @TempDir
    Path workDir;

    private WireMockServer aws;

    @BeforeAll
    static void credentials() {
        AwsFakes.fakeCredentials();
    }

    @BeforeEach
    void start() {
        aws = new WireMockServer(options().dynamicPort().usingFilesUnderDirectory("docker/wiremock"));
        aws.start();
    }

    @AfterEach
    void stop() {
        aws.stop();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "runbooks/ec2-recover.md | instanceId=i-0123456789abcdef0",
            "runbooks/library/ec2-status-check-failed.md | instanceId=i-0123456789abcdef0",
            "runbooks/ecs-rollback.md | cluster=prod,service=web",
            "playbooks/lambda-throttled.md | functionName=checkout"})
    void an_example_runs_to_the_end_against_the_stacks_fake_aws_and_again(String example, String parameters) throws Exception {
        Map<String, String> params = new java.util.HashMap<>();
        for (String pair : parameters.split(",")) {
            params.put(pair.substring(0, pair.indexOf('=')), pair.substring(pair.indexOf('=') + 1));
        }
        for (int time = 1; time <= 2; time++) {
            RunResult result = run(example, params);

            assertThat(result.state().status()).as("run %d of %s: %s; unmatched: %s", time, example, result.state().message(),
                    aws.findAllUnmatchedRequests()).isEqualTo(RunStatus.SUCCEEDED);
        }
        assertThat(aws.findAllUnmatchedRequests()).isEmpty();
    }

    private RunResult run(String example, Map<String, String> params) throws Exception {
        Path file = Path.of("").toAbsolutePath().resolve(example);
        AwsSettings settings = new AwsSettings(Optional.empty(), Optional.empty(), Optional.of(URI.create(aws.baseUrl())));
        try (AwsClients clients = new AwsClients(settings)) {
            RunRequest request = new RunRequest(new RunbookLoader(StandardSteps.all().catalog()).load(file.toString(), Files.readString(file)),
                    params, "tester", "test", Fixtures.answering(FixtureRun.Answers.YES), Optional.empty(), workDir);
            return new Engine(StandardSteps.with(clients)).run(request, RunListener.NONE);
        }
    }
}
