package dev.opsbook.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opsbook.engine.RunStatus;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A day's figures kept as text come back the same, odd names too, and add up as the runs they count would. */
class DayFiguresTest {

    @Test
    void figures_kept_as_text_read_back_equal_whatever_the_step_names() {
        DayFigures day = new DayFigures();
        day.statuses.put(RunStatus.SUCCEEDED, 7L);
        day.statuses.put(RunStatus.WAITING, 1L);
        day.toFirstStep.add(400, 2, 55, 60, 115);
        day.toResolution.add(1_000, 1, 22_026, 22_026, 22_026);
        day.toResolution.add(990, 3, 19_930, 20_100, 60_000);
        day.failing.put("switch over", new DayFigures.Failing(2, 1, Instant.parse("2026-12-01T03:04:05.123Z")));
        day.failing.put("x%y", new DayFigures.Failing(1, 1, null));
        DayFigures.PersonCell cell = day.person(new DayFigures.Person("gate\nnext", "approve", "confirmed"));
        cell.rows = 3;
        cell.timed.add(1_200, 3, 160_000, 161_000, 482_000);
        day.person(new DayFigures.Person("ask", "person", null)).rows = 1;

        DayFigures back = new DayFigures();
        back.addText(day.toText(), back.statuses);

        assertThat(back.toText()).isEqualTo(day.toText());
        assertThat(back.statuses).isEqualTo(day.statuses);
        assertThat(back.failing).isEqualTo(day.failing);
        assertThat(back.people.keySet()).isEqualTo(day.people.keySet());
        assertThat(back.toResolution.percentile(0.5)).isEqualTo(day.toResolution.percentile(0.5));
        assertThat(back.toResolution.sum()).isEqualTo(82_026);
    }

    @Test
    void runs_by_status_can_go_to_the_days_count_while_the_rest_adds_up_per_runbook() {
        DayFigures one = new DayFigures();
        one.statuses.put(RunStatus.FAILED, 2L);
        one.toFirstStep.add(300, 1, 20, 20, 20);
        DayFigures sum = new DayFigures();
        Map<RunStatus, Long> today = new EnumMap<>(RunStatus.class);

        sum.addText(one.toText(), today);
        sum.addText(one.toText(), today);

        assertThat(today).containsEntry(RunStatus.FAILED, 4L);
        assertThat(sum.statuses).isEmpty();
        assertThat(sum.toFirstStep.count()).isEqualTo(2);
        assertThat(sum.toFirstStep.sum()).isEqualTo(40);
    }

    @Test
    void percentiles_interpolate_between_the_values_as_percentile_cont_does() {
        Histogram h = new Histogram();
        h.add(bucketOf(100), 1, 100, 100, 100);
        h.add(bucketOf(300), 1, 300, 300, 300);
        Histogram later = new Histogram();
        later.add(bucketOf(200), 1, 200, 200, 200);
        later.add(bucketOf(5), 1, 5, 5, 5);

        h.addAll(later); // 5, 100, 200, 300: buckets added below and between the ones it had

        assertThat(h.percentile(0.5)).isEqualTo(150.0);
        assertThat(h.percentile(0.0)).isEqualTo(5.0);
        assertThat(h.percentile(1.0)).isEqualTo(300.0);
        assertThat(h.count()).isEqualTo(4);
        assertThat(h.sum()).isEqualTo(605);
        Histogram copy = new Histogram();
        copy.addArray(h.toArray());
        assertThat(copy.percentile(0.9)).isEqualTo(h.percentile(0.9));
    }

    private static long bucketOf(long ms) {
        return ms < 1 ? 0 : 1 + (long) Math.floor(Math.log(ms) * 100);
    }
}
