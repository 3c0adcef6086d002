package dev.opsbook.runbook;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One tier of an escalation: whom to tell, and how long after the tier before it was told (when nobody acted).
 * At least one channel.
 *
 * @param after how long after the previous tier was told; tier 1: {@link Duration#ZERO} unless given
 * @param sns the ARN of an SNS topic
 * @param webhook an http(s) URL; it may hold templates such as a secret token ({@code {{ secret:ssm:/hooks/oncall }}})
 * @param pagerduty a PagerDuty Events API v2 routing (integration) key, usually a {@code {{ secret:... }}} template
 * @param email addresses to send to through SES
 */
public record EscalationTier(Duration after, Optional<String> sns, Optional<String> webhook, Optional<String> pagerduty,
                             List<String> email, Position position) {

    /** The channels a tier may name, as written in a runbook. */
    public static final List<String> CHANNELS = List.of("sns", "webhook", "pagerduty", "email");

    public EscalationTier {
        email = List.copyOf(email);
    }

    /** The channels this tier names, in {@link #CHANNELS} order. */
    public List<String> channels() {
        List<String> named = new ArrayList<>();
        sns.ifPresent(s -> named.add("sns"));
        webhook.ifPresent(w -> named.add("webhook"));
        pagerduty.ifPresent(p -> named.add("pagerduty"));
        if (!email.isEmpty()) {
            named.add("email");
        }
        return named;
    }
}
