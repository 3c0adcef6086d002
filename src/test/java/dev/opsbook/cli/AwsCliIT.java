package dev.opsbook.cli;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.notContaining;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.opsbook.aws.AwsFakes;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The AWS runbooks from the command line, against WireMock serving the AWS endpoints. */
class AwsCliIT {

    private static final String INSTANCE = "i-0123456789abcdef0";
    private static final String CANARY = "canary-7f3e9a1c-do-not-leak";
    private static final String CANARY_PARAM = "param-canary-5b2d";

    @TempDir
    Path dir;

    private WireMockServer aws;

    @BeforeEach
    void start() {
        aws = new WireMockServer(options().dynamicPort());
        aws.start();
        aws.stubFor(post("/").withRequestBody(containing("Action=GetCallerIdentity")).willReturn(AwsFakes.ec2("GetCallerIdentity", "req-sts",
                "<GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/oncall</Arn><UserId>AIDAOPSBOOK</UserId>"
                        + "<Account>123456789012</Account></GetCallerIdentityResult>")
                .withBody("<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><GetCallerIdentityResult>"
                        + "<Arn>arn:aws:iam::123456789012:user/oncall</Arn><UserId>AIDAOPSBOOK</UserId><Account>123456789012</Account>"
                        + "</GetCallerIdentityResult><ResponseMetadata><RequestId>req-sts</RequestId></ResponseMetadata></GetCallerIdentityResponse>")));
    }

    @AfterEach
    void stop() {
        aws.stop();
    }

    private void ec2Recover() {
        aws.stubFor(post("/").withRequestBody(containing("Action=DescribeInstanceStatus")).withRequestBody(containing("IncludeAllInstances=true"))
                .willReturn(status("req-status", "impaired")));
        aws.stubFor(post("/").withRequestBody(containing("Action=DescribeInstanceStatus")).withRequestBody(notContaining("IncludeAllInstances"))
                .willReturn(status("req-poll", "ok")));
        aws.stubFor(post("/").withRequestBody(containing("Action=RebootInstances"))
                .willReturn(AwsFakes.ec2("RebootInstances", "req-reboot", "<return>true</return>")));
        aws.stubFor(post("/").withRequestBody(containing("Action=CreateTags"))
                .willReturn(AwsFakes.ec2("CreateTags", "req-tag", "<return>true</return>")));
    }

    private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder status(String requestId, String instanceStatus) {
        return AwsFakes.ec2("DescribeInstanceStatus", requestId, "<instanceStatusSet><item><instanceId>" + INSTANCE
                + "</instanceId><availabilityZone>us-east-1a</availabilityZone><instanceState><code>16</code><name>running</name></instanceState>"
                + "<systemStatus><status>ok</status></systemStatus><instanceStatus><status>" + instanceStatus
                + "</status><details><item><name>reachability</name><status>" + (instanceStatus.equals("ok") ? "passed" : "failed")
                + "</status></item></details></instanceStatus></item></instanceStatusSet>");
    }

    @Test
    void the_ec2_runbook_runs_end_to_end_and_its_record_and_audit_trail_show_every_call() throws Exception {
        ec2Recover();

        Cli.Result result = Cli.run(dir, "run", Cli.project("runbooks/ec2-recover.md"), "-p", "instanceId=" + INSTANCE,
                "--yes", "--record-dir", "out", "--endpoint-url", aws.baseUrl());

        assertThat(result.exitCode()).as(result.all()).isZero();
        assertThat(result.stdout()).contains("✅ reboot succeeded", "✅ healthy succeeded", "✅ run succeeded");
        aws.verify(postRequestedFor(urlEqualTo("/")).withRequestBody(containing("Action=RebootInstances")).withRequestBody(containing("InstanceId.1=" + INSTANCE)));
        aws.verify(postRequestedFor(urlEqualTo("/")).withRequestBody(containing("Tag.1.Key=opsbook%3Alast-recovery")));
        Path record = only(dir.resolve("out/ec2-recover"), ".md");
        String text = Files.readString(record);
        assertThat(text)
                .contains("startedBy: root as arn:aws:iam::123456789012:user/oncall".replace("root", System.getProperty("user.name")))
                .contains("`ec2:DescribeInstanceStatus` in us-east-1 → HTTP 200, request id `req-status`")
                .contains("`ec2:RebootInstances` in us-east-1 → HTTP 200, request id `req-reboot`")
                .contains("`ec2:DescribeInstanceStatus` in us-east-1 → HTTP 200, request id `req-poll`")
                .contains("`ec2:CreateTags` in us-east-1 → HTTP 200, request id `req-tag`")
                .contains("\"Status\" : \"impaired\"")
                .contains("## Audit trail");
        Path trail = only(dir.resolve("out/ec2-recover"), ".audit.jsonl");
        String audit = Files.readString(trail);
        assertThat(audit).contains("\"type\":\"call\"", "\"action\":\"ec2:RebootInstances\"", "\"requestId\":\"req-reboot\"",
                "\"type\":\"answer\"", "\"type\":\"run-finished\"");

        Cli.Result verify = Cli.run(dir, "audit", "verify", "--file", trail.toString());
        assertThat(verify.exitCode()).as(verify.all()).isZero();
        assertThat(verify.stdout()).contains("chain intact, sealed in the store");

        Cli.Result elsewhere = Cli.run(dir.resolve("out"), "audit", "verify", "--file", trail.toString());
        assertThat(elsewhere.exitCode()).as("no store in that folder: " + elsewhere.all()).isEqualTo(3);
        assertThat(elsewhere.stdout()).contains("chain intact and as the record beside it sealed, but no seal in the store to detect a cut tail",
                "does not exist here; name one with --store");
        assertThat(Files.exists(dir.resolve("out/.opsbook"))).as("verify creates no store").isFalse();
    }

    @Test
    void a_tampered_or_truncated_audit_trail_fails_verification() throws Exception {
        ec2Recover();
        Cli.run(dir, "run", Cli.project("runbooks/ec2-recover.md"), "-p", "instanceId=" + INSTANCE, "--yes", "--record-dir", "out",
                "--endpoint-url", aws.baseUrl());
        Path trail = only(dir.resolve("out/ec2-recover"), ".audit.jsonl");
        List<String> lines = Files.readAllLines(trail);

        Path edited = trail.resolveSibling("edited.audit.jsonl");
        List<String> changed = new ArrayList<>(lines);
        int reboot = indexOf(changed, "\"action\":\"ec2:RebootInstances\"");
        changed.set(reboot, changed.get(reboot).replace("\"outcome\":\"ok\"", "\"outcome\":\"error\""));
        Files.write(edited, changed);
        Cli.Result editedResult = Cli.run(dir, "audit", "verify", "--file", edited.toString());
        assertThat(editedResult.exitCode()).isEqualTo(1);
        assertThat(editedResult.stdout()).contains(":" + (reboot + 1) + ": entry " + (reboot + 1) + " (call) was changed after it was written");

        Path removed = trail.resolveSibling("removed.audit.jsonl");
        List<String> missing = new ArrayList<>(lines);
        missing.remove(reboot);
        Files.write(removed, missing);
        Cli.Result removedResult = Cli.run(dir, "audit", "verify", "--file", removed.toString());
        assertThat(removedResult.exitCode()).isEqualTo(1);
        assertThat(removedResult.stdout()).contains("was removed or inserted before it", "does not follow the entry before it");

        Files.delete(trail.resolveSibling(trail.getFileName().toString().replace(".audit.jsonl", ".md")));
        Files.write(trail, lines.subList(0, lines.size() - 1)); // the last entry cut, and the record gone: the store's seal tells
        Cli.Result cut = Cli.run(dir, "audit", "verify", "--file", trail.toString());
        assertThat(cut.exitCode()).isEqualTo(1);
        assertThat(cut.stdout()).contains("the store sealed " + lines.size() + " entries, the trail has " + (lines.size() - 1)
                + ": entries were cut from its end");
    }

    @Test
    void a_canary_secret_appears_nowhere_a_person_or_a_file_could_see_it() throws Exception {
        aws.stubFor(post("/").withHeader("X-Amz-Target", equalTo("AmazonSSM.GetParameter"))
                .willReturn(AwsFakes.json("req-secret", "{\"Parameter\":{\"Name\":\"/opsbook/canary\",\"Type\":\"SecureString\",\"Value\":\""
                        + CANARY + "\",\"Version\":1}}")));
        aws.stubFor(post("/").withHeader("X-Amz-Target", equalTo("AmazonSSM.PutParameter"))
                .willReturn(AwsFakes.json("req-put", "{\"Version\":2,\"Tier\":\"Standard\"}")));
        aws.stubFor(post("/hook").willReturn(com.github.tomakehurst.wiremock.client.WireMock.aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody("{\"echo\":\"" + CANARY + " " + CANARY_PARAM + "\"}")));

        Cli.Result text = Cli.run(dir, "run", Cli.project("src/test/resources/runbooks/aws/canary.md"), "-p", "apiKey=" + CANARY_PARAM,
                "-p", "hook=" + aws.baseUrl() + "/hook", "--record-dir", "out", "--endpoint-url", aws.baseUrl(), "--region", "eu-west-1");
        Cli.Result json = Cli.run(dir, "run", Cli.project("src/test/resources/runbooks/aws/canary.md"), "-p", "apiKey=" + CANARY_PARAM,
                "-p", "hook=" + aws.baseUrl() + "/hook", "--record-dir", "out", "--endpoint-url", aws.baseUrl(), "--region", "eu-west-1",
                "--output", "json");

        // the secret was really used...
        assertThat(text.exitCode()).as(text.all()).isZero();
        aws.verify(postRequestedFor(urlEqualTo("/hook")).withHeader("X-Token", equalTo(CANARY)));
        aws.verify(postRequestedFor(urlEqualTo("/")).withHeader("X-Amz-Target", equalTo("AmazonSSM.PutParameter"))
                .withRequestBody(containing(CANARY)));
        assertThat(text.stdout()).contains("login failed with ******** / ********");
        // ...and is nowhere to be seen
        StringBuilder everything = new StringBuilder(text.all()).append(json.all());
        try (Stream<Path> files = Files.walk(dir.resolve("out"))) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                everything.append(Files.readString(file, StandardCharsets.UTF_8));
            }
        }
        assertThat(everything.toString()).contains("secret reference secret:ssm:/opsbook/canary").contains("********")
                .doesNotContain(CANARY).doesNotContain(CANARY_PARAM);
    }

    @Test
    void a_dry_run_shows_each_aws_request_as_it_would_be_sent_and_calls_nothing() throws Exception {
        Cli.Result result = Cli.run(dir, "run", Cli.project("runbooks/ec2-recover.md"), "-p", "instanceId=" + INSTANCE,
                "--dry-run", "--endpoint-url", aws.baseUrl());

        assertThat(result.exitCode()).as(result.all()).isZero();
        assertThat(result.stdout()).contains("\"action\" : \"ec2:RebootInstances\"", "\"mutating\" : true", "\"region\" : \"us-east-1\"",
                "\"InstanceIds\" : [ \"" + INSTANCE + "\" ]");
        assertThat(aws.getAllServeEvents()).isEmpty();
    }

    @Test
    void validate_catches_a_misspelled_operation_and_input_member_with_line_and_column() throws Exception {
        String broken = Files.readString(Path.of(Cli.project("runbooks/ec2-recover.md")))
                .replace("operation: RebootInstances", "operation: RebootInstance")
                .replace("IncludeAllInstances: true", "IncludeAllInstance: true");
        Files.writeString(dir.resolve("ec2-recover.md"), broken);

        Cli.Result result = Cli.run(dir, "validate", "ec2-recover.md");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.stdout().lines().toList()).containsExactly(
                "ec2-recover.md:46:3: error: input of ec2:DescribeInstanceStatus at IncludeAllInstance: unknown member 'IncludeAllInstance'"
                        + " of DescribeInstanceStatusRequest; did you mean 'IncludeAllInstances'?;"
                        + " members are InstanceIds, MaxResults, NextToken, DryRun, Filters, IncludeAllInstances",
                "ec2-recover.md:73:12: error: unknown operation 'RebootInstance' of ec2; did you mean 'RebootInstances'?");
    }

    @Test
    void policy_prints_exactly_the_actions_the_runbook_calls() throws Exception {
        Cli.Result result = Cli.run(dir, "policy", Cli.project("runbooks/ec2-recover.md"));

        assertThat(result.exitCode()).isZero();
        assertThat(result.stdout()).contains("\"Action\" : [ \"ec2:CreateTags\", \"ec2:DescribeInstanceStatus\", \"ec2:RebootInstances\" ]");
    }

    @Test
    void policy_of_a_folder_and_a_file_is_one_policy_with_the_sns_topics_they_publish_to() throws Exception {
        Cli.Result result = Cli.run(dir, "policy", Cli.project("src/test/resources/runbooks/policy"),
                Cli.project("src/test/resources/runbooks/aws/notify.md"));

        assertThat(result.exitCode()).as(result.all()).isZero();
        // the folder's runbook in the subfolder counts too; its notify topic and notify.md's are one grant
        assertThat(result.stdout()).contains("\"Action\" : [ \"ec2:DescribeInstances\" ]", "\"Action\" : \"sns:Publish\"",
                "\"Action\" : \"sts:AssumeRole\"", "\"Action\" : \"ssm:GetParameter\"");
        assertThat(result.stdout().split("sns:Publish", -1)).hasSize(2);
    }

    @Test
    void policy_of_a_path_that_is_not_there_says_so_in_one_line() throws Exception {
        Cli.Result result = Cli.run(dir, "policy", "nowhere");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.stderr().strip()).isEqualTo("nowhere: error: no such file or folder");
    }

    /** The CLI with these environment variables set, or removed where the value is null. */
    private Cli.Result runWith(Map<String, String> env, String... args) throws Exception {
        ProcessBuilder builder = Cli.builder(dir, args).redirectOutput(dir.resolve("cli.out").toFile()).redirectError(dir.resolve("cli.err").toFile());
        env.forEach((name, value) -> {
            if (value == null) {
                builder.environment().remove(name);
            } else {
                builder.environment().put(name, value);
            }
        });
        Process process = builder.start();
        assertThat(process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        return new Cli.Result(process.exitValue(), Files.readString(dir.resolve("cli.out")), Files.readString(dir.resolve("cli.err")));
    }

    private static Map<String, String> env(String... pairs) {
        Map<String, String> env = new java.util.HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(pairs[i], pairs[i + 1]);
        }
        return env;
    }

    @Test
    void aws_default_region_is_the_run_s_region_when_aws_region_is_not_set() throws Exception {
        aws.stubFor(post("/").withRequestBody(containing("Action=DescribeInstances")).willReturn(AwsFakes.ec2Instances("req-look", null,
                INSTANCE + ":running")));

        Cli.Result result = runWith(env("AWS_REGION", null, "AWS_DEFAULT_REGION", "eu-south-2"), "run",
                Cli.project("src/test/resources/runbooks/aws/default-region.md"), "--record-dir", "out", "--no-store",
                "--endpoint-url", aws.baseUrl());

        assertThat(result.exitCode()).as(result.all()).isZero();
        aws.verify(postRequestedFor(urlEqualTo("/")).withRequestBody(containing("Action=DescribeInstances"))
                .withHeader("Authorization", containing("/eu-south-2/ec2/aws4_request")));
    }

    @Test
    void without_a_region_the_run_does_not_start_and_says_where_to_set_one() throws Exception {
        Cli.Result result = runWith(env("AWS_REGION", null, "AWS_DEFAULT_REGION", null), "run",
                Cli.project("src/test/resources/runbooks/aws/default-region.md"), "--record-dir", "out", "--no-store",
                "--endpoint-url", aws.baseUrl());

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.stderr().strip()).isEqualTo("error: no AWS region: set region: in the step, pass --region, set AWS_REGION"
                + " or AWS_DEFAULT_REGION, or set region in profile 'default' of /dev/null");
        assertThat(dir.resolve("ran-before-aws")).doesNotExist();
        assertThat(dir.resolve("out")).doesNotExist();
        aws.verify(0, postRequestedFor(urlEqualTo("/")));
    }

    @Test
    void a_profile_that_does_not_exist_is_named_before_anything_runs() throws Exception {
        Path config = dir.resolve("config");
        Files.writeString(config, "[profile oncall]\nregion = eu-west-1\n");

        Cli.Result flag = runWith(env("AWS_CONFIG_FILE", config.toString(), "AWS_REGION", null), "run",
                Cli.project("src/test/resources/runbooks/aws/default-region.md"), "--no-store", "--record-dir", "out", "--profile", "nosuch");
        Cli.Result variable = runWith(env("AWS_CONFIG_FILE", config.toString(), "AWS_PROFILE", "nosuch"), "run",
                Cli.project("src/test/resources/runbooks/aws/default-region.md"), "--no-store", "--record-dir", "out", "--region", "eu-west-1");

        assertThat(flag.exitCode()).isEqualTo(2);
        assertThat(flag.stderr().strip()).isEqualTo("error: profile 'nosuch' is not in " + config + " or /dev/null (named by --profile)");
        assertThat(variable.exitCode()).isEqualTo(2);
        assertThat(variable.stderr().strip()).isEqualTo("error: profile 'nosuch' is not in " + config + " or /dev/null (named by AWS_PROFILE)");
        assertThat(dir.resolve("ran-before-aws")).doesNotExist();
        assertThat(dir.resolve("out")).doesNotExist();
    }

    @Test
    void without_credentials_the_run_does_not_start_and_says_so_in_one_line() throws Exception {
        Cli.Result result = runWith(env("AWS_ACCESS_KEY_ID", null, "AWS_SECRET_ACCESS_KEY", null), "run",
                Cli.project("src/test/resources/runbooks/aws/default-region.md"), "--no-store", "--record-dir", "out",
                "--region", "eu-west-1", "--endpoint-url", aws.baseUrl());

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.stderr().lines()).hasSize(1);
        assertThat(result.stderr()).startsWith("error: no AWS credentials found: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY");
        assertThat(dir.resolve("ran-before-aws")).doesNotExist();
        assertThat(dir.resolve("out")).doesNotExist();
        aws.verify(0, postRequestedFor(urlEqualTo("/")));
    }

    private static int indexOf(List<String> lines, String text) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(text)) {
                return i;
            }
        }
        throw new AssertionError("no line with " + text);
    }

    private static Path only(Path folder, String suffix) throws Exception {
        try (Stream<Path> files = Files.list(folder)) {
            List<Path> found = files.filter(p -> p.getFileName().toString().endsWith(suffix)
                    && (suffix.equals(".md") || !p.getFileName().toString().startsWith("edited"))).toList();
            assertThat(found).as("files ending in " + suffix).hasSize(1);
            return found.get(0);
        }
    }
}
