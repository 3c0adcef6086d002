package dev.opsbook.service;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Which tier of an escalation is due, from the occasion, the tiers' {@code after}s, the tiers told so far and whether anyone
 * acted (pure: the store's claims make it happen once). Tier 1 is due {@code after} its own delay from when the occasion's
 * clock starts; each next tier {@code after} its delay from when the tier before it was told, as long as nobody acted.
 */
final class TierDecisions {

    /** What to do now. */
    sealed interface Decision {
    }

    /** Tell tier {@code tier} (0-based) now. */
    record Tell(int tier) implements Decision {
    }

    /** Nothing yet; the next tier is due at {@code at}. */
    record WaitUntil(Instant at) implements Decision {
    }

    /** Every tier was told, or someone acted: nothing more to tell. */
    record Done(String why) implements Decision {
    }

    private static final Duration FIRST_RETRY = Duration.ofSeconds(5);
    private static final Duration LONGEST_RETRY = Duration.ofMinutes(5);

    private TierDecisions() {
    }

    /**
     * @param afters each tier's {@code after}, in order
     * @param clockStarts when the occasion's escalation starts (the wait's beginning, plus its step's timeout)
     * @param told when each tier told so far was told, by 0-based tier
     * @param acted someone approved, rejected, resolved, cancelled or acknowledged
     */
    static Decision decide(List<Duration> afters, Instant clockStarts, Map<Integer, Instant> told, boolean acted, Instant now) {
        if (acted) {
            return new Done("someone acted");
        }
        int next = 0;
        while (told.containsKey(next)) {
            next++;
        }
        if (next >= afters.size()) {
            return new Done("every tier was told");
        }
        Instant due = (next == 0 ? clockStarts : told.get(next - 1)).plus(afters.get(next));
        return due.isAfter(now) ? new WaitUntil(due) : new Tell(next);
    }

    /** When a delivery that failed {@code attempts} times is tried again: 5 s, doubling, at most 5 minutes apart. */
    static Instant retryAt(int attempts, Instant now) {
        Duration wait = FIRST_RETRY.multipliedBy(1L << Math.min(Math.max(attempts - 1, 0), 10));
        return now.plus(wait.compareTo(LONGEST_RETRY) > 0 ? LONGEST_RETRY : wait);
    }
}
