package dev.opsbook.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class RunIdsTest {

    @Test
    void twenty_thousand_runs_started_in_one_second_get_twenty_thousand_ids() {
        Supplier<String> ids = RunIds.from(Clock.fixed(Instant.parse("2026-11-23T16:03:05Z"), ZoneOffset.UTC));
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 20_000; i++) {
            seen.add(ids.get());
        }
        assertThat(seen).hasSize(20_000);
        assertThat(seen.iterator().next()).matches("20261123-160305-[0-9a-f]{12}");
    }
}
