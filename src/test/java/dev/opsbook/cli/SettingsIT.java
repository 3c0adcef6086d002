package dev.opsbook.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Settings as README's Configuration table says: a command that never boots Quarkus reads config/application.properties and the environment as serve does. */
class SettingsIT {

    @TempDir
    Path dir;

    @Test
    void a_store_named_in_config_application_properties_is_the_one_a_command_uses() throws Exception {
        Files.createDirectories(dir.resolve("config"));
        Path named = dir.resolve("named-store");
        Files.writeString(dir.resolve("config/application.properties"), "opsbook.store=jdbc:h2:file:" + named + "\n");
        Files.writeString(dir.resolve("hello.md"), "# Hello\n\n```shell id=hi\necho hi\n```\n");

        Cli.Result run = Cli.run(dir, "run", "hello.md", "--yes");

        assertThat(run.exitCode()).as(run.all()).isZero();
        assertThat(dir.resolve("named-store.mv.db")).as("the store the file names").exists();
        assertThat(dir.resolve(".opsbook")).as("not the default store").doesNotExist();
        assertThat(Cli.run(dir, "runs").stdout()).contains("hello");
    }

    @Test
    void the_environment_wins_over_the_file() throws Exception {
        Files.createDirectories(dir.resolve("config"));
        Files.writeString(dir.resolve("config/application.properties"), "opsbook.store=jdbc:h2:file:" + dir.resolve("from-file") + "\n");
        Files.writeString(dir.resolve("hello.md"), "# Hello\n\n```shell id=hi\necho hi\n```\n");
        ProcessBuilder builder = Cli.builder(dir, "run", "hello.md", "--yes").redirectErrorStream(true);
        builder.environment().put("OPSBOOK_STORE", "jdbc:h2:file:" + dir.resolve("from-env"));
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor()).as(output).isZero();
        assertThat(dir.resolve("from-env.mv.db")).exists();
        assertThat(dir.resolve("from-file.mv.db")).doesNotExist();
    }
}
