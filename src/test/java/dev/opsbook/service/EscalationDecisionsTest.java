package dev.opsbook.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which tier is due, decided from the occasion, the tiers' afters, the tiers told and whether anyone acted. */
class EscalationDecisionsTest {

    private static final Instant T0 = Instant.parse("2026-11-23T03:00:00Z");
    private static final List<Duration> TIERS = List.of(Duration.ZERO, Duration.ofMinutes(15), Duration.ofMinutes(30));

    @Test
    void tier_1_is_due_at_once_and_each_next_tier_its_after_past_the_one_before() {
        assertThat(TierDecisions.decide(TIERS, T0, Map.of(), false, T0)).isEqualTo(new TierDecisions.Tell(0));
        Map<Integer, Instant> first = Map.of(0, T0.plusSeconds(2));
        assertThat(TierDecisions.decide(TIERS, T0, first, false, T0.plusSeconds(60)))
                .isEqualTo(new TierDecisions.WaitUntil(T0.plusSeconds(2).plus(Duration.ofMinutes(15))));
        assertThat(TierDecisions.decide(TIERS, T0, first, false, T0.plusSeconds(2).plus(Duration.ofMinutes(15))))
                .isEqualTo(new TierDecisions.Tell(1));
        Map<Integer, Instant> two = Map.of(0, T0, 1, T0.plus(Duration.ofMinutes(20)));
        assertThat(TierDecisions.decide(TIERS, T0, two, false, T0.plus(Duration.ofMinutes(49))))
                .as("30 minutes after tier 2 was told, not after tier 2 was due").isInstanceOf(TierDecisions.WaitUntil.class);
        assertThat(TierDecisions.decide(TIERS, T0, two, false, T0.plus(Duration.ofMinutes(50)))).isEqualTo(new TierDecisions.Tell(2));
    }

    @Test
    void nothing_more_is_told_once_someone_acted_or_every_tier_was_told() {
        assertThat(TierDecisions.decide(TIERS, T0, Map.of(0, T0), true, T0.plus(Duration.ofDays(1)))).isInstanceOf(TierDecisions.Done.class);
        assertThat(TierDecisions.decide(TIERS, T0, Map.of(0, T0, 1, T0, 2, T0), false, T0.plus(Duration.ofDays(1))))
                .isInstanceOf(TierDecisions.Done.class);
    }

    @Test
    void a_waiting_steps_timeout_holds_tier_1_back_until_it_has_passed() {
        Instant clockStarts = T0.plus(Duration.ofMinutes(10));
        assertThat(TierDecisions.decide(TIERS, clockStarts, Map.of(), false, T0.plusSeconds(599))).isInstanceOf(TierDecisions.WaitUntil.class);
        assertThat(TierDecisions.decide(TIERS, clockStarts, Map.of(), false, T0.plusSeconds(600))).isEqualTo(new TierDecisions.Tell(0));
    }

    @Test
    void a_failed_delivery_is_retried_after_5_s_doubling_up_to_5_minutes() {
        assertThat(TierDecisions.retryAt(1, T0)).isEqualTo(T0.plusSeconds(5));
        assertThat(TierDecisions.retryAt(2, T0)).isEqualTo(T0.plusSeconds(10));
        assertThat(TierDecisions.retryAt(4, T0)).isEqualTo(T0.plusSeconds(40));
        assertThat(TierDecisions.retryAt(30, T0)).isEqualTo(T0.plus(Duration.ofMinutes(5)));
    }

    @Test
    void pagerduty_hears_of_one_incident_per_run_and_step() {
        assertThat(Occasions.dedupKey("r1", "waiting:allow@1764644400000")).isEqualTo("opsbook/r1/allow");
        assertThat(Occasions.dedupKey("r1", "attention:deploy[2]@1764644400000")).isEqualTo("opsbook/r1/deploy[2]");
        assertThat(Occasions.dedupKey("r1", "failed@1764644400000")).isEqualTo("opsbook/r1/failed");
    }
}
