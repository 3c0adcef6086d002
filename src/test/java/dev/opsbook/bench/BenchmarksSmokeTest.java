package dev.opsbook.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The benchmarks in smoke mode: tiny sizes, no figures judged, so the runner cannot rot unnoticed. */
class BenchmarksSmokeTest {

    @Test
    void every_benchmark_runs_in_smoke_mode_and_gives_rows() throws Exception {
        for (Benchmark benchmark : Benchmarks.all()) {
            List<Row> rows = benchmark.run(true);
            assertThat(rows).as(benchmark.name()).isNotEmpty();
            assertThat(rows).allSatisfy(row -> assertThat(row.opsbook()).isNotBlank());
        }
        assertThat(Benchmarks.table(List.of(new Row("1 parse", "files/s", "10", "12", "1.2×", "≤ 1.5×", true, "")))).contains("| 1 | parse | files/s |");
        Row stopped = Benchmarks.failed(Benchmarks.all().get(0), new IllegalStateException("not within 180 s: every probe's run finished\nmore"));
        assertThat(Benchmarks.table(List.of(stopped))).as("a benchmark that cannot finish is a row saying why, the others still run")
                .contains("did not finish").contains("IllegalStateException: not within 180 s: every probe's run finished |");
    }
}
