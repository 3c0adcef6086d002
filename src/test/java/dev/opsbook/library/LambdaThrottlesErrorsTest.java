package dev.opsbook.library;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.matching.RequestPatternBuilder;
import dev.opsbook.engine.RunStatus;
import dev.opsbook.engine.StepStatus;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** runbooks/library/lambda-throttles-errors.md, started by a function's Throttles or Errors alarm, Lambda and CloudWatch served by WireMock. */
class LambdaThrottlesErrorsTest {

    private static final String RUNBOOK = "lambda-throttles-errors";

    private static RequestPatternBuilder concurrency() {
        return putRequestedFor(urlPathEqualTo("/2017-10-31/functions/checkout-api/concurrency"));
    }

    private static RequestPatternBuilder alias() {
        return putRequestedFor(urlPathEqualTo("/2015-03-31/functions/checkout-api/aliases/live"));
    }

    @Test
    void a_throttled_function_with_a_reservation_gets_twice_as_much_and_the_run_ends_when_the_alarm_clears() throws Exception {
        try (LibraryHarness h = LibraryHarness.start(RUNBOOK)) {
            LibraryHarness.Run run = h.run("cloudwatch-lambda-throttles.json");

            assertThat(run.matched()).containsExactly(RUNBOOK);
            assertThat(run.params()).isEqualTo(Map.of("functionName", "checkout-api", "metric", "Throttles",
                    "alarm", "checkout-api-throttles", "region", "eu-west-1", "alias", "live"));
            assertThat(run.status()).as(run.result().state().message()).isEqualTo(RunStatus.SUCCEEDED);
            assertThat(run.asked()).singleElement().satisfies(p -> assertThat(p.text())
                    .isEqualTo("checkout-api in eu-west-1 (Throttles alarm): raise its reserved concurrency from 50 to 100?"));
            h.aws().verify(1, concurrency().withRequestBody(equalToJson("{\"ReservedConcurrentExecutions\":100}")));
            h.aws().verify(0, alias());
            h.aws().verify(postRequestedFor(urlEqualTo("/")).withRequestBody(containing("Action=DescribeAlarms"))
                    .withRequestBody(containing("AlarmNames.member.1=checkout-api-throttles")));
            assertThat(run.step("previous").status()).isEqualTo(StepStatus.SKIPPED);
        }
    }

    @Test
    void a_function_throttled_by_the_account_pool_is_not_given_a_reservation() throws Exception {
        try (LibraryHarness h = LibraryHarness.start(RUNBOOK).stub("cases/no-reservation.json")) {
            LibraryHarness.Run run = h.run("cloudwatch-lambda-throttles.json");

            assertThat(run.status()).isEqualTo(RunStatus.FAILED);
            assertThat(run.step("can-act").message()).startsWith("Nothing this runbook can change helps: the function has no reserved "
                    + "concurrency: it is throttled by the account's pool (1000), which a reservation would only take from other functions");
            assertThat(run.asked()).isEmpty();
            h.aws().verify(0, concurrency());
        }
    }

    @Test
    void errors_move_the_alias_back_one_version_and_when_the_alarm_cannot_be_seen_clearing_the_alias_is_put_back() throws Exception {
        try (LibraryHarness h = LibraryHarness.start(RUNBOOK).stub("cases/alarm-stays.json")) {
            LibraryHarness.Run run = h.run("cloudwatch-lambda-errors.json");

            assertThat(run.params()).containsEntry("metric", "Errors").containsEntry("alarm", "checkout-api-errors");
            assertThat(run.status()).isEqualTo(RunStatus.FAILED);
            assertThat(run.asked()).as(run.result().state().message()).singleElement().satisfies(p -> assertThat(p.text())
                    .isEqualTo("checkout-api in eu-west-1 (Errors alarm): point alias live from version 8 back to 7?"));
            assertThat(run.step("cleared").message()).startsWith("cloudwatch:DescribeAlarms failed: AccessDenied (HTTP 403)");
            assertThat(run.started()).endsWith("previous", "cleared", "restore-alias/for-previous");
            assertThat(h.aws().findAll(alias())).extracting(r -> r.getBodyAsString())
                    .satisfiesExactly(first -> assertThat(first).contains("\"FunctionVersion\":\"7\""),
                            second -> assertThat(second).contains("\"FunctionVersion\":\"8\""));
            h.aws().verify(0, concurrency());
            assertThat(run.record()).contains("**Succeeded** as rollback for `previous` · `restore-alias`");
        }
    }
}
