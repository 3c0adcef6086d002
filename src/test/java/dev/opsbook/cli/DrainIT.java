package dev.opsbook.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opsbook.service.EmbeddedQueue;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * SIGTERM drains serve: the packaged jar stops taking events, lets the running step finish, lets
 * the run go and exits 0 within the grace period; a second serve on the same store takes the run
 * over at once and finishes it, the step that completed not run again.
 */
class DrainIT {

    @TempDir
    Path dir;

    private final List<Process> processes = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (Process process : processes) {
            if (process.isAlive()) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    private Process serve(String instance, List<String> output) throws Exception {
        Path log = dir.resolve(instance + ".log");
        Process serve = Cli.builder(dir, "serve", "--runbooks", "runbooks", "--port", "0", "--record-dir", "records",
                "--instance", instance, "--lease", "2s", "--drain", "20s").redirectErrorStream(true).redirectOutput(log.toFile()).start();
        processes.add(serve);
        // //why: from a file, not a pipe: what serve says while it exits is all there once it has exited
        Thread reader = new Thread(() -> {
            int seen = 0;
            while (true) {
                try {
                    boolean ended = !serve.isAlive();
                    String[] parts = Files.readString(log, StandardCharsets.UTF_8).split("\n", -1);
                    List<String> lines = List.of(parts).subList(0, parts.length - 1); // the last is a line still being written
                    for (int i = seen; i < lines.size(); i++) {
                        output.add(lines.get(i));
                        seen = i + 1;
                    }
                    if (ended) {
                        return;
                    }
                    Thread.sleep(50);
                } catch (java.io.IOException | InterruptedException e) {
                    return;
                }
            }
        });
        reader.setDaemon(true);
        reader.start();
        eventually("serve " + instance + " listens", output, () -> output.stream().anyMatch(l -> l.startsWith("http: ")));
        return serve;
    }

    /** A line of serve's log (JBoss Logging: time, level, category, thread, then the message) that says exactly this. */
    private static boolean logged(String line, String message) {
        return line.equals(message) || line.endsWith(") " + message);
    }

    private static void eventually(String what, List<String> output, BooleanSupplier condition) throws InterruptedException {
        dev.opsbook.testing.Eventually.until(what, Duration.ofSeconds(45), condition, () -> String.join("\n", output));
    }

    @Test
    void sigterm_lets_the_running_step_finish_exits_0_and_another_serve_finishes_the_run() throws Exception {
        Path runbooks = Files.createDirectories(dir.resolve("runbooks"));
        Files.write(runbooks.resolve("deploy.md"), getClass().getResourceAsStream("/leases/deploy.md").readAllBytes());
        List<String> first = new CopyOnWriteArrayList<>();
        Process a = serve("drain-a", first);
        String queueUrl = first.stream().filter(l -> l.startsWith("queue: ")).findFirst().orElseThrow().substring(7);
        try (SqsClient sqs = EmbeddedQueue.client(URI.create(queueUrl.replaceAll("(http://[^/]+)/.*", "$1")))) {
            sqs.sendMessage(b -> b.queueUrl(queueUrl).messageBody("""
                    {"version":"0","id":"drain-1","detail-type":"Release Ready","source":"opsbook.test","account":"1",
                     "time":"2026-11-23T03:00:00Z","region":"us-east-1","resources":[],"detail":{"release":"r1","marker":"%s"}}"""
                    .formatted(dir.resolve("r1"))));
        }
        eventually("deploy runs", first, () -> Files.exists(dir.resolve("r1.started")));

        long stopping = System.nanoTime();
        a.destroy(); // SIGTERM
        assertThat(a.waitFor(20 + 10, TimeUnit.SECONDS)).as("exits within the grace period").isTrue();
        Duration took = Duration.ofNanos(System.nanoTime() - stopping);

        assertThat(a.exitValue()).as(String.join("\n", first)).isZero();
        assertThat(took).isLessThan(Duration.ofSeconds(20));
        assertThat(Files.readString(dir.resolve("r1"))).as("the running step finished").isEqualTo("deployed r1\n");
        eventually("the last lines are read", first, () -> first.stream().anyMatch(l -> l.startsWith("opsbook: drained")));
        String said = String.join("\n", first);
        assertThat(said).contains("draining drain-a", "let go after its running steps ended", "opsbook: drained");
        String runId = said.replaceAll("(?s).*run (\\S+) of deploy started by event drain-1.*", "$1");
        Cli.Result running = Cli.run(dir, "runs", "--status", "running");
        assertThat(running.stdout()).as("left unfinished for another instance").contains(runId);

        List<String> second = new CopyOnWriteArrayList<>();
        serve("drain-b", second);
        eventually("the second serve takes the run over and finishes it", second,
                () -> second.stream().anyMatch(l -> logged(l, "run " + runId + " of deploy succeeded")));
        assertThat(second).anyMatch(l -> logged(l, "run " + runId + " of deploy taken over from drain-a"));
        assertThat(Files.readString(dir.resolve("r1"))).as("deploy did not run again").isEqualTo("deployed r1\n");
        Cli.Result show = Cli.run(dir, "show", runId);
        assertThat(show.stdout()).contains("status: succeeded", "announced r1", "Run taken over by drain-b from drain-a");
    }
}
