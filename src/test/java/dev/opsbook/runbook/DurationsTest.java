package dev.opsbook.runbook;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class DurationsTest {

    @ParameterizedTest(name = "{0} is {1} ms")
    @CsvSource({
            "500ms, 500",
            "30s, 30000",
            "5m, 300000",
            "2h, 7200000",
            "1d, 86400000",
            "1h30m, 5400000",
            "1m500ms, 60500",
            "0s, 0",
            "' 45s ', 45000",
    })
    void a_duration_written_with_units_is_read_as_their_sum(String text, long millis) {
        assertThat(Durations.parse(text)).contains(Duration.ofMillis(millis));
    }

    @Test
    void a_bare_number_is_seconds() {
        assertThat(Durations.parse("90")).contains(Duration.ofSeconds(90));
    }

    @ParameterizedTest(name = "''{0}'' is not a duration")
    @ValueSource(strings = {"", "   ", "forever", "5min", "1.5s", "-5s", "5M", "5m30", "s", "30 s", "m5", "5m 30s"})
    void text_that_is_not_a_duration_is_refused(String text) {
        assertThat(Durations.parse(text)).isEmpty();
    }

    @ParameterizedTest(name = "''{0}'' is refused, not thrown")
    @ValueSource(strings = {"99999999999999999999", "99999999999999999999s", "9999999999999999d", "99999999999999999s"})
    void a_duration_too_long_to_wait_for_is_refused_rather_than_thrown(String text) {
        assertThat(Durations.parse(text)).isEmpty();
    }

    @Test
    void the_longest_duration_accepted_still_fits_in_milliseconds() {
        assertThat(Durations.parse("1000000d")).contains(Duration.ofDays(1_000_000));
    }

    @ParameterizedTest(name = "{0} ms reads as ''{1}''")
    @CsvSource({
            "350, 350 ms",
            "999, 999 ms",
            "1000, 1.0 s",
            "1234, 1.2 s",
            "65000, 1 m 5 s",
            "3599000, 59 m 59 s",
            "3700000, 1 h 1 m",
    })
    void a_duration_is_formatted_for_people(long millis, String text) {
        assertThat(Durations.format(Duration.ofMillis(millis))).isEqualTo(text);
    }

    @ParameterizedTest(name = "''{0}'' is written back as it reads")
    @CsvSource({"500ms", "30s", "20m", "1h30m", "2d", "1m5s250ms"})
    void a_duration_is_written_back_in_the_form_a_runbook_uses(String text) {
        assertThat(Durations.written(Durations.parse(text).orElseThrow())).isEqualTo(text);
    }
}
