package dev.opsbook.service;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.opsbook.aws.AwsClients;
import dev.opsbook.aws.AwsFakes;
import dev.opsbook.aws.AwsInvoker;
import dev.opsbook.aws.AwsServices;
import dev.opsbook.aws.AwsSettings;
import dev.opsbook.graph.RunbookLoader;
import dev.opsbook.runbook.Runbook;
import dev.opsbook.steps.Notifier;
import dev.opsbook.steps.StandardSteps;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** An escalation's webhook URL written with a secret reference: serve reads it just before sending, and its log never shows it. */
class EscalationSenderTest {

    private static final String HOOK_SECRET = "T0-escalation-hook-canary";

    @RegisterExtension
    static final WireMockExtension wire = WireMockExtension.newInstance().options(options().dynamicPort()).build();

    private final ByteArrayOutputStream log = new ByteArrayOutputStream();
    private AwsClients clients;

    @BeforeEach
    void start() {
        AwsFakes.fakeCredentials();
        clients = new AwsClients(new AwsSettings(Optional.of("eu-west-1"), Optional.empty(), Optional.of(URI.create(wire.baseUrl()))));
        wire.stubFor(post("/").withHeader("X-Amz-Target", equalTo("AmazonSSM.GetParameter"))
                .willReturn(AwsFakes.json("req-hook", "{\"Parameter\":{\"Name\":\"/opsbook/hook\",\"Type\":\"SecureString\",\"Value\":\""
                        + HOOK_SECRET + "\",\"Version\":1}}")));
    }

    @AfterEach
    void stop() {
        clients.close();
    }

    private void tell() {
        String text = "---\ntitle: Disk\nowner: storage\nescalation: { webhook: \"" + wire.baseUrl()
                + "/hooks/{{ secret:ssm:/opsbook/hook }}\" }\n---\n\n# Disk\n\n```shell id=look\ndf -h\n```\n";
        Runbook runbook = new RunbookLoader(StandardSteps.all().catalog()).load("disk.md", text).runbook();
        EscalationSender sender = new EscalationSender(new Notifier(new AwsInvoker(AwsServices.onClasspath(), clients)),
                new PrintStream(log, true, StandardCharsets.UTF_8));
        sender.tell(runbook, "the hourly limit of 3 runs is reached", JsonNodeFactory.instance.objectNode().put("id", "event-1"));
    }

    @Test
    void the_webhook_is_posted_at_the_url_its_secret_makes() {
        wire.stubFor(post("/hooks/" + HOOK_SECRET).willReturn(aResponse().withStatus(200)));

        tell();

        wire.verify(1, postRequestedFor(urlEqualTo("/hooks/" + HOOK_SECRET)));
        assertThat(log.toString(StandardCharsets.UTF_8)).doesNotContain(HOOK_SECRET).doesNotContain("failed");
    }

    @Test
    void a_webhook_that_is_down_is_one_log_line_naming_its_site_not_its_secret() {
        wire.stubFor(post("/hooks/" + HOOK_SECRET).willReturn(aResponse().withStatus(503)));

        tell();

        assertThat(log.toString(StandardCharsets.UTF_8)).contains("opsbook: escalation of disk failed: webhook " + wire.baseUrl()
                + " answered 503").doesNotContain(HOOK_SECRET);
    }
}
