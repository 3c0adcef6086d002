package dev.opsbook.library;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.matching.RequestPatternBuilder;
import dev.opsbook.engine.RunStatus;
import dev.opsbook.engine.StepStatus;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** runbooks/library/rds-storage-failover.md, started by an RDS instance's storage or latency alarm, RDS served by WireMock. */
class RdsStorageFailoverTest {

    private static final String RUNBOOK = "rds-storage-failover";

    private static RequestPatternBuilder call(String action, String... members) {
        RequestPatternBuilder call = postRequestedFor(urlEqualTo("/")).withRequestBody(containing("Action=" + action))
                .withRequestBody(containing("DBInstanceIdentifier=orders-db"));
        for (String member : members) {
            call = call.withRequestBody(containing(member));
        }
        return call;
    }

    @Test
    void low_storage_grows_the_volume_by_a_quarter_and_turns_storage_autoscaling_on() throws Exception {
        try (LibraryHarness h = LibraryHarness.start(RUNBOOK)) {
            LibraryHarness.Run run = h.run("cloudwatch-rds-free-storage-space.json");

            assertThat(run.matched()).containsExactly(RUNBOOK);
            assertThat(run.params()).isEqualTo(Map.of("instance", "orders-db", "action", "grow-storage", "region", "eu-west-1",
                    "growPercent", "25"));
            assertThat(run.status()).as(run.result().state().message()).isEqualTo(RunStatus.SUCCEEDED);
            assertThat(run.asked()).singleElement().satisfies(p -> assertThat(p.text()).isEqualTo("eu-west-1: grow orders-db from 100 GiB "
                    + "to 125 GiB and turn storage autoscaling on up to 250 GiB (storage cannot shrink again)?"));
            h.aws().verify(1, call("ModifyDBInstance", "MaxAllocatedStorage=250", "ApplyImmediately=true"));
            h.aws().verify(1, call("ModifyDBInstance", "&AllocatedStorage=125", "ApplyImmediately=true"));
            h.aws().verify(0, call("RebootDBInstance"));
            assertThat(run.step("available").outputs().path("allocated").asInt()).isEqualTo(125);
            assertThat(run.step("events").outputs().at("/recent/0/message").asText()).startsWith("The free storage capacity");
        }
    }

    @Test
    void slow_writes_fail_a_multi_az_instance_over_to_its_standby_and_storage_is_left_alone() throws Exception {
        try (LibraryHarness h = LibraryHarness.start(RUNBOOK)) {
            LibraryHarness.Run run = h.run("cloudwatch-rds-write-latency.json");

            assertThat(run.params()).containsEntry("action", "failover");
            assertThat(run.status()).as(run.result().state().message()).isEqualTo(RunStatus.SUCCEEDED);
            assertThat(run.asked()).singleElement().satisfies(p -> assertThat(p.text()).isEqualTo("eu-west-1: fail orders-db over from "
                    + "eu-west-1a to its standby in eu-west-1b (connections drop for a minute or two)?"));
            h.aws().verify(1, call("RebootDBInstance", "ForceFailover=true"));
            h.aws().verify(0, call("ModifyDBInstance"));
            assertThat(run.step("available").outputs().path("zone").asText()).isEqualTo("eu-west-1b");
        }
    }

    @Test
    void when_rds_refuses_to_grow_the_volume_the_autoscaling_the_run_turned_on_is_turned_off_again() throws Exception {
        try (LibraryHarness h = LibraryHarness.start(RUNBOOK).stub("cases/grow-refused.json")) {
            LibraryHarness.Run run = h.run("cloudwatch-rds-free-storage-space.json");

            assertThat(run.status()).isEqualTo(RunStatus.FAILED);
            assertThat(run.step("grow").message()).startsWith("rds:ModifyDBInstance failed: InvalidParameterCombination (HTTP 400): "
                    + "You can't currently modify the storage");
            assertThat(run.started()).endsWith("autoscale", "grow", "autoscale-off/for-autoscale");
            assertThat(run.step("autoscale-off/for-autoscale").status()).isEqualTo(StepStatus.SUCCEEDED);
            assertThat(h.aws().findAll(call("ModifyDBInstance"))).hasSize(3);
            h.aws().verify(1, call("ModifyDBInstance", "MaxAllocatedStorage=100", "ApplyImmediately=true"));
            assertThat(run.record()).contains("**Succeeded** as rollback for `autoscale` · `autoscale-off`");
        }
    }
}
