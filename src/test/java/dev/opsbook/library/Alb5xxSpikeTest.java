package dev.opsbook.library;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.matching.RequestPatternBuilder;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.opsbook.engine.RunStatus;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** runbooks/library/alb-5xx-spike.md, started by a load balancer's target 5xx alarm, ELB and CloudWatch served by WireMock. */
class Alb5xxSpikeTest {

    private static final String RUNBOOK = "alb-5xx-spike";
    private static final String WEB_GROUP = "TargetGroupArn=arn%3Aaws%3Aelasticloadbalancing%3Aeu-west-1%3A123456789012%3Atargetgroup%2Fweb%2F6d0ecf831eec9f09";

    private static RequestPatternBuilder call(String action) {
        return postRequestedFor(urlEqualTo("/")).withRequestBody(containing("Action=" + action));
    }

    private static String target(LoggedRequest request) {
        String body = request.getBodyAsString();
        return body.replaceAll(".*Targets\\.member\\.1\\.Id=([^&]+).*", "$1") + ":" + body.replaceAll(".*Targets\\.member\\.1\\.Port=([0-9]+).*", "$1");
    }

    @Test
    void the_unhealthy_targets_of_a_group_that_has_healthy_ones_are_deregistered_and_a_group_with_none_is_left_alone() throws Exception {
        try (LibraryHarness h = LibraryHarness.start(RUNBOOK)) {
            LibraryHarness.Run run = h.run("cloudwatch-alb-target-5xx.json");

            assertThat(run.matched()).containsExactly(RUNBOOK);
            assertThat(run.params()).isEqualTo(Map.of("loadBalancer", "app/web-alb/50dc6c495c0c9188", "account", "123456789012",
                    "alarm", "web-alb-target-5xx", "metric", "HTTPCode_Target_5XX_Count", "region", "eu-west-1"));
            assertThat(run.status()).as(run.result().state().message()).isEqualTo(RunStatus.SUCCEEDED);
            assertThat(run.asked()).singleElement().satisfies(p -> assertThat(p.text()).isEqualTo("web-alb (HTTPCode_Target_5XX_Count): "
                    + "deregister 2 unhealthy target(s): i-0a1b2c3d4e5f60002:8080 in web (Target.ResponseCodeMismatch), "
                    + "i-0a1b2c3d4e5f60004:8080 in web (Target.Timeout)?"));
            h.aws().verify(2, call("DescribeTargetHealth"));
            assertThat(h.aws().findAll(call("DeregisterTargets"))).allSatisfy(r -> assertThat(r.getBodyAsString()).contains(WEB_GROUP))
                    .extracting(Alb5xxSpikeTest::target).containsExactly("i-0a1b2c3d4e5f60002:8080", "i-0a1b2c3d4e5f60004:8080");
            h.aws().verify(0, call("RegisterTargets"));
            assertThat(run.step("plan").outputs().path("kept").get(0).asText()).isEqualTo("api: all 2 targets unhealthy, the application is at fault");
        }
    }

    @Test
    void when_the_alarm_cannot_be_seen_clearing_every_deregistered_target_is_registered_again_last_first() throws Exception {
        try (LibraryHarness h = LibraryHarness.start(RUNBOOK).stub("cases/alarm-unreadable.json")) {
            LibraryHarness.Run run = h.run("cloudwatch-alb-target-5xx.json");

            assertThat(run.status()).isEqualTo(RunStatus.FAILED);
            assertThat(run.step("cleared").message()).startsWith("cloudwatch:DescribeAlarms failed: AccessDenied (HTTP 403)");
            assertThat(run.started()).endsWith("deregister[0]", "deregister[1]", "cleared", "register-again/for-deregister[1]",
                    "register-again/for-deregister[0]");
            assertThat(h.aws().findAll(call("RegisterTargets"))).allSatisfy(r -> assertThat(r.getBodyAsString()).contains(WEB_GROUP))
                    .extracting(Alb5xxSpikeTest::target).containsExactly("i-0a1b2c3d4e5f60004:8080", "i-0a1b2c3d4e5f60002:8080");
            assertThat(run.record()).contains("as rollback for `deregister");
        }
    }
}
