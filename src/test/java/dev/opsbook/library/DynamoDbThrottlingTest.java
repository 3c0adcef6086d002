package dev.opsbook.library;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.matching.RequestPatternBuilder;
import dev.opsbook.engine.RunStatus;
import dev.opsbook.engine.StepStatus;
import org.junit.jupiter.api.Test;

/** runbooks/library/dynamodb-throttling.md, started by a WriteThrottleEvents alarm, DynamoDB and CloudWatch served by WireMock. */
class DynamoDbThrottlingTest {

    private static final String RUNBOOK = "dynamodb-throttling";
    private static final String EVENT = "cloudwatch-dynamodb-write-throttles.json";

    private static RequestPatternBuilder updateTable(int read, int write) {
        return postRequestedFor(urlEqualTo("/")).withHeader("X-Amz-Target", equalTo("DynamoDB_20120810.UpdateTable"))
                .withRequestBody(equalToJson("{\"TableName\":\"sessions\",\"ProvisionedThroughput\":{\"ReadCapacityUnits\":" + read
                        + ",\"WriteCapacityUnits\":" + write + "}}"));
    }

    private static RequestPatternBuilder anyUpdate() {
        return postRequestedFor(urlEqualTo("/")).withHeader("X-Amz-Target", equalTo("DynamoDB_20120810.UpdateTable"));
    }

    @Test
    void write_throttling_doubles_the_write_capacity_only_and_waits_for_the_alarm_to_clear() throws Exception {
        try (LibraryHarness h = LibraryHarness.start(RUNBOOK)) {
            LibraryHarness.Run run = h.run(EVENT);

            assertThat(run.matched()).containsExactly(RUNBOOK);
            assertThat(run.params()).containsEntry("tableName", "sessions").containsEntry("metricName", "WriteThrottleEvents")
                    .containsEntry("alarmName", "sessions-write-throttles").containsEntry("region", "eu-west-1");
            assertThat(run.status()).as(run.result().state().message()).isEqualTo(RunStatus.SUCCEEDED);
            assertThat(run.asked()).singleElement().satisfies(p -> assertThat(p.text())
                    .startsWith("raise sessions from 100/50 to 100/100 read/write units?"));
            h.aws().verify(1, anyUpdate());
            h.aws().verify(1, updateTable(100, 100));
            h.aws().verify(postRequestedFor(urlEqualTo("/")).withRequestBody(containing("Action=DescribeAlarms"))
                    .withRequestBody(containing("AlarmNames.member.1=sessions-write-throttles")));
            assertThat(run.step("on-demand").status()).isEqualTo(StepStatus.SKIPPED);
        }
    }

    @Test
    void when_the_run_cannot_tell_the_raise_helped_the_rollback_puts_the_capacity_back() throws Exception {
        try (LibraryHarness h = LibraryHarness.start(RUNBOOK).stub("cases/alarm-unreadable.json")) {
            LibraryHarness.Run run = h.run(EVENT);

            assertThat(run.status()).isEqualTo(RunStatus.FAILED);
            assertThat(run.step("relieved").message()).startsWith("cloudwatch:DescribeAlarms failed: AccessDenied (HTTP 403)");
            assertThat(run.started()).endsWith("put-back/for-raise");
            assertThat(run.step("put-back/for-raise").status()).isEqualTo(StepStatus.SUCCEEDED);
            h.aws().verify(2, anyUpdate());
            h.aws().verify(1, updateTable(100, 100));
            h.aws().verify(1, updateTable(100, 50));
        }
    }

    @Test
    void a_table_already_on_demand_is_not_changed() throws Exception {
        try (LibraryHarness h = LibraryHarness.start(RUNBOOK).stub("cases/on-demand-table.json")) {
            LibraryHarness.Run run = h.run(EVENT);

            assertThat(run.status()).isEqualTo(RunStatus.FAILED);
            assertThat(run.step("has-capacity").message()).startsWith("Nothing to raise");
            assertThat(run.asked()).isEmpty();
            h.aws().verify(0, anyUpdate());
        }
    }
}
