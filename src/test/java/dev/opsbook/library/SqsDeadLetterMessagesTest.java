package dev.opsbook.library;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.matching.RequestPatternBuilder;
import dev.opsbook.engine.RunStatus;
import dev.opsbook.engine.StepStatus;
import org.junit.jupiter.api.Test;

/** runbooks/library/sqs-dead-letter-messages.md, started by the DLQ's depth alarm, SQS (JSON protocol) served by WireMock. */
class SqsDeadLetterMessagesTest {

    private static final String RUNBOOK = "sqs-dead-letter-messages";
    private static final String EVENT = "cloudwatch-sqs-dlq-messages.json";
    private static final String DLQ_ARN = "arn:aws:sqs:eu-west-1:123456789012:orders-dlq";
    private static final String HANDLE = "eyJ0YXNrSWQiOiI3ZjNhOWMxZS0yYjRkIiwic291cmNlQXJuIjoiYXJuOmF3czpzcXM6ZXUtd2VzdC0xOjEyMzQ1Njc4OTAxMjpvcmRlcnMtZGxxIn0=";

    private static RequestPatternBuilder call(String operation) {
        return postRequestedFor(urlEqualTo("/")).withHeader("X-Amz-Target", equalTo("AmazonSQS." + operation));
    }

    @Test
    void the_alarm_on_a_dead_letter_queue_redrives_its_messages_to_their_source_slowly_after_an_approval() throws Exception {
        try (LibraryHarness h = LibraryHarness.start(RUNBOOK)) {
            LibraryHarness.Run run = h.run(EVENT);

            assertThat(run.matched()).containsExactly(RUNBOOK);
            assertThat(run.params()).containsEntry("queueName", "orders-dlq").containsEntry("region", "eu-west-1");
            assertThat(run.status()).as(run.result().state().message()).isEqualTo(RunStatus.SUCCEEDED);
            assertThat(run.asked()).singleElement().satisfies(p -> assertThat(p.text()).contains(
                    "Move 37 messages from orders-dlq back to https://sqs.eu-west-1.amazonaws.com/123456789012/orders at 10 a second?"));
            h.aws().verify(1, call("StartMessageMoveTask")
                    .withRequestBody(containing("\"SourceArn\":\"" + DLQ_ARN + "\""))
                    .withRequestBody(containing("\"MaxNumberOfMessagesPerSecond\":10")));
            h.aws().verify(0, call("CancelMessageMoveTask"));
            assertThat(run.step("moving").outputs().path("moved").asInt()).isEqualTo(37);
            assertThat(run.record()).contains("`sqs:StartMessageMoveTask` in eu-west-1 → HTTP 200, request id `req-start`");
        }
    }

    @Test
    void nothing_moves_when_the_on_call_says_the_consumer_is_not_fixed() throws Exception {
        try (LibraryHarness h = LibraryHarness.start(RUNBOOK).answer("go", false)) {
            LibraryHarness.Run run = h.run(EVENT);

            assertThat(run.status()).isEqualTo(RunStatus.FAILED);
            assertThat(run.step("go").message()).startsWith("rejected by oncall");
            h.aws().verify(0, call("StartMessageMoveTask"));
            h.aws().verify(0, call("CancelMessageMoveTask"));
        }
    }

    @Test
    void a_move_the_run_cannot_watch_is_cancelled_by_the_rollback() throws Exception {
        try (LibraryHarness h = LibraryHarness.start(RUNBOOK).stub("cases/watch-denied.json")) {
            LibraryHarness.Run run = h.run(EVENT);

            assertThat(run.status()).isEqualTo(RunStatus.FAILED);
            assertThat(run.step("moving").message()).startsWith("sqs:ListMessageMoveTasks failed: AccessDenied");
            assertThat(run.started()).endsWith("stop-redrive/for-redrive");
            assertThat(run.step("stop-redrive/for-redrive").status()).isEqualTo(StepStatus.SUCCEEDED);
            h.aws().verify(1, call("CancelMessageMoveTask").withRequestBody(equalTo("{\"TaskHandle\":\"" + HANDLE + "\"}")));
            assertThat(run.record()).contains("stop-redrive");
        }
    }
}
