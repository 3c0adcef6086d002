package dev.opsbook.bench;

import dev.opsbook.engine.RunEvent;
import dev.opsbook.engine.RunStatus;
import dev.opsbook.service.EmbeddedQueue;
import dev.opsbook.store.JdbcRunStore;
import dev.opsbook.store.RunStore;
import dev.opsbook.store.StoredRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * Row 3: from an event sent to the queue to the first step of the run it starts, through a real
 * {@code opsbook serve} process (the packaged jar, with its embedded queue and the messaging channel
 * that consumes it; {@code bench/run} packages it first). Events are sent
 * one at a time at a steady pace (open loop, so the figure is latency, not a backlog), each with
 * its send instant in its detail; the first step's start is its StepStarted event in the store.
 * Full mode: 100 events/s for 60 s on an embedded PostgreSQL, the channel as shipped, timed once the serve process is
 * warm (3,000 events, 30 s, at the same pace first) and, beside it, from a fresh start (500 events first). //why: a
 * sustained figure is a warm process's; in its first half minute the JIT's compiler threads share the two cores with the
 * queue, serve and PostgreSQL, and the fresh row shows what that costs. Smoke mode: a few on H2.
 * Baseline: the same events through a bare SqsClient long-poll loop (send to receipt).
 */
public final class EventLatencyBenchmark implements Benchmark {

    static final String RUNBOOK = """
            ---
            title: Latency probe
            owner: bench
            description: Started by a bench event; its first step is a shell step.
            parameters:
              n: { type: integer }
            triggers:
              - pattern: { source: [opsbook.bench], detail-type: [Latency Probe] }
                parameters: { n: detail.n }
            ---

            ```shell id=first
            echo "probe {{ params.n }}"
            ```
            """;

    @Override
    public String name() {
        return "event-latency";
    }

    @Override
    public List<Row> run(boolean smoke) throws Exception {
        int warmup = smoke ? 5 : 3000;
        int freshWarmup = 500;
        int events = smoke ? 20 : 6000;
        long gapMillis = 10; // 100 events/s: 60 s of them in full mode
        String target = "p99 < 50 ms at 100 events/s for 60 s, PostgreSQL";
        if (!Files.isRegularFile(Serve.JAR)) {
            return List.of(new Row("3 Event to first step", "p99 ms", "n/a", "n/a", "n/a", target, false,
                    "skipped: jar not built (" + Serve.JAR + "); run `./mvnw package` first (bench/run does)"));
        }
        List<Row> rows = new ArrayList<>();
        double[] bare = baseline(smoke ? 20 : 1000, gapMillis);
        if (smoke) { // //why: PostgreSQL's initdb alone takes seconds; the smoke run only keeps the runner from rotting
            rows.add(measure(null, List.of(), "H2", warmup, events, gapMillis, bare, target));
            return rows;
        }
        try (io.zonky.test.db.postgres.embedded.EmbeddedPostgres postgres = io.zonky.test.db.postgres.embedded.EmbeddedPostgres.start()) {
            for (String schema : List.of("fresh", "shipped")) {
                try (java.sql.Connection c = postgres.getPostgresDatabase().getConnection(); java.sql.Statement st = c.createStatement()) {
                    st.execute("CREATE SCHEMA " + schema);
                }
            }
            String url = "jdbc:postgresql://localhost:" + postgres.getPort() + "/postgres?currentSchema=";
            rows.add(measureOrSay(url + "shipped", List.of(), "PostgreSQL, as shipped, warm: " + warmup + " events at the same pace first",
                    warmup, events, gapMillis, bare, target));
            rows.add(measureOrSay(url + "fresh", List.of(), "PostgreSQL, as shipped, fresh: " + freshWarmup + " events first",
                    freshWarmup, events, gapMillis, bare, target));
        }
        return rows;
    }

    /** One measurement, or a row saying why it did not finish, so the other still runs. */
    private static Row measureOrSay(String storeUrl, List<String> jvm, String label, int warmup, int events, long gapMillis, double[] bare,
                                    String target) throws Exception {
        try {
            return measure(storeUrl, jvm, label, warmup, events, gapMillis, bare, target);
        } catch (IllegalStateException | AssertionError e) {
            return new Row("3 Event to first step", "p50 / p95 / p99 ms (" + label + ")", "did not finish", figures(bare), "n/a", target, false,
                    "Stopped waiting: " + String.valueOf(e.getMessage()).lines().findFirst().orElse("") + ".");
        }
    }

    private static Row measure(String storeUrl, List<String> jvm, String label, int warmup, int events, long gapMillis, double[] bare,
                               String target) throws Exception {
        Path dir = Files.createTempDirectory("opsbook-bench-latency");
        double[] opsbook;
        String breakdown;
        ServiceRig.runbooks(dir, "latency", RUNBOOK);
        String url = storeUrl == null ? JdbcRunStore.embeddedUrl(dir.resolve("store")) : storeUrl;
        String user = storeUrl == null ? "" : "postgres";
        try (Serve serve = Serve.start(dir, url, user, jvm); RunStore store = JdbcRunStore.open(url, user, "");
             SqsClient sqs = EmbeddedQueue.client(ServiceRig.endpoint(serve.queueUrl()))) {
            send(sqs, serve.queueUrl(), "warm-", warmup, gapMillis);
            ServiceRig.eventually("the warm-up runs (serve said: " + serve.said() + ")", 120_000, 50,
                    () -> ServiceRig.runs(store, "latency", "warm-").size() == warmup);
            send(sqs, serve.queueUrl(), "probe-", events, gapMillis);
            ServiceRig.eventually("every probe's run finished", 180_000, 200, () -> {
                List<StoredRun> runs = ServiceRig.runs(store, "latency", "probe-");
                return runs.size() == events && runs.stream().allMatch(r -> r.status() != RunStatus.RUNNING);
            });
            List<Double> latencies = new ArrayList<>();
            List<Double> toClaim = new ArrayList<>();
            List<Double> toRun = new ArrayList<>();
            List<Double> toStep = new ArrayList<>();
            for (StoredRun run : ServiceRig.runs(store, "latency", "probe-")) {
                List<RunEvent> history = store.events(run.id());
                Instant sent = Instant.parse(((RunEvent.RunStarted) history.get(0)).event().path("detail").path("sentAt").asText());
                Instant first = history.stream().filter(e -> e instanceof RunEvent.StepStarted).map(RunEvent::at).findFirst().orElseThrow();
                latencies.add(Duration.between(sent, first).toNanos() / 1e6);
                Instant claimed = store.receivedEvent(run.eventId().orElseThrow()).orElseThrow().receivedAt();
                toClaim.add(Duration.between(sent, claimed).toNanos() / 1e6);
                toRun.add(Duration.between(claimed, history.get(0).at()).toNanos() / 1e6);
                toStep.add(Duration.between(history.get(0).at(), first).toNanos() / 1e6);
            }
            opsbook = ServiceRig.sorted(latencies);
            breakdown = "queue (send→claimed) " + figures(ServiceRig.sorted(toClaim)) + ", claimed→RunStarted " + figures(ServiceRig.sorted(toRun))
                    + ", RunStarted→first StepStarted " + figures(ServiceRig.sorted(toStep)) + ", all p50/p95/p99 ms";
        } finally {
            ServiceRig.delete(dir);
        }
        double p99 = ServiceRig.percentile(opsbook, 99);
        double bareP99 = ServiceRig.percentile(bare, 99);
        return new Row("3 Event to first step", "p50 / p95 / p99 ms (" + opsbook.length + " events, 1 every " + gapMillis + " ms; " + label + ")",
                figures(opsbook), figures(bare), String.format("%.1f× (p99)", p99 / Math.max(bareP99, 0.001)), target, p99 < 50,
                "A packaged opsbook serve process (" + label + ", its embedded ElasticMQ, the SQS channel); from the send instant in the "
                        + "event's detail to the first step's StepStarted in the store. Baseline: bare SqsClient long-poll loop, send to receipt. Split: "
                        + breakdown + "." + (p99 < 50 ? "" : " Missed: see the split for where the tail is."));
    }

    /** {@code opsbook serve} as a user starts it, in its own folder, until closed (SIGTERM, then it drains). */
    private record Serve(Process process, List<String> output, String queueUrl) implements AutoCloseable {

        static final Path JAR = Path.of("target/quarkus-app/quarkus-run.jar").toAbsolutePath();

        static Serve start(Path dir, String storeUrl, String user, List<String> jvm) throws Exception {
            if (!Files.exists(JAR)) {
                throw new IllegalStateException(JAR + " is missing: package opsbook first (./mvnw package -DskipTests; bench/run does)");
            }
            List<String> command = new ArrayList<>(List.of("java", "-XX:+UseG1GC"));
            command.addAll(jvm);
            command.addAll(List.of("-jar", JAR.toString(), "serve", "--runbooks", "runbooks",
                    "--port", "0", "--store", storeUrl, "--record-dir", "records", "--drain", "1s"));
            ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
            builder.environment().put("OPSBOOK_STORE_USER", user);
            Process process = builder.start();
            List<String> output = java.util.Collections.synchronizedList(new ArrayList<>());
            Thread reader = new Thread(() -> {
                try (var lines = new java.io.BufferedReader(new java.io.InputStreamReader(process.getInputStream(), java.nio.charset.StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = lines.readLine()) != null) {
                        output.add(line);
                    }
                } catch (java.io.IOException e) {
                    // the process ended
                }
            }, "bench-serve-output");
            reader.setDaemon(true);
            reader.start();
            try {
                ServiceRig.eventually("opsbook serve consumes its queue", 60_000, 50,
                        () -> output.stream().anyMatch(l -> l.startsWith("queue: ")) || !process.isAlive());
            } catch (IllegalStateException e) {
                process.destroyForcibly();
                throw new IllegalStateException(e.getMessage() + "; it said: " + String.join("\n", output));
            }
            String queue = output.stream().filter(l -> l.startsWith("queue: ")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("opsbook serve stopped: " + String.join("\n", output))).substring(7);
            return new Serve(process, output, queue);
        }

        String said() {
            return String.join(" / ", output);
        }

        @Override
        public void close() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    private static String figures(double[] sorted) {
        return String.format("%.1f / %.1f / %.1f", ServiceRig.percentile(sorted, 50), ServiceRig.percentile(sorted, 95), ServiceRig.percentile(sorted, 99));
    }

    private static void send(SqsClient sqs, String queueUrl, String prefix, int count, long gapMillis) throws InterruptedException {
        long next = System.nanoTime();
        for (int i = 0; i < count; i++) {
            long wait = next - System.nanoTime();
            if (wait > 0) {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            }
            next += gapMillis * 1_000_000;
            String body = ServiceRig.event(prefix + i, "Latency Probe",
                    "{\"n\":" + i + ",\"sentAt\":\"" + Instant.now() + "\",\"sentNanos\":" + System.nanoTime() + "}");
            sqs.sendMessage(b -> b.queueUrl(queueUrl).messageBody(body));
        }
    }

    /** The same pacing through a bare long-poll loop on its own embedded queue: send to receipt. */
    private static double[] baseline(int count, long gapMillis) throws Exception {
        List<Double> latencies = java.util.Collections.synchronizedList(new ArrayList<>());
        try (EmbeddedQueue queue = EmbeddedQueue.start(0, 3); SqsClient sender = EmbeddedQueue.client(queue.endpoint());
             SqsClient receiver = EmbeddedQueue.client(queue.endpoint())) {
            AtomicBoolean running = new AtomicBoolean(true);
            Thread loop = new Thread(() -> {
                while (running.get()) {
                    for (Message message : receiver.receiveMessage(b -> b.queueUrl(queue.queueUrl()).maxNumberOfMessages(10).waitTimeSeconds(1)).messages()) {
                        Instant now = Instant.now();
                        String body = message.body();
                        int at = body.indexOf("\"sentAt\":\"") + 10;
                        Instant sent = Instant.parse(body.substring(at, body.indexOf('"', at)));
                        latencies.add(Duration.between(sent, now).toNanos() / 1e6);
                        receiver.deleteMessage(b -> b.queueUrl(queue.queueUrl()).receiptHandle(message.receiptHandle()));
                    }
                }
            }, "bench-bare-receiver");
            loop.start();
            send(sender, queue.queueUrl(), "warm-", Math.min(50, count), gapMillis);
            ServiceRig.eventually("bare warm-up", 30_000, 20, () -> latencies.size() >= Math.min(50, count));
            latencies.clear();
            send(sender, queue.queueUrl(), "bare-", count, gapMillis);
            ServiceRig.eventually("bare receipt", 30_000, 20, () -> latencies.size() >= count);
            running.set(false);
            loop.join(5000);
        }
        return ServiceRig.sorted(new ArrayList<>(latencies));
    }
}
