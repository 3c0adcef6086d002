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

/** runbooks/library/ec2-status-check-failed.md, started by the status-check alarm's event, EC2 served by WireMock. */
class Ec2StatusCheckFailedTest {

    private static final String RUNBOOK = "ec2-status-check-failed";
    private static final String EVENT = "cloudwatch-ec2-status-check-failed.json";
    private static final String INSTANCE = "i-0abcd1234ef567890";

    private static RequestPatternBuilder call(String action) {
        String member = action.equals("CreateTags") ? "ResourceId.1=" : "InstanceId.1=";
        return postRequestedFor(urlEqualTo("/")).withRequestBody(containing("Action=" + action))
                .withRequestBody(containing(member + INSTANCE));
    }

    @Test
    void the_alarm_maps_the_instance_and_region_and_an_instance_whose_own_check_fails_is_rebooted_not_moved() throws Exception {
        try (LibraryHarness h = LibraryHarness.start(RUNBOOK).stub("cases/instance-check-failed.json")) {
            LibraryHarness.Run run = h.run(EVENT);

            assertThat(run.matched()).containsExactly(RUNBOOK);
            assertThat(run.params()).isEqualTo(Map.of("instanceId", "i-0abcd1234ef567890", "region", "eu-west-1",
                    "alarm", "web-1-status-check-failed"));
            assertThat(run.status()).as(run.result().state().message()).isEqualTo(RunStatus.SUCCEEDED);
            assertThat(run.asked()).singleElement().satisfies(p -> assertThat(p.text()).isEqualTo(
                    "i-0abcd1234ef567890 (web-1) in eu-west-1: system check ok, instance check impaired. Reboot it?"));
            h.aws().verify(1, call("RebootInstances"));
            h.aws().verify(0, call("StopInstances"));
            h.aws().verify(0, call("StartInstances"));
            h.aws().verify(1, call("CreateTags").withRequestBody(containing("Tag.1.Key=opsbook%3Alast-recovery")));
            assertThat(run.step("stop").status()).isEqualTo(StepStatus.SKIPPED);
            assertThat(run.record()).contains("`ec2:RebootInstances` in eu-west-1 → HTTP 200, request id `req-reboot`")
                    .contains("Approved by **oncall**");
        }
    }

    @Test
    void an_impaired_host_is_left_by_a_stop_and_start_and_nothing_changes_before_the_approval() throws Exception {
        try (LibraryHarness h = LibraryHarness.start(RUNBOOK).stub("cases/system-check-failed.json").answer("go", false)) {
            LibraryHarness.Run refused = h.run(EVENT);

            assertThat(refused.status()).isEqualTo(RunStatus.FAILED);
            assertThat(refused.asked()).singleElement().satisfies(p -> assertThat(p.text()).endsWith(
                    "system check impaired, instance check impaired. Stop and start it on a new host (its public IP changes)?"));
            for (String action : new String[] {"RebootInstances", "StopInstances", "StartInstances", "CreateTags"}) {
                h.aws().verify(0, call(action));
            }
        }
        try (LibraryHarness h = LibraryHarness.start(RUNBOOK).stub("cases/system-check-failed.json")) {
            LibraryHarness.Run run = h.run(EVENT);

            assertThat(run.status()).as(run.result().state().message()).isEqualTo(RunStatus.SUCCEEDED);
            assertThat(run.started()).containsSubsequence("stop", "stopped", "start", "healthy", "tag").doesNotContain("reboot");
            h.aws().verify(1, call("StopInstances"));
            h.aws().verify(1, call("StartInstances"));
            h.aws().verify(0, call("RebootInstances"));
        }
    }

    @Test
    void when_a_step_after_the_stop_fails_the_rollback_starts_the_instance_again() throws Exception {
        try (LibraryHarness h = LibraryHarness.start(RUNBOOK).stub("cases/system-check-failed.json").stub("cases/tagging-denied.json")) {
            LibraryHarness.Run run = h.run(EVENT);

            assertThat(run.status()).isEqualTo(RunStatus.FAILED);
            assertThat(run.step("tag").message()).startsWith("ec2:CreateTags failed: UnauthorizedOperation (HTTP 403)");
            assertThat(run.started()).endsWith("start-again/for-stop");
            assertThat(run.step("start-again/for-stop").status()).isEqualTo(StepStatus.SUCCEEDED);
            h.aws().verify(2, call("StartInstances"));
            assertThat(run.record()).contains("**Succeeded** as rollback for `stop` · `start-again`")
                    .contains("`ec2:CreateTags` in eu-west-1 → HTTP 403, request id `req-tag-denied`, **UnauthorizedOperation**");
        }
    }
}
