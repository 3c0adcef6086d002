package dev.opsbook.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@code opsbook policy} grants what every escalation tier needs, a shared path's tiers included. */
class EscalationPolicyCommandTest {

    @Test
    void every_tier_of_a_runbook_and_of_a_shared_path_is_granted_its_topic_email_and_secrets() {
        Commands.Result result = Commands.policy("src/test/resources/runbooks/escalation");

        assertThat(result.exitCode()).as(result.stderr()).isZero();
        assertThat(result.stdout().strip()).isEqualTo("""
                {
                  "Version" : "2012-10-17",
                  "Statement" : [ {
                    "Sid" : "PublishNotifications",
                    "Effect" : "Allow",
                    "Action" : "sns:Publish",
                    "Resource" : [ "arn:aws:sns:eu-west-1:123456789012:oncall", "arn:aws:sns:eu-west-1:123456789012:platform" ]
                  }, {
                    "Sid" : "SendEmailNotifications",
                    "Effect" : "Allow",
                    "Action" : "ses:SendEmail",
                    "Resource" : [ "arn:aws:ses:*:*:identity/*" ]
                  }, {
                    "Sid" : "ReadSsmParameters",
                    "Effect" : "Allow",
                    "Action" : "ssm:GetParameter",
                    "Resource" : [ "arn:aws:ssm:*:*:parameter/pagerduty/oncall" ]
                  }, {
                    "Sid" : "ReadSecrets",
                    "Effect" : "Allow",
                    "Action" : "secretsmanager:GetSecretValue",
                    "Resource" : [ "arn:aws:secretsmanager:*:*:secret:hooks/managers-??????" ]
                  } ]
                }""");
    }
}
