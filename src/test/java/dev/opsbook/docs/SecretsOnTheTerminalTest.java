package dev.opsbook.docs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opsbook.cli.RunCommand;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** docs/FORMAT.md promises that a secret is masked in progress lines, not only in the record. */
class SecretsOnTheTerminalTest {

    @Test
    void a_secret_a_failing_step_prints_is_masked_in_the_progress_lines(@TempDir Path dir) throws Exception {
        Path runbook = dir.resolve("leaky.md");
        Files.writeString(runbook, """
                ---
                title: Leaky login
                parameters:
                  token: { type: secret }
                ---
                ```shell id=login
                echo "login refused for token $token" >&2
                exit 1
                ```
                """);
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.out;
        int exit;
        try {
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            exit = new CommandLine(new RunCommand()).execute(runbook.toString(), "--param", "token=hunter22",
                    "--record-dir", dir.resolve("records").toString(), "--store", dev.opsbook.store.JdbcRunStore.embeddedUrl(dir.resolve("store")));
        } finally {
            System.setOut(original);
        }
        String progress = captured.toString(StandardCharsets.UTF_8);

        assertThat(exit).isEqualTo(1);
        assertThat(progress)
                .contains("login failed")
                .contains("login refused for token ********")
                .contains("run failed: step 'login' failed: exit code 1: login refused for token ********")
                .doesNotContain("hunter22");
        try (Stream<Path> records = Files.walk(dir.resolve("records"))) {
            Path record = records.filter(p -> p.toString().endsWith(".md")).findFirst().orElseThrow();
            assertThat(Files.readString(record)).contains("login refused for token ********").doesNotContain("hunter22");
        }
    }
}
