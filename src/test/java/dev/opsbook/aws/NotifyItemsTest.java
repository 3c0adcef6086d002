package dev.opsbook.aws;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.opsbook.engine.Engine;
import dev.opsbook.engine.Fixtures;
import dev.opsbook.engine.Interaction;
import dev.opsbook.engine.RunListener;
import dev.opsbook.engine.RunRequest;
import dev.opsbook.engine.RunResult;
import dev.opsbook.engine.RunStatus;
import dev.opsbook.steps.StandardSteps;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** A notify step over items, against WireMock as webhook and as SNS: each item is a message of its own. */
class NotifyItemsTest {

    private static final Pattern DEDUP = Pattern.compile("MessageDeduplicationId=([^&]+)");

    @TempDir
    Path workDir;

    @RegisterExtension
    static final WireMockExtension aws = WireMockExtension.newInstance().options(options().dynamicPort()).build();

    @BeforeAll
    static void credentials() {
        AwsFakes.fakeCredentials();
    }

    @BeforeEach
    void start() {
        aws.stubFor(post("/").withRequestBody(containing("Action=Publish")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "text/xml").withBody("<PublishResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\">"
                        + "<PublishResult><MessageId>msg-1</MessageId></PublishResult><ResponseMetadata><RequestId>req-sns</RequestId>"
                        + "</ResponseMetadata></PublishResponse>")));
        aws.stubFor(post("/hook").willReturn(aResponse().withStatus(204)));
    }

    @Test
    void each_item_posts_its_own_key_and_publishes_to_a_fifo_topic_with_a_dedup_id_of_its_own() throws Exception {
        RunResult result;
        AwsSettings settings = new AwsSettings(Optional.of("eu-west-1"), Optional.empty(), Optional.of(URI.create(aws.baseUrl())));
        try (AwsClients clients = new AwsClients(settings)) {
            RunRequest request = new RunRequest(Fixtures.load("aws/notify-items.md"), Map.of("hook", aws.baseUrl() + "/hook"), "tester",
                    "test", Interaction.NOBODY, Optional.empty(), workDir);
            result = new Engine(StandardSteps.with(clients)).run(request, RunListener.NONE);
        }

        assertThat(result.state().status()).as(result.state().message()).isEqualTo(RunStatus.SUCCEEDED);
        ObjectMapper json = new ObjectMapper();
        List<String> steps = aws.findAll(postRequestedFor(urlEqualTo("/hook"))).stream().map(r -> {
            try {
                return json.readTree(r.getBodyAsString()).at("/details/step").asText();
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        }).toList();
        assertThat(steps).containsExactly("tell[0]", "tell[1]", "tell[2]");
        List<LoggedRequest> published = aws.findAll(postRequestedFor(urlEqualTo("/")).withRequestBody(containing("Action=Publish")));
        assertThat(published).hasSize(3).allSatisfy(r -> assertThat(r.getBodyAsString()).contains("MessageGroupId="));
        List<String> dedupIds = published.stream().map(r -> {
            Matcher m = DEDUP.matcher(r.getBodyAsString());
            return m.find() ? URLDecoder.decode(m.group(1), StandardCharsets.UTF_8) : "none";
        }).toList();
        assertThat(dedupIds).doesNotContain("none").doesNotHaveDuplicates();
    }
}
