package dev.opsbook.library;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.matching.RequestPatternBuilder;
import dev.opsbook.engine.Interaction;
import dev.opsbook.engine.RunStatus;
import dev.opsbook.engine.StepStatus;
import org.junit.jupiter.api.Test;

/** runbooks/library/acm-certificate-expiring.md, started by ACM's approaching-expiration event, ACM served by WireMock. */
class AcmCertificateExpiringTest {

    private static final String RUNBOOK = "acm-certificate-expiring";
    private static final String EVENT = "acm-certificate-approaching-expiration.json";
    private static final String OLD = "arn:aws:acm:eu-west-1:123456789012:certificate/61f50cd4-45b9-4259-b049-d0a53682fa4b";
    private static final String NEW = "arn:aws:acm:eu-west-1:123456789012:certificate/0c4e9a7b-3d21-4f86-9b5e-a17d2c8f6e30";

    private static RequestPatternBuilder call(String operation) {
        return postRequestedFor(urlEqualTo("/")).withHeader("X-Amz-Target", equalTo("CertificateManager." + operation));
    }

    @Test
    void an_email_validated_certificate_nobody_approved_gets_a_dns_validated_replacement_after_an_approval() throws Exception {
        try (LibraryHarness h = LibraryHarness.start(RUNBOOK)) {
            LibraryHarness.Run run = h.run(EVENT);

            assertThat(run.matched()).containsExactly(RUNBOOK);
            assertThat(run.params()).containsEntry("certificateArn", OLD).containsEntry("daysToExpiry", "31").containsEntry("region", "eu-west-1");
            assertThat(run.status()).as(run.result().state().message()).isEqualTo(RunStatus.SUCCEEDED);
            assertThat(run.step("diagnosis").outputs().path("case").asText()).isEqualTo("replace");
            assertThat(run.asked()).extracting(Interaction.Prompt::stepId).containsExactly("go", "add-records", "swap");
            assertThat(run.asked().get(1).text()).contains(
                    "_3a7f1c9e2b4d6a8c.shop.example.com. CNAME _9e1d4b7a2c5f8e3a.mhbtsbpdnt.acm-validations.aws.");
            assertThat(run.asked().get(2).text()).contains(NEW).contains("loadbalancer/app/shop/50dc6c495c0c9188");
            h.aws().verify(1, call("RequestCertificate").withRequestBody(equalToJson("""
                    {"DomainName": "shop.example.com", "SubjectAlternativeNames": ["shop.example.com", "www.shop.example.com"],
                     "ValidationMethod": "DNS", "Tags": [{"Key": "replaces", "Value": "%s"}]}""".formatted(OLD))));
            h.aws().verify(0, call("DeleteCertificate"));
        }
    }

    @Test
    void when_nobody_can_add_the_dns_records_the_unused_replacement_is_deleted() throws Exception {
        try (LibraryHarness h = LibraryHarness.start(RUNBOOK).answer("add-records", false)) {
            LibraryHarness.Run run = h.run(EVENT);

            assertThat(run.status()).isEqualTo(RunStatus.FAILED);
            assertThat(run.step("add-records").message()).startsWith("not done by oncall");
            assertThat(run.started()).endsWith("delete-replacement/for-request");
            assertThat(run.step("delete-replacement/for-request").status()).isEqualTo(StepStatus.SUCCEEDED);
            h.aws().verify(1, call("DeleteCertificate").withRequestBody(equalToJson("{\"CertificateArn\": \"" + NEW + "\"}")));
        }
    }

    @Test
    void a_dns_validated_renewal_waiting_for_its_records_is_helped_and_awaited_without_a_new_request() throws Exception {
        try (LibraryHarness h = LibraryHarness.start(RUNBOOK).stub("cases/dns-renewal.json")) {
            LibraryHarness.Run run = h.run(EVENT);

            assertThat(run.status()).as(run.result().state().message()).isEqualTo(RunStatus.SUCCEEDED);
            assertThat(run.step("diagnosis").outputs().path("case").asText()).isEqualTo("acm-renews");
            assertThat(run.asked()).singleElement().satisfies(p -> assertThat(p.stepId()).isEqualTo("restore-records"));
            assertThat(run.step("renewed").status()).isEqualTo(StepStatus.SUCCEEDED);
            h.aws().verify(0, call("RequestCertificate"));
            h.aws().verify(2, call("DescribeCertificate").withRequestBody(containing(OLD)));
        }
    }
}
