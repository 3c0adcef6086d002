package dev.opsbook.library;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.matching.RequestPatternBuilder;
import dev.opsbook.engine.RunStatus;
import org.junit.jupiter.api.Test;

/** runbooks/library/instance-disk-full.md, started by the CloudWatch agent's disk_used_percent alarm, SSM served by WireMock. */
class InstanceDiskFullTest {

    private static final String RUNBOOK = "instance-disk-full";
    private static final String EVENT = "cloudwatch-disk-used-percent.json";

    private static RequestPatternBuilder call(String operation) {
        return postRequestedFor(urlEqualTo("/")).withHeader("X-Amz-Target", equalTo("AmazonSSM." + operation));
    }

    private static RequestPatternBuilder sendCommand(String what) {
        return call("SendCommand").withRequestBody(containing(": " + what + " /\""))
                .withRequestBody(containing("\"InstanceIds\":[\"i-0a1b2c3d4e5f60718\"]"))
                .withRequestBody(containing("\"DocumentName\":\"AWS-RunShellScript\""));
    }

    @Test
    void the_alarm_inspects_the_disk_shows_it_cleans_after_an_approval_and_measures_again() throws Exception {
        try (LibraryHarness h = LibraryHarness.start(RUNBOOK)) {
            LibraryHarness.Run run = h.run(EVENT);

            assertThat(run.matched()).containsExactly(RUNBOOK);
            assertThat(run.params()).containsEntry("instanceId", "i-0a1b2c3d4e5f60718").containsEntry("path", "/").containsEntry("region", "eu-west-1");
            assertThat(run.status()).as(run.result().state().message()).isEqualTo(RunStatus.SUCCEEDED);
            assertThat(run.asked()).singleElement().satisfies(p -> assertThat(p.text())
                    .contains("/dev/nvme0n1p1   20G   19G  1.4G  93% /").contains("9.8G\t/var/log/app"));
            h.aws().verify(1, sendCommand("inspect").withRequestBody(containing("df -h '/'")));
            h.aws().verify(1, sendCommand("clean").withRequestBody(containing("journalctl --vacuum-size=500M")));
            h.aws().verify(1, sendCommand("measure").withRequestBody(containing("df --output=pcent '/'")));
            assertThat(run.step("measured").outputs().path("percent").asInt()).isEqualTo(62);
        }
    }

    @Test
    void a_refused_cleanup_sends_only_the_read_only_command() throws Exception {
        try (LibraryHarness h = LibraryHarness.start(RUNBOOK).answer("go", false)) {
            LibraryHarness.Run run = h.run(EVENT);

            assertThat(run.status()).isEqualTo(RunStatus.FAILED);
            h.aws().verify(1, call("SendCommand"));
            h.aws().verify(1, sendCommand("inspect"));
        }
    }

    @Test
    void a_cleanup_that_frees_too_little_fails_the_run_so_a_person_is_told() throws Exception {
        try (LibraryHarness h = LibraryHarness.start(RUNBOOK).stub("cases/still-full.json")) {
            LibraryHarness.Run run = h.run(EVENT);

            assertThat(run.status()).isEqualTo(RunStatus.FAILED);
            assertThat(run.step("below-target").message())
                    .startsWith("/ is still 91% full after the cleanup; the space is elsewhere (see the inspection above)");
            h.aws().verify(1, sendCommand("clean"));
        }
    }

    @Test
    void an_instance_ssm_cannot_reach_gets_no_command() throws Exception {
        try (LibraryHarness h = LibraryHarness.start(RUNBOOK).stub("cases/not-managed.json")) {
            LibraryHarness.Run run = h.run(EVENT);

            assertThat(run.status()).isEqualTo(RunStatus.FAILED);
            assertThat(run.step("reachable").message()).startsWith("SSM cannot run commands on i-0a1b2c3d4e5f60718 (ping: not managed");
            h.aws().verify(0, call("SendCommand"));
        }
    }
}
