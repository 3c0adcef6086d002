package dev.opsbook.runbook;

import java.util.Optional;

/**
 * {@code escalation:} whom to tell when limits or a busy key suppress a run: an SNS topic, a
 * webhook, or both (at least one).
 *
 * @param sns the ARN of an SNS topic
 * @param webhook an http(s) URL; it may hold templates such as a secret token ({@code {{ secret:ssm:/hooks/oncall }}})
 */
public record Escalation(Optional<String> sns, Optional<String> webhook, Position position) {
}
