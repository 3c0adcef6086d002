package dev.opsbook.steps;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.opsbook.aws.AwsClients;
import dev.opsbook.aws.AwsFakes;
import dev.opsbook.aws.AwsInvoker;
import dev.opsbook.aws.AwsServices;
import dev.opsbook.aws.AwsSettings;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Each channel against WireMock standing in for it (SNS, SES, PagerDuty's Events API, a chat webhook, and SSM for the secrets):
 * what each is sent, and that one that is down (500, no answer in time) is a failure line naming it, never an exception, and
 * never the secret its URL or routing key was read from.
 */
class NotifierChannelsTest {

    private static final String ROUTING_KEY = "R0UTING-k3y-canary-0123456789ab";
    private static final String HOOK_SECRET = "T0-hook-s3cr3t-canary";
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final WireMockExtension wire = WireMockExtension.newInstance().options(options().dynamicPort()).build();

    private AwsClients clients;
    private final List<JsonNode> calls = new ArrayList<>();

    @BeforeAll
    static void credentials() {
        AwsFakes.fakeCredentials();
    }

    @BeforeEach
    void start() {
        clients = new AwsClients(new AwsSettings(Optional.of("eu-west-1"), Optional.empty(), Optional.of(URI.create(wire.baseUrl()))));
        wire.stubFor(post("/").withHeader("X-Amz-Target", equalTo("AmazonSSM.GetParameter")).withRequestBody(containing("pagerduty-key"))
                .willReturn(AwsFakes.json("req-key", "{\"Parameter\":{\"Name\":\"/opsbook/pagerduty-key\",\"Type\":\"SecureString\",\"Value\":\""
                        + ROUTING_KEY + "\",\"Version\":1}}")));
        wire.stubFor(post("/").withHeader("X-Amz-Target", equalTo("AmazonSSM.GetParameter")).withRequestBody(containing("chat-hook"))
                .willReturn(AwsFakes.json("req-hook", "{\"Parameter\":{\"Name\":\"/opsbook/chat-hook\",\"Type\":\"SecureString\",\"Value\":\""
                        + HOOK_SECRET + "\",\"Version\":1}}")));
        wire.stubFor(post("/").withRequestBody(containing("Action=Publish")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "text/xml").withBody("<PublishResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\">"
                        + "<PublishResult><MessageId>msg-1</MessageId></PublishResult><ResponseMetadata><RequestId>req-sns</RequestId>"
                        + "</ResponseMetadata></PublishResponse>")));
        wire.stubFor(post("/").withRequestBody(containing("Action=SendEmail")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "text/xml").withBody("<SendEmailResponse xmlns=\"http://ses.amazonaws.com/doc/2010-12-01/\">"
                        + "<SendEmailResult><MessageId>mail-1</MessageId></SendEmailResult><ResponseMetadata><RequestId>req-ses</RequestId>"
                        + "</ResponseMetadata></SendEmailResponse>")));
        wire.stubFor(post("/v2/enqueue").willReturn(aResponse().withStatus(202).withHeader("Content-Type", "application/json")
                .withBody("{\"status\":\"success\",\"message\":\"Event processed\",\"dedup_key\":\"run-1/approve\"}")));
        wire.stubFor(post("/hooks/" + HOOK_SECRET).willReturn(aResponse().withStatus(200).withBody("ok")));
    }

    @AfterEach
    void stop() {
        clients.close();
    }

    private Notifier notifier(Duration timeout) {
        return new Notifier(new AwsInvoker(AwsServices.onClasspath(), clients),
                new Notifier.Settings(URI.create(wire.baseUrl() + "/v2/enqueue"), Optional.of("opsbook@example.com"), timeout));
    }

    private static ObjectNode details() {
        return JsonNodeFactory.instance.objectNode().put("kind", "waits-for-a-person").put("runbook", "disk-full").put("run", "run-1")
                .put("step", "approve").put("link", "https://opsbook.example.com/runs/run-1");
    }

    private Notifier.Sent sendToAll(Notifier notifier) throws InterruptedException {
        return notifier.send(new Notifier.Target(Optional.of("arn:aws:sns:eu-west-1:123456789012:oncall"),
                        Optional.of(wire.baseUrl() + "/hooks/{{ secret:ssm:/opsbook/chat-hook }}"),
                        Optional.of("{{ secret:ssm:/opsbook/pagerduty-key }}"), List.of("oncall@example.com", "lead@example.com")),
                "opsbook: disk-full waits for a person", "Approve the cleanup of /var/log on web-1?", details(), "opsbook-escalation-run-1",
                Optional.of("run-1/approve"), calls::add);
    }

    private static JsonNode body(LoggedRequest request) {
        try {
            return JSON.readTree(request.getBodyAsString());
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void every_channel_is_told_and_says_so() throws Exception {
        Notifier.Sent sent = sendToAll(notifier(Duration.ofSeconds(5)));

        assertThat(sent.failures()).isEmpty();
        assertThat(sent.delivered()).containsExactly(Map.entry("sns", true), Map.entry("webhook", true), Map.entry("pagerduty", true),
                Map.entry("email", true));
        wire.verify(postRequestedFor(urlEqualTo("/")).withRequestBody(containing("Action=Publish"))
                .withRequestBody(containing("Subject=opsbook%3A+disk-full+waits+for+a+person")));
        wire.verify(postRequestedFor(urlEqualTo("/")).withRequestBody(containing("Action=SendEmail"))
                .withRequestBody(containing("Source=opsbook%40example.com"))
                .withRequestBody(containing("Destination.ToAddresses.member.1=oncall%40example.com"))
                .withRequestBody(containing("Destination.ToAddresses.member.2=lead%40example.com"))
                .withRequestBody(containing("opsbook.example.com%2Fruns%2Frun-1")));
        assertThat(sent.result().at("/email/MessageId").asText()).isEqualTo("mail-1");
    }

    @Test
    void the_webhook_gets_slack_text_and_the_structured_fields() throws Exception {
        sendToAll(notifier(Duration.ofSeconds(5)));

        JsonNode hook = body(wire.findAll(postRequestedFor(urlEqualTo("/hooks/" + HOOK_SECRET))).get(0));
        assertThat(hook.path("text").asText()).isEqualTo("opsbook: disk-full waits for a person\nApprove the cleanup of /var/log on web-1?"
                + "\nhttps://opsbook.example.com/runs/run-1");
        assertThat(hook.path("kind").asText()).isEqualTo("waits-for-a-person");
        assertThat(hook.path("runbook").asText()).isEqualTo("disk-full");
        assertThat(hook.path("run").asText()).isEqualTo("run-1");
        assertThat(hook.path("step").asText()).isEqualTo("approve");
        assertThat(hook.path("link").asText()).isEqualTo("https://opsbook.example.com/runs/run-1");
        assertThat(hook.path("subject").asText()).isEqualTo("opsbook: disk-full waits for a person");
        assertThat(hook.path("message").asText()).isEqualTo("Approve the cleanup of /var/log on web-1?");
        assertThat(hook.path("details").path("run").asText()).isEqualTo("run-1");
    }

    @Test
    void pagerduty_gets_a_trigger_with_the_routing_key_read_from_its_secret_and_a_dedup_key_per_run_and_step() throws Exception {
        sendToAll(notifier(Duration.ofSeconds(5)));

        JsonNode event = body(wire.findAll(postRequestedFor(urlEqualTo("/v2/enqueue"))).get(0));
        assertThat(event.path("routing_key").asText()).isEqualTo(ROUTING_KEY);
        assertThat(event.path("event_action").asText()).isEqualTo("trigger");
        assertThat(event.path("dedup_key").asText()).isEqualTo("run-1/approve");
        assertThat(event.at("/payload/summary").asText()).isEqualTo("opsbook: disk-full waits for a person");
        assertThat(event.at("/payload/source").asText()).isEqualTo("disk-full");
        assertThat(event.at("/payload/severity").asText()).isEqualTo("error");
        assertThat(event.at("/payload/custom_details/step").asText()).isEqualTo("approve");
        assertThat(event.at("/links/0/href").asText()).isEqualTo("https://opsbook.example.com/runs/run-1");
    }

    @Test
    void pagerduty_acknowledge_and_resolve_name_the_incident_by_its_dedup_key_only() throws Exception {
        Notifier notifier = notifier(Duration.ofSeconds(5));

        Notifier.Sent acknowledged = notifier.pagerDuty("{{ secret:ssm:/opsbook/pagerduty-key }}", Notifier.PagerAction.ACKNOWLEDGE,
                "run-1/approve", "acknowledged by alice", details(), calls::add);
        Notifier.Sent resolved = notifier.pagerDuty(ROUTING_KEY, Notifier.PagerAction.RESOLVE, "run-1/approve", "run-1 succeeded", details());

        assertThat(acknowledged.delivered()).containsExactly(Map.entry("pagerduty", true));
        assertThat(resolved.delivered()).containsExactly(Map.entry("pagerduty", true));
        List<JsonNode> events = wire.findAll(postRequestedFor(urlEqualTo("/v2/enqueue"))).stream().map(NotifierChannelsTest::body).toList();
        assertThat(events).extracting(e -> e.path("event_action").asText()).containsExactly("acknowledge", "resolve");
        assertThat(calls).singleElement().satisfies(read -> assertThat(read.toString()).contains("ssm:GetParameter")
                .contains("/opsbook/pagerduty-key").doesNotContain(ROUTING_KEY));
        assertThat(events).allSatisfy(e -> {
            assertThat(e.path("routing_key").asText()).isEqualTo(ROUTING_KEY);
            assertThat(e.path("dedup_key").asText()).isEqualTo("run-1/approve");
            assertThat(e.has("payload")).isFalse();
        });
    }

    @Test
    void channels_that_are_down_give_one_failure_line_each_without_the_secrets_and_the_others_are_still_told() throws Exception {
        wire.stubFor(post("/hooks/" + HOOK_SECRET).willReturn(aResponse().withStatus(500).withBody("down " + HOOK_SECRET)));
        wire.stubFor(post("/v2/enqueue").willReturn(aResponse().withStatus(202).withFixedDelay(3000)));
        wire.stubFor(post("/").withRequestBody(containing("Action=SendEmail")).willReturn(aResponse().withStatus(400)
                .withHeader("Content-Type", "text/xml").withBody("<ErrorResponse xmlns=\"http://ses.amazonaws.com/doc/2010-12-01/\"><Error>"
                        + "<Type>Sender</Type><Code>MessageRejected</Code><Message>Email address is not verified.</Message></Error>"
                        + "<RequestId>req-ses</RequestId></ErrorResponse>")));

        Notifier.Sent sent = sendToAll(notifier(Duration.ofMillis(500)));

        assertThat(sent.delivered()).containsExactly(Map.entry("sns", true), Map.entry("webhook", false), Map.entry("pagerduty", false),
                Map.entry("email", false));
        assertThat(sent.failures()).hasSize(3);
        assertThat(sent.failures().get(0)).isEqualTo("webhook " + wire.baseUrl() + " answered 500");
        assertThat(sent.failures().get(1)).isEqualTo("pagerduty trigger did not answer within 500 ms");
        assertThat(sent.failures().get(2)).startsWith("email to oncall@example.com, lead@example.com failed: ")
                .contains("not verified");
        assertThat(String.join("\n", sent.failures()) + sent.result() + calls).doesNotContain(HOOK_SECRET).doesNotContain(ROUTING_KEY);
    }

    @Test
    void a_secret_that_cannot_be_read_is_a_failure_line_and_nothing_is_sent_there() throws Exception {
        Notifier.Sent sent = notifier(Duration.ofSeconds(5)).send(new Notifier.Target(Optional.empty(), Optional.empty(),
                        Optional.of("{{ secret:ssm:/opsbook/missing }}"), List.of()), "s", "m", details(), "opsbook-test",
                Optional.of("run-1/approve"), calls::add);

        assertThat(sent.delivered()).containsExactly(Map.entry("pagerduty", false));
        assertThat(sent.failures()).singleElement().asString().startsWith("pagerduty could not be told: cannot read secret:ssm:/opsbook/missing");
        wire.verify(0, postRequestedFor(urlEqualTo("/v2/enqueue")));
    }

    @Test
    void email_without_a_sender_setting_says_which_setting_to_set() throws Exception {
        Notifier notifier = new Notifier(new AwsInvoker(AwsServices.onClasspath(), clients));

        Notifier.Sent sent = notifier.send(new Notifier.Target(Optional.empty(), Optional.empty(), Optional.empty(), List.of("oncall@example.com")),
                "s", "m", details(), "opsbook-test", calls::add);

        assertThat(sent.failures()).containsExactly("email to oncall@example.com was not sent: set opsbook.email-from (OPSBOOK_EMAIL_FROM)"
                + " to an address SES may send from");
        wire.verify(0, postRequestedFor(urlEqualTo("/")).withRequestBody(containing("Action=SendEmail")));
    }
}
