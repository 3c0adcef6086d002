package dev.opsbook.cli;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.opsbook.aws.AwsFakes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged CLI calling AWS, here WireMock standing in for EC2 and STS: the classpath of the
 * built application, not the tests', must be able to build SDK clients.
 */
class AwsCliIT {

    private static final String INSTANCE = "i-0123456789abcdef0";

    @TempDir
    Path dir;

    private WireMockServer aws;

    @BeforeEach
    void start() {
        aws = new WireMockServer(options().dynamicPort());
        aws.start();
    }

    @AfterEach
    void stop() {
        aws.stop();
    }

    /** The CLI with fake keys and nothing of this machine's AWS configuration. */
    private Cli.Result opsbook(String... args) throws IOException, InterruptedException {
        ProcessBuilder builder = Cli.builder(dir, args);
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(name -> name.startsWith("AWS_"));
        env.put("AWS_ACCESS_KEY_ID", "AKIAOPSBOOKTEST");
        env.put("AWS_SECRET_ACCESS_KEY", "opsbook-test-secret-key");
        env.put("AWS_EC2_METADATA_DISABLED", "true");
        env.put("AWS_CONFIG_FILE", dir.resolve("no-config").toString());
        env.put("AWS_SHARED_CREDENTIALS_FILE", dir.resolve("no-credentials").toString());
        Path out = Files.createTempFile(dir, "cli-", ".out");
        Path err = Files.createTempFile(dir, "cli-", ".err");
        Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("opsbook " + String.join(" ", args) + " did not finish in 60 s");
        }
        return new Cli.Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    private void ec2AndSts() {
        aws.stubFor(post("/").withRequestBody(containing("Action=GetCallerIdentity")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "text/xml").withBody("""
                        <GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult>
                        <Arn>arn:aws:sts::123456789012:assumed-role/oncall/alice</Arn><UserId>AROAOPSBOOK:alice</UserId>
                        <Account>123456789012</Account></GetCallerIdentityResult>
                        <ResponseMetadata><RequestId>req-who</RequestId></ResponseMetadata></GetCallerIdentityResponse>""")));
        aws.stubFor(post("/").withRequestBody(containing("Action=DescribeInstanceStatus")).inScenario("reboot")
                .whenScenarioStateIs(Scenario.STARTED).willSetStateTo("rebooted")
                .willReturn(AwsFakes.ec2("DescribeInstanceStatus", "req-status", status("impaired"))));
        aws.stubFor(post("/").withRequestBody(containing("Action=DescribeInstanceStatus")).inScenario("reboot")
                .whenScenarioStateIs("rebooted")
                .willReturn(AwsFakes.ec2("DescribeInstanceStatus", "req-healthy", status("ok"))));
        aws.stubFor(post("/").withRequestBody(containing("Action=RebootInstances"))
                .willReturn(AwsFakes.ec2("RebootInstances", "req-reboot", "<return>true</return>")));
        aws.stubFor(post("/").withRequestBody(containing("Action=CreateTags"))
                .willReturn(AwsFakes.ec2("CreateTags", "req-tag", "<return>true</return>")));
    }

    private static String status(String instanceCheck) {
        return "<instanceStatusSet><item><instanceId>" + INSTANCE + "</instanceId><availabilityZone>us-east-1a</availabilityZone>"
                + "<instanceState><code>16</code><name>running</name></instanceState>"
                + "<systemStatus><status>ok</status></systemStatus>"
                + "<instanceStatus><status>" + instanceCheck + "</status></instanceStatus></item></instanceStatusSet>";
    }

    @Test
    void the_ec2_runbook_runs_from_the_packaged_cli_and_its_audit_trail_verifies() throws Exception {
        ec2AndSts();

        Cli.Result run = opsbook("run", Cli.project("runbooks/ec2-recover.md"), "-p", "instanceId=" + INSTANCE, "--yes",
                "--region", "us-east-1", "--endpoint-url", aws.baseUrl(), "--record-dir", "out");

        assertThat(run.exitCode()).as(run.all()).isZero();
        assertThat(run.stdout()).contains("started by", "as arn:aws:sts::123456789012:assumed-role/oncall/alice",
                "✅ reboot succeeded", "✅ tag succeeded", "✅ run succeeded");
        aws.verify(1, postRequestedFor(urlEqualTo("/")).withRequestBody(containing("Action=RebootInstances")));
        Path record = onlyFile(dir.resolve("out/ec2-recover"), ".md");
        assertThat(Files.readString(record)).contains("`ec2:RebootInstances` in us-east-1 → HTTP 200, request id `req-reboot`");
        Path trail = onlyFile(dir.resolve("out/ec2-recover"), ".audit.jsonl");

        Cli.Result verified = opsbook("audit", "verify", trail.toString());

        assertThat(verified.exitCode()).as(verified.all()).isZero();
        assertThat(verified.stdout()).contains("chain intact");

        Files.writeString(trail, Files.readString(trail).replace("RebootInstances", "StopInstances"));
        Cli.Result tampered = opsbook("audit", "verify", trail.toString());

        assertThat(tampered.exitCode()).isEqualTo(1);
        assertThat(tampered.stdout()).contains("was changed after it was written");
    }

    @Test
    void policy_prints_the_actions_of_a_runbook() throws Exception {
        Cli.Result policy = opsbook("policy", Cli.project("runbooks/ec2-recover.md"));

        assertThat(policy.exitCode()).as(policy.all()).isZero();
        assertThat(policy.stdout()).contains("\"ec2:CreateTags\", \"ec2:DescribeInstanceStatus\", \"ec2:RebootInstances\"");
    }

    private static Path onlyFile(Path folder, String suffix) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            List<Path> found = files.filter(p -> p.getFileName().toString().endsWith(suffix)).toList();
            assertThat(found).hasSize(1);
            return found.get(0);
        }
    }
}
