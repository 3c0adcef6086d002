package dev.opsbook.record;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opsbook.engine.Engine;
import dev.opsbook.engine.Fixtures;
import dev.opsbook.engine.RunListener;
import dev.opsbook.engine.RunRequest;
import dev.opsbook.engine.RunResult;
import dev.opsbook.steps.StandardSteps;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Records compared whole with files under src/test/resources/records/. The clock is fixed, so
 * times and durations are too. After an intended change, regenerate with
 * {@code ./mvnw test -Dtest=GoldenRecordTest -Dopsbook.golden.update=true} and review the diff.
 */
class GoldenRecordTest {

    private static final Path GOLDEN = Path.of("src/test/resources/records");

    @TempDir
    Path workDir;

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "rollback-after-failure, engine/rollback.md, failAt=switch",
            "conditions-and-outputs, engine/conditions.md, ",
            "manual-and-approval, engine/people.md, ",
            "retries, engine/retry.md, ",
    })
    void the_record_of_a_run_matches_its_golden_file(String name, String fixture, String param) throws Exception {
        Map<String, String> params = param == null ? Map.of() : Map.of(param.split("=")[0], param.split("=")[1]);
        Clock clock = Clock.fixed(Instant.parse("2026-11-23T03:00:00Z"), ZoneOffset.UTC);
        Engine engine = new Engine(StandardSteps.all(), clock, () -> "20261123-030000-0001");
        RunRequest request = new RunRequest(Fixtures.load(fixture), params, "oncall", "cli",
                prompt -> new dev.opsbook.engine.Interaction.Answer(true, "alice", "", clock.instant(), "terminal"),
                Optional.empty(), workDir);
        RunResult result = engine.run(request, RunListener.NONE);

        String record = MarkdownRecord.render(result);
        Path golden = GOLDEN.resolve(name + ".md");
        if (Boolean.getBoolean("opsbook.golden.update")) {
            Files.writeString(golden, record, StandardCharsets.UTF_8);
        }
        assertThat(golden).as("golden file; create it with -Dopsbook.golden.update=true").exists();
        assertThat(record).isEqualTo(Files.readString(golden, StandardCharsets.UTF_8));
    }
}
