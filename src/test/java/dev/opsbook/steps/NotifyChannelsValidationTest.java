package dev.opsbook.steps;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opsbook.graph.RunbookLoader;
import dev.opsbook.runbook.Diagnostic;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A notify step's pagerduty, email and severity are checked when the runbook loads, each error at its place. */
class NotifyChannelsValidationTest {

    private static List<String> diagnostics(String body) {
        String text = "# Tell\n\n```notify id=tell\nmessage: hello\n" + body + "```\n";
        return new RunbookLoader(StandardSteps.all().catalog()).load("tell.md", text).diagnostics().stream().map(Diagnostic::toString).toList();
    }

    @Test
    void pagerduty_and_email_alone_are_places_to_send() {
        assertThat(diagnostics("pagerduty: \"{{ secret:ssm:/opsbook/pagerduty-key }}\"\n")).isEmpty();
        assertThat(diagnostics("email: oncall@example.com\n")).isEmpty();
        assertThat(diagnostics("email: [oncall@example.com, lead@example.com]\nseverity: warning\n")).isEmpty();
    }

    @Test
    void a_step_with_no_channel_lists_all_four() {
        assertThat(diagnostics("subject: hi\n")).singleElement().asString().contains("tell.md:3:")
                .contains("'sns:' (a topic ARN), 'webhook:' (a URL), 'pagerduty:' (a routing key) and/or 'email:' (addresses)");
    }

    @Test
    void an_address_that_is_not_one_is_an_error_at_that_address() {
        assertThat(diagnostics("email: [oncall@example.com, oncall]\n")).singleElement().asString()
                .startsWith("tell.md:5:").contains("error: email must be an address or a list of them, e.g. oncall@example.com");
    }

    @Test
    void a_severity_pagerduty_does_not_know_and_an_empty_routing_key_are_errors() {
        assertThat(diagnostics("pagerduty: \"\"\nseverity: urgent\n")).containsExactlyInAnyOrder(
                "tell.md:5:12: error: pagerduty must be a routing (integration) key, e.g. \"{{ secret:ssm:/opsbook/pagerduty-key }}\"",
                "tell.md:6:11: error: severity must be critical, error, warning or info (PagerDuty's)");
    }
}
