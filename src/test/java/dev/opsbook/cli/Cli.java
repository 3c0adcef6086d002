package dev.opsbook.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The packaged CLI, run as a user runs it: {@code java -jar target/quarkus-app/quarkus-run.jar ...}. */
final class Cli {

    static final Path JAR = Path.of("target/quarkus-app/quarkus-run.jar").toAbsolutePath();
    static final Path PROJECT = Path.of("").toAbsolutePath();

    record Result(int exitCode, String stdout, String stderr) {
        String all() {
            return stdout + stderr;
        }
    }

    private Cli() {
    }

    /** Environment every run gets: fake AWS credentials, so nothing can reach a real account. */
    static final java.util.Map<String, String> ENV = java.util.Map.of(
            "NO_COLOR", "1",
            "AWS_ACCESS_KEY_ID", "AKIAOPSBOOKTEST",
            "AWS_SECRET_ACCESS_KEY", "opsbook-test-secret-key",
            "AWS_EC2_METADATA_DISABLED", "true",
            "AWS_CONFIG_FILE", "/dev/null",
            "AWS_SHARED_CREDENTIALS_FILE", "/dev/null");

    static ProcessBuilder builder(Path workDir, String... args) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", JAR.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile());
        builder.environment().putAll(ENV);
        builder.environment().remove("AWS_PROFILE");
        builder.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        return builder;
    }

    static Result run(Path workDir, String... args) throws IOException, InterruptedException {
        return runWithInput(workDir, Path.of("/dev/null"), args);
    }

    /** With {@code input} as standard input. */
    static Result runWithInput(Path workDir, Path input, String... args) throws IOException, InterruptedException {
        Path out = Files.createTempFile("opsbook-cli-", ".out");
        Path err = Files.createTempFile("opsbook-cli-", ".err");
        Process process = builder(workDir, args).redirectInput(input.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("opsbook " + String.join(" ", args) + " did not finish in 60 s");
        }
        return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    static String project(String relative) {
        return PROJECT.resolve(relative).toString();
    }
}
