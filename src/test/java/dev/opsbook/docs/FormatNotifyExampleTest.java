package dev.opsbook.docs;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
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
import dev.opsbook.engine.Engine;
import dev.opsbook.engine.RunListener;
import dev.opsbook.engine.RunRequest;
import dev.opsbook.engine.RunResult;
import dev.opsbook.engine.RunStatus;
import dev.opsbook.graph.LoadedRunbook;
import dev.opsbook.graph.RunbookLoader;
import dev.opsbook.record.MarkdownRecord;
import dev.opsbook.steps.StandardSteps;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * FORMAT.md's {@code notify} example runs: WireMock stands in for SNS, for SSM (the webhook's secret) and for the
 * chat webhook; the secret in the webhook's URL reaches the webhook and nothing the run keeps; the policy grants the publish.
 */
class FormatNotifyExampleTest {

    private static final String HOOK_SECRET = "T0-hook-s3cr3t-canary";

    @TempDir
    Path dir;

    private WireMockServer aws;

    @BeforeEach
    void start() {
        AwsFakes.fakeCredentials();
        aws = new WireMockServer(options().dynamicPort());
        aws.start();
        aws.stubFor(post("/").withHeader("X-Amz-Target", equalTo("AmazonSSM.GetParameter"))
                .willReturn(AwsFakes.json("req-secret", "{\"Parameter\":{\"Name\":\"/opsbook/chat-hook\",\"Type\":\"SecureString\",\"Value\":\""
                        + HOOK_SECRET + "\",\"Version\":1}}")));
        aws.stubFor(post("/").withRequestBody(containing("Action=Publish")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "text/xml").withBody("<PublishResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\">"
                        + "<PublishResult><MessageId>msg-1</MessageId></PublishResult><ResponseMetadata><RequestId>req-sns</RequestId>"
                        + "</ResponseMetadata></PublishResponse>")));
        aws.stubFor(post("/hooks/" + HOOK_SECRET).willReturn(aResponse().withStatus(204)));
    }

    @AfterEach
    void stop() {
        aws.stop();
    }

    private LoadedRunbook example() throws Exception {
        String text = FormatExamplesTest.examples().stream().filter(e -> e.name().equals("notify")).findFirst().orElseThrow().text();
        // //why: the document's webhook host is the chat service's; here WireMock answers for it
        return new RunbookLoader(StandardSteps.all().catalog()).load("notify.md", text.replace("https://chat.example.com", aws.baseUrl()));
    }

    @Test
    void the_notify_example_publishes_to_sns_and_posts_to_the_webhook_whose_secret_url_no_record_keeps() throws Exception {
        AwsSettings settings = new AwsSettings(Optional.of("eu-west-1"), Optional.empty(), Optional.of(URI.create(aws.baseUrl())));
        LoadedRunbook loaded = example();
        RunResult result;
        try (AwsClients clients = new AwsClients(settings)) {
            AwsSecrets secrets = new AwsSecrets(new AwsInvoker(AwsServices.onClasspath(), clients), "opsbook-test");
            try (Engine engine = new Engine(StandardSteps.with(clients), Clock.systemUTC(), () -> "run-1", secrets)) {
                result = engine.run(new RunRequest(loaded, Map.of(), "tester", "test", DocsSupport.YES, Optional.empty(), dir),
                        RunListener.NONE);
            }
        }

        assertThat(result.state().status()).as(result.state().message()).isEqualTo(RunStatus.SUCCEEDED);
        aws.verify(postRequestedFor(urlEqualTo("/")).withRequestBody(containing("Action=Publish"))
                .withRequestBody(containing("TopicArn=arn%3Aaws%3Asns%3Aeu-west-1%3A123456789012%3Aoncall"))
                .withRequestBody(containing("Subject=Disk+almost+full+on+web-1")));
        aws.verify(postRequestedFor(urlEqualTo("/hooks/" + HOOK_SECRET))
                .withRequestBody(containing("\"subject\":\"Disk almost full on web-1\""))
                .withRequestBody(containing("found less than 5% free on web-1")));
        String record = MarkdownRecord.render(result);
        assertThat(record).doesNotContain(HOOK_SECRET).contains("/hooks/********").contains("sns:Publish");
        assertThat(result.events()).allSatisfy(event -> {
            assertThat(event.toString()).doesNotContain(HOOK_SECRET);
            assertThat(AuditFacts.of(event, result.state(), loaded.runbook()).toString()).doesNotContain(HOOK_SECRET);
        });
    }

    @Test
    void the_policy_of_the_notify_example_grants_publishing_to_its_topic_and_reading_its_secret() throws Exception {
        JsonNode policy = IamPolicy.of(List.of(example().runbook()), AwsServices.onClasspath());

        assertThat(policy.toString())
                .contains("\"Action\":\"sns:Publish\",\"Resource\":[\"arn:aws:sns:eu-west-1:123456789012:oncall\"]")
                .contains("\"Action\":\"ssm:GetParameter\",\"Resource\":[\"arn:aws:ssm:*:*:parameter/opsbook/chat-hook\"]");
    }
}
