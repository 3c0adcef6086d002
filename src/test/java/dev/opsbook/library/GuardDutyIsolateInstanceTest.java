package dev.opsbook.library;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.matching.RequestPatternBuilder;
import dev.opsbook.engine.RunStatus;
import dev.opsbook.engine.StepStatus;
import org.junit.jupiter.api.Test;

/** runbooks/library/guardduty-isolate-instance.md, started by a GuardDuty finding on an instance, GuardDuty and EC2 served by WireMock. */
class GuardDutyIsolateInstanceTest {

    private static final String RUNBOOK = "guardduty-isolate-instance";
    private static final String EVENT = "guardduty-finding-ec2-instance.json";
    private static final String ENI = "NetworkInterfaceId=eni-0f1e2d3c4b5a69788";

    private static RequestPatternBuilder ec2(String action) {
        return postRequestedFor(urlEqualTo("/")).withRequestBody(containing("Action=" + action));
    }

    private static RequestPatternBuilder quarantined() {
        return ec2("ModifyNetworkInterfaceAttribute").withRequestBody(containing(ENI))
                .withRequestBody(containing("SecurityGroupId.1=sg-0q1u2a3r4a5n6t7i8"));
    }

    private static RequestPatternBuilder restored() {
        return ec2("ModifyNetworkInterfaceAttribute").withRequestBody(containing(ENI))
                .withRequestBody(containing("SecurityGroupId.1=sg-0aa11bb22cc33dd44"))
                .withRequestBody(containing("SecurityGroupId.2=sg-0ee55ff66aa77bb88"));
    }

    @Test
    void a_high_severity_finding_snapshots_every_volume_then_quarantines_and_tags_the_instance() throws Exception {
        try (LibraryHarness h = LibraryHarness.start(RUNBOOK)) {
            LibraryHarness.Run run = h.run(EVENT);

            assertThat(run.matched()).containsExactly(RUNBOOK);
            assertThat(run.params()).containsEntry("instanceId", "i-0c9d8e7f6a5b40312").containsEntry("severity", "8")
                    .containsEntry("findingType", "Backdoor:EC2/C&CActivity.B").containsEntry("detectorId", "f2baedb0ac74f8f42fc929e15f56da6a");
            assertThat(run.status()).as(run.result().state().message()).isEqualTo(RunStatus.SUCCEEDED);
            assertThat(run.asked()).singleElement().satisfies(p -> assertThat(p.text()).contains(
                    "snapshot 2 volume(s), then move its 1 network interface(s) from their groups to sg-0q1u2a3r4a5n6t7i8?"));
            h.aws().verify(1, postRequestedFor(urlEqualTo("/detector/f2baedb0ac74f8f42fc929e15f56da6a/findings/get")));
            h.aws().verify(1, ec2("CreateSnapshot").withRequestBody(containing("VolumeId=vol-0123456789abcdef0")));
            h.aws().verify(1, ec2("CreateSnapshot").withRequestBody(containing("VolumeId=vol-0fedcba9876543210")));
            h.aws().verify(1, ec2("ModifyNetworkInterfaceAttribute"));
            h.aws().verify(1, quarantined());
            h.aws().verify(1, ec2("CreateTags").withRequestBody(containing("Tag.2.Value=16afba5c5c43e07c9e3e5e2e544e95df"))
                    .withRequestBody(containing("Tag.3.Value=sg-0aa11bb22cc33dd44%2Csg-0ee55ff66aa77bb88")));
            assertThat(run.started()).containsSubsequence("snapshot[0]", "snapshot[1]", "isolate[0]", "tag");
        }
    }

    @Test
    void when_tagging_fails_after_the_move_the_rollback_gives_the_interface_its_groups_back_and_keeps_the_snapshots() throws Exception {
        try (LibraryHarness h = LibraryHarness.start(RUNBOOK).stub("cases/tagging-denied.json")) {
            LibraryHarness.Run run = h.run(EVENT);

            assertThat(run.status()).isEqualTo(RunStatus.FAILED);
            assertThat(run.step("tag").message()).startsWith("ec2:CreateTags failed: UnauthorizedOperation (HTTP 403)");
            h.aws().verify(1, quarantined());
            h.aws().verify(1, restored());
            h.aws().verify(0, ec2("DeleteSnapshot"));
            assertThat(run.started().get(run.started().size() - 1)).isEqualTo("restore-groups/for-isolate[0]");
        }
    }

    @Test
    void an_archived_finding_changes_nothing() throws Exception {
        try (LibraryHarness h = LibraryHarness.start(RUNBOOK).stub("cases/finding-archived.json")) {
            LibraryHarness.Run run = h.run(EVENT);

            assertThat(run.status()).isEqualTo(RunStatus.FAILED);
            assertThat(run.step("active").status()).isEqualTo(StepStatus.FAILED);
            assertThat(run.asked()).isEmpty();
            h.aws().verify(0, ec2("CreateSnapshot"));
            h.aws().verify(0, ec2("ModifyNetworkInterfaceAttribute"));
        }
    }
}
