package dev.opsbook.runbook;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opsbook.steps.StandardSteps;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** escalation: as one tier (a mapping), as a list of tiers, or as a shared path's name; every mistake at its line and column. */
class EscalationTiersTest {

    private static final RunbookParser PARSER = new RunbookParser(StandardSteps.all().catalog());

    private static ParsedRunbook parse(String escalation) {
        return PARSER.parse("t.md", "---\nid: t\n" + escalation + "---\n\n```shell\ntrue\n```\n");
    }

    private static List<String> diagnostics(String escalation) {
        return parse(escalation).diagnostics().stream().map(Diagnostic::toString).toList();
    }

    @Test
    void todays_mapping_is_one_tier_told_at_once() {
        ParsedRunbook parsed = parse("escalation: { sns: \"arn:aws:sns:us-east-1:123456789012:oncall\", webhook: https://hooks.example.com/x }\n");

        assertThat(parsed.diagnostics()).isEmpty();
        Escalation escalation = parsed.runbook().escalation().orElseThrow();
        assertThat(escalation.path()).isEmpty();
        assertThat(escalation.tiers()).singleElement().satisfies(tier -> {
            assertThat(tier.after()).isZero();
            assertThat(tier.channels()).containsExactly("sns", "webhook");
        });
        assertThat(escalation.sns()).contains("arn:aws:sns:us-east-1:123456789012:oncall");
        assertThat(escalation.webhook()).contains("https://hooks.example.com/x");
        assertThat(escalation.position()).isEqualTo(new Position(3, 13));
    }

    @Test
    void a_list_of_tiers_is_read_in_order_with_each_tiers_wait_and_channels() {
        ParsedRunbook parsed = parse("""
                escalation:
                  - sns: arn:aws:sns:us-east-1:123456789012:oncall
                  - after: 15m
                    pagerduty: "{{ secret:ssm:/pagerduty/oncall }}"
                    email: lead@example.com
                  - after: 1h30m
                    webhook: "https://hooks.example.com/{{ secret:ssm:/hooks/managers }}"
                    email: [cto@example.com, vp@example.com]
                """);

        assertThat(parsed.diagnostics()).isEmpty();
        List<EscalationTier> tiers = parsed.runbook().escalation().orElseThrow().tiers();
        assertThat(tiers).extracting(EscalationTier::after)
                .containsExactly(Duration.ZERO, Duration.ofMinutes(15), Duration.ofMinutes(90));
        assertThat(tiers.get(1).pagerduty()).contains("{{ secret:ssm:/pagerduty/oncall }}");
        assertThat(tiers.get(1).email()).containsExactly("lead@example.com");
        assertThat(tiers.get(2).email()).containsExactly("cto@example.com", "vp@example.com");
        assertThat(tiers).extracting(EscalationTier::position)
                .containsExactly(new Position(4, 5), new Position(5, 5), new Position(8, 5));
        assertThat(parsed.runbook().escalation().orElseThrow().sns()).as("tier 1 answers for callers of one tier")
                .contains("arn:aws:sns:us-east-1:123456789012:oncall");
    }

    @Test
    void a_name_is_a_shared_path_whose_tiers_the_loader_reads() {
        ParsedRunbook parsed = parse("escalation: oncall\n");

        assertThat(parsed.diagnostics()).isEmpty();
        assertThat(parsed.runbook().escalation()).hasValueSatisfying(e -> {
            assertThat(e.path()).contains("oncall");
            assertThat(e.tiers()).isEmpty();
        });
    }

    @Test
    void every_mistake_in_a_tier_is_reported_where_it_was_written() {
        assertThat(diagnostics("""
                escalation:
                  - slack: https://hooks.slack.com/x
                  - after: soon
                    sns: arn:aws:sqs:us-east-1:123456789012:oncall
                  - after: -5m
                    webhook: hooks.example.com/x
                  - pagerduty: https://events.pagerduty.com/abc
                  - after: 10m
                  - after: 20m
                    email: [lead@example, 3]
                  - after: 0s
                    email: ok@example.com
                """)).containsExactly(
                "t.md:4:5: error: 'slack' is not a channel of escalation tier 1; a tier takes after: and the channels sns, webhook,"
                        + " pagerduty, email",
                "t.md:4:5: error: escalation tier 1 needs a channel: sns: (an SNS topic ARN), webhook: (an http(s) URL), pagerduty:"
                        + " (an Events API v2 routing key) or email: (addresses)",
                "t.md:5:12: error: after of escalation tier 2 must be a duration such as 30s, 15m or 1h30m, not 'soon'",
                "t.md:6:10: error: sns of escalation tier 2 must be the ARN of an SNS topic, e.g. arn:aws:sns:us-east-1:123456789012:oncall,"
                        + " not 'arn:aws:sqs:us-east-1:123456789012:oncall'",
                "t.md:7:12: error: after of escalation tier 3 is negative (-5m): it says how long after tier 2 was told to tell this"
                        + " tier, e.g. 15m",
                "t.md:8:14: error: webhook of escalation tier 3 must be an http:// or https:// URL, not 'hooks.example.com/x':"
                        + " it has no scheme",
                "t.md:9:5: error: escalation tier 4 needs after: how long after tier 3 was told, with nobody acting, to tell this"
                        + " tier (e.g. after: 15m)",
                "t.md:9:16: error: pagerduty of escalation tier 4 must be a PagerDuty Events API v2 routing key (32 letters and digits,"
                        + " the service's integration key), usually a secret reference such as \"{{ secret:ssm:/pagerduty/oncall }}\"",
                "t.md:10:5: error: escalation tier 5 needs a channel: sns: (an SNS topic ARN), webhook: (an http(s) URL), pagerduty:"
                        + " (an Events API v2 routing key) or email: (addresses)",
                "t.md:12:13: error: email of escalation tier 6 must be an address such as oncall@example.com, not 'lead@example'",
                "t.md:12:27: error: email of escalation tier 6 must be an address such as oncall@example.com, not 3",
                "t.md:13:12: error: after of escalation tier 7 is 0: this tier would be told with tier 6; put its channels in that"
                        + " tier, or wait, e.g. after: 15m");
        assertThat(parse("escalation:\n  - slak: x\n").diagnostics()).extracting(Diagnostic::message)
                .first().asString().startsWith("'slak' is not a channel of escalation tier 1; a tier takes after:");
    }

    @Test
    void a_misspelt_channel_gets_the_channel_it_meant() {
        assertThat(diagnostics("escalation:\n  - { sms: \"arn:aws:sns:us-east-1:123456789012:oncall\" }\n  - { after: 5m, pagerdty: x }\n"))
                .contains("t.md:4:7: error: 'sms' is not a channel of escalation tier 1; did you mean 'sns'?; a tier takes after:"
                                + " and the channels sns, webhook, pagerduty, email",
                        "t.md:5:18: error: 'pagerdty' is not a channel of escalation tier 2; did you mean 'pagerduty'?; a tier takes"
                                + " after: and the channels sns, webhook, pagerduty, email");
    }

    @Test
    void an_empty_list_a_bad_name_and_a_number_are_refused() {
        assertThat(diagnostics("escalation: []\n")).containsExactly(
                "t.md:3:13: error: escalation lists no tiers; give at least one, e.g. - { sns: arn:aws:sns:us-east-1:123456789012:oncall }");
        assertThat(diagnostics("escalation: ../oncall.yaml\n")).containsExactly(
                "t.md:3:13: error: escalation '../oncall.yaml' is no shared path's name: write the name of a file in escalation-paths/"
                        + " without .yaml (letters, digits, '.', '-', '_'), e.g. escalation: oncall for escalation-paths/oncall.yaml");
        assertThat(diagnostics("escalation: 5\n")).singleElement().asString()
                .startsWith("t.md:3:13: error: escalation must be one tier").endsWith("not 5");
        assertThat(parse("escalation: []\n").runbook().escalation()).isEqualTo(Optional.empty());
    }
}
