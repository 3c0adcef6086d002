package dev.opsbook.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opsbook.service.EmbeddedQueue;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sqs.SqsClient;

/** A user's first session with the service: serve, send an event with an SQS client, approve from a second terminal. */
class ServeIT {

    @TempDir
    Path dir;

    private Process serve;
    private final List<String> output = new CopyOnWriteArrayList<>();
    private String queueUrl;
    private String httpUrl;

    @BeforeEach
    void start() throws Exception {
        Path runbooks = Files.createDirectories(dir.resolve("runbooks"));
        for (String name : List.of("disk-alarm.md", "gated.md")) {
            String text = new String(getClass().getResourceAsStream("/service/" + name).readAllBytes(), StandardCharsets.UTF_8)
                    .replace("ESCALATION_URL", "http://127.0.0.1:9/escalate");
            Files.writeString(runbooks.resolve(name), text);
        }
        serve = Cli.builder(dir, "serve", "--runbooks", "runbooks", "--port", "0", "--record-dir", "records").redirectErrorStream(true).start();
        BufferedReader lines = new BufferedReader(new InputStreamReader(serve.getInputStream(), StandardCharsets.UTF_8));
        Thread reader = new Thread(() -> {
            try {
                String line;
                while ((line = lines.readLine()) != null) {
                    output.add(line);
                }
            } catch (java.io.IOException e) {
                // the process ended
            }
        });
        reader.setDaemon(true);
        reader.start();
        eventually("serve prints its queue and http lines", () -> output.stream().anyMatch(l -> l.startsWith("http: ")));
        queueUrl = output.stream().filter(l -> l.startsWith("queue: ")).findFirst().orElseThrow().substring(7);
        httpUrl = output.stream().filter(l -> l.startsWith("http: ")).findFirst().orElseThrow().substring(6);
    }

    @AfterEach
    void stop() throws Exception {
        if (serve != null && serve.isAlive()) {
            serve.destroy(); // SIGTERM
            serve.waitFor(30, TimeUnit.SECONDS);
        }
    }

    private void eventually(String what, BooleanSupplier condition) throws InterruptedException {
        dev.opsbook.testing.Eventually.until(what, Duration.ofSeconds(45), condition, () -> String.join("\n", output), () -> serve == null || serve.isAlive());
    }

    private List<Path> records(String runbook) {
        Path folder = dir.resolve("records").resolve(runbook);
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(p -> p.toString().endsWith(".md")).toList();
        } catch (java.io.IOException e) {
            return List.of();
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            return "";
        }
    }

    @Test
    void an_event_sent_to_the_printed_queue_runs_once_and_an_approval_from_another_terminal_resumes_a_run() throws Exception {
        assertThat(queueUrl).startsWith("http://127.0.0.1:").endsWith("/opsbook-events");
        String alarm = """
                {"version":"0","id":"it-alarm-1","detail-type":"Disk Alarm","source":"opsbook.test","account":"123456789012",
                 "time":"2026-11-23T03:00:00Z","region":"us-east-1","resources":[],"detail":{"host":"web-7","percent":97}}""";
        try (SqsClient sqs = EmbeddedQueue.client(URI.create(queueUrl.replaceAll("(http://[^/]+)/.*", "$1")))) {
            sqs.sendMessage(b -> b.queueUrl(queueUrl).messageBody(alarm));
            eventually("the matching runbook ran and left its record", () -> records("disk-alarm").size() == 1
                    && read(records("disk-alarm").get(0)).contains("status: succeeded"));
            sqs.sendMessage(b -> b.queueUrl(queueUrl).messageBody(alarm));
            sqs.sendMessage(b -> b.queueUrl(queueUrl).messageBody("""
                    {"version":"0","id":"it-change-1","detail-type":"Change Request","source":"opsbook.test","account":"1",
                     "time":"2026-11-23T03:00:00Z","region":"us-east-1","resources":[],"detail":{"change":"CHG-7"}}"""));
        }
        assertThat(read(records("disk-alarm").get(0))).contains("cleaning web-7 at 97% for event it-alarm-1", "id: it-alarm-1");

        eventually("the gated run waits", () -> records("gated").size() == 1 && read(records("gated").get(0)).contains("status: waiting"));
        assertThat(records("disk-alarm")).as("the same event again started nothing").hasSize(1);
        Cli.Result waiting = Cli.run(dir, "runs", "--status", "waiting");
        assertThat(waiting.stdout()).contains("gated", "waiting at allow");
        String runId = records("gated").get(0).getFileName().toString().replace(".md", "");

        Cli.Result approve = Cli.run(dir, "approve", runId, "allow", "--comment", "go ahead");
        assertThat(approve.exitCode()).as(approve.all()).isZero();
        eventually("serve resumed the run", () -> read(records("gated").get(0)).contains("status: succeeded"));
        assertThat(read(records("gated").get(0))).contains("Approved by **" + System.getProperty("user.name") + "** (opsbook approve)",
                "applying CHG-7");
        Cli.Result again = Cli.run(dir, "approve", runId, "allow");
        assertThat(again.exitCode()).isEqualTo(1);
        assertThat(again.stderr()).contains("is succeeded, not waiting for an answer");
        Cli.Result show = Cli.run(dir, "show", runId);
        assertThat(show.stdout()).contains("status: succeeded", "applying CHG-7");

        Path trail = records("gated").get(0).resolveSibling(runId + ".audit.jsonl");
        Cli.Result verified = Cli.run(dir, "audit", "verify", "--file", trail.toString());
        assertThat(verified.exitCode()).as("verified against the store serve holds: " + verified.all()).isZero();
        assertThat(verified.stdout()).contains("chain intact, sealed in the store");
        Cli.Result fromStore = Cli.run(dir, "audit", "verify", runId);
        assertThat(fromStore.exitCode()).as(fromStore.all()).isZero();
        assertThat(fromStore.stdout()).contains("run " + runId + ": ", "chain intact, sealed in the store");
        Cli.Result fileAsRun = Cli.run(dir, "audit", "verify", trail.toString());
        assertThat(fileAsRun.exitCode()).isEqualTo(2);
        assertThat(fileAsRun.stderr().strip()).doesNotContain("\n").endsWith("to verify a trail file, use opsbook audit verify --file " + trail);
        try (SqsClient sqs = EmbeddedQueue.client(URI.create(queueUrl.replaceAll("(http://[^/]+)/.*", "$1")))) {
            eventually("the three messages, each settled, were deleted from the queue", () -> {
                var counts = sqs.getQueueAttributes(b -> b.queueUrl(queueUrl).attributeNamesWithStrings(
                        "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible")).attributesAsStrings();
                return counts.values().stream().mapToInt(Integer::parseInt).sum() == 0;
            });
        }
    }

    @Test
    void events_and_answers_arrive_over_http_with_tokens_made_by_the_cli_and_a_revoked_token_is_refused() throws Exception {
        Cli.Result created = Cli.run(dir, "token", "create", "--role", "operator,approver", "--name", "frank");
        assertThat(created.exitCode()).as(created.all()).isZero();
        String token = created.stdout().strip();
        assertThat(token).startsWith("opsbook_");
        assertThat(created.stderr()).contains("(frank, approver,operator) created; it is shown this once");
        Cli.Result badRole = Cli.run(dir, "token", "create", "--role", "admin");
        assertThat(badRole.exitCode()).isEqualTo(2);
        assertThat(badRole.stderr()).contains("--role admin is no role; use viewer, operator, approver");

        HttpClient http = HttpClient.newHttpClient();
        String batch = """
                [{"version":"0","id":"http-change-1","detail-type":"Change Request","source":"opsbook.test","account":"1",
                  "time":"2026-11-23T03:00:00Z","region":"us-east-1","resources":[],"detail":{"change":"CHG-9"}},
                 {"not": "an event"}]""";
        HttpResponse<String> anonymous = http.send(HttpRequest.newBuilder(URI.create(httpUrl + "/events"))
                .POST(HttpRequest.BodyPublishers.ofString(batch)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(anonymous.statusCode()).isEqualTo(401);
        HttpResponse<String> posted = http.send(HttpRequest.newBuilder(URI.create(httpUrl + "/events"))
                .POST(HttpRequest.BodyPublishers.ofString(batch)).header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(posted.statusCode()).isEqualTo(200);
        assertThat(posted.body()).contains("\"outcome\":\"started\"", "\"outcome\":\"rejected\"");
        eventually("the run waits", () -> records("gated").size() == 1 && read(records("gated").get(0)).contains("status: waiting"));
        String runId = records("gated").get(0).getFileName().toString().replace(".md", "");

        HttpResponse<String> wrong = http.send(HttpRequest.newBuilder(URI.create(httpUrl + "/api/runs/" + runId + "/steps/nope/approve"))
                .header("Authorization", "Bearer " + token).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(wrong.statusCode()).isEqualTo(409);
        assertThat(wrong.headers().firstValue("Content-Type")).contains("application/problem+json");
        assertThat(wrong.body()).contains("is not waiting at step 'nope'; it waits at allow");
        HttpResponse<String> rejected = http.send(HttpRequest.newBuilder(URI.create(httpUrl + "/api/runs/" + runId + "/steps/allow/reject"))
                .header("Authorization", "Bearer " + token).POST(HttpRequest.BodyPublishers.ofString("{\"comment\":\"not in a freeze\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(rejected.statusCode()).isEqualTo(200);
        eventually("the rejected run failed", () -> read(records("gated").get(0)).contains("status: failed"));
        assertThat(read(records("gated").get(0))).contains("Rejected by **frank (tok-", "(api)", "not in a freeze");

        Cli.Result list = Cli.run(dir, "token", "list");
        assertThat(list.stdout()).contains("frank", "approver,operator", "active").doesNotContain(token);
        String id = list.stdout().lines().filter(l -> l.contains("frank")).findFirst().orElseThrow().split("\\s+")[0];
        Cli.Result revoked = Cli.run(dir, "token", "revoke", id);
        assertThat(revoked.exitCode()).as(revoked.all()).isZero();
        assertThat(Cli.run(dir, "token", "list").stdout()).contains("revoked");
        HttpResponse<String> afterRevoke = http.send(HttpRequest.newBuilder(URI.create(httpUrl + "/api/runs"))
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(afterRevoke.statusCode()).isEqualTo(401);
        assertThat(String.join("\n", output)).as("serve never logs a token").doesNotContain(token);
        Cli.Result verified = Cli.run(dir, "audit", "verify", "--access");
        assertThat(verified.exitCode()).as("the access trail of a live serve session, in the store: " + verified.all()).isZero();
        assertThat(verified.stdout()).contains("access-", "chain intact, sealed in the store");
    }
}
