package dev.opsbook.docs;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import dev.opsbook.audit.AuditFacts;
import dev.opsbook.aws.AwsClients;
import dev.opsbook.aws.AwsFakes;
import dev.opsbook.aws.AwsInvoker;
import dev.opsbook.aws.AwsSecrets;
import dev.opsbook.aws.AwsServices;
import dev.opsbook.aws.AwsSettings;
import dev.opsbook.aws.IamPolicy;
import dev.opsbook.engine.ChildRuns;
import dev.opsbook.engine.Engine;
import dev.opsbook.engine.RunListener;
import dev.opsbook.engine.RunRequest;
import dev.opsbook.engine.RunResult;
import dev.opsbook.engine.RunStatus;
import dev.opsbook.graph.LoadedRunbook;
import dev.opsbook.graph.RunbookLoader;
import dev.opsbook.record.JsonSummary;
import dev.opsbook.record.MarkdownRecord;
import dev.opsbook.steps.Notifier;
import dev.opsbook.steps.PythonStep;
import dev.opsbook.steps.StandardSteps;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * FORMAT.md's {@code notify-pager} example runs: WireMock stands in for SSM (the routing key's secret), PagerDuty's Events API
 * and SES; the routing key reaches PagerDuty and nothing the run keeps; the policy grants the email and the secret's read.
 */
class FormatNotifyPagerExampleTest {

    private static final String ROUTING_KEY = "R0UTING-k3y-canary-0123456789ab";

    @TempDir
    Path dir;

    private WireMockServer wire;

    @BeforeEach
    void start() {
        AwsFakes.fakeCredentials();
        wire = new WireMockServer(options().dynamicPort());
        wire.start();
        wire.stubFor(post("/").withHeader("X-Amz-Target", equalTo("AmazonSSM.GetParameter"))
                .willReturn(AwsFakes.json("req-secret", "{\"Parameter\":{\"Name\":\"/opsbook/pagerduty-key\",\"Type\":\"SecureString\","
                        + "\"Value\":\"" + ROUTING_KEY + "\",\"Version\":1}}")));
        wire.stubFor(post("/").withRequestBody(containing("Action=SendEmail")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "text/xml").withBody("<SendEmailResponse xmlns=\"http://ses.amazonaws.com/doc/2010-12-01/\">"
                        + "<SendEmailResult><MessageId>mail-1</MessageId></SendEmailResult><ResponseMetadata><RequestId>req-ses</RequestId>"
                        + "</ResponseMetadata></SendEmailResponse>")));
        wire.stubFor(post("/v2/enqueue").willReturn(aResponse().withStatus(202).withHeader("Content-Type", "application/json")
                .withBody("{\"status\":\"success\",\"message\":\"Event processed\",\"dedup_key\":\"k\"}")));
    }

    @AfterEach
    void stop() {
        wire.stop();
    }

    private LoadedRunbook example() throws Exception {
        String text = FormatExamplesTest.examples().stream().filter(e -> e.name().equals("notify-pager")).findFirst().orElseThrow().text();
        return new RunbookLoader(StandardSteps.all().catalog()).load("notify-pager.md", text);
    }

    @Test
    void the_example_pages_with_the_routing_key_from_ssm_and_emails_the_team_and_keeps_the_key_nowhere() throws Exception {
        AwsSettings settings = new AwsSettings(Optional.of("eu-west-1"), Optional.empty(), Optional.of(URI.create(wire.baseUrl())));
        Notifier.Settings notifications = new Notifier.Settings(URI.create(wire.baseUrl() + "/v2/enqueue"),
                Optional.of("opsbook@example.com"), Duration.ofSeconds(5));
        LoadedRunbook loaded = example();
        RunResult result;
        try (AwsClients clients = new AwsClients(settings)) {
            AwsSecrets secrets = new AwsSecrets(new AwsInvoker(AwsServices.onClasspath(), clients), "opsbook-test");
            try (Engine engine = new Engine(StandardSteps.with(clients, PythonStep.DEFAULT_INTERPRETER, ChildRuns.NONE, notifications),
                    Clock.systemUTC(), () -> "run-1", secrets)) {
                result = engine.run(new RunRequest(loaded, Map.of(), "tester", "test", DocsSupport.YES, Optional.empty(), dir),
                        RunListener.NONE);
            }
        }

        assertThat(result.state().status()).as(result.state().message()).isEqualTo(RunStatus.SUCCEEDED);
        wire.verify(postRequestedFor(urlEqualTo("/v2/enqueue")).withRequestBody(equalToJson("{\"routing_key\":\"" + ROUTING_KEY
                + "\",\"event_action\":\"trigger\",\"payload\":{\"summary\":\"Disk full on web-1\",\"severity\":\"critical\"}}", true, true)));
        wire.verify(postRequestedFor(urlEqualTo("/")).withRequestBody(containing("Action=SendEmail"))
                .withRequestBody(containing("Destination.ToAddresses.member.1=oncall%40example.com"))
                .withRequestBody(containing("Destination.ToAddresses.member.2=storage-team%40example.com"))
                .withRequestBody(containing("Subject.Data=Disk+full+on+web-1")));
        String record = MarkdownRecord.render(result);
        assertThat(record).doesNotContain(ROUTING_KEY).contains("ses:SendEmail").contains("ssm:GetParameter");
        assertThat(JsonSummary.of(result, "records/notify-pager.md").toString()).doesNotContain(ROUTING_KEY);
        assertThat(result.events()).allSatisfy(event -> {
            assertThat(event.toString()).doesNotContain(ROUTING_KEY);
            assertThat(AuditFacts.of(event, result.state(), loaded.runbook()).toString()).doesNotContain(ROUTING_KEY);
        });
    }

    @Test
    void the_policy_of_the_example_grants_sending_email_and_reading_the_routing_key() throws Exception {
        JsonNode policy = IamPolicy.of(List.of(example().runbook()), AwsServices.onClasspath());

        assertThat(policy.toString())
                .contains("\"Sid\":\"SendEmailNotifications\",\"Effect\":\"Allow\",\"Action\":\"ses:SendEmail\","
                        + "\"Resource\":[\"arn:aws:ses:*:*:identity/*\"]")
                .contains("\"Action\":\"ssm:GetParameter\",\"Resource\":[\"arn:aws:ssm:*:*:parameter/opsbook/pagerduty-key\"]")
                .doesNotContain("sns:Publish");
    }
}
