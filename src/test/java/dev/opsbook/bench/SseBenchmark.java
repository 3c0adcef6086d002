package dev.opsbook.bench;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Row 8: {@code /q/health/ready} latency of one {@code opsbook serve} (the packaged jar, its own
 * process) while 1,000 run pages hold its event stream open, against the same with none open. The
 * watched run waits for an approval (started by {@code opsbook run} without a terminal), so every
 * stream stays open; the pages authenticate with a viewer token from {@code opsbook token create}.
 */
final class SseBenchmark implements Benchmark {

    private static final double TARGET_MS = 100;
    /** {@code -Dopsbook.bench.jar=PATH} measures another build (an older one, for the before figure). */
    private static final Path JAR = Path.of(System.getProperty("opsbook.bench.jar", "target/quarkus-app/quarkus-run.jar")).toAbsolutePath();
    private static final String NAME = "8 SSE: 1,000 open run pages";

    @Override
    public String name() {
        return "sse";
    }

    @Override
    public List<Row> run(boolean smoke) throws Exception {
        if (!Files.isRegularFile(JAR)) {
            return List.of(new Row(NAME, "/q/health/ready p50 / p99 ms", "n/a", "n/a", "n/a", "p99 < 100 ms", false,
                    "skipped: jar not built (" + JAR + "); run `./mvnw package` first"));
        }
        int pages = smoke ? 20 : 1_000;
        int probes = smoke ? 10 : 100;
        Path dir = Files.createTempDirectory("opsbook-bench-sse");
        Process serve = null;
        try {
            Files.createDirectories(dir.resolve("runbooks"));
            Files.writeString(dir.resolve("runbooks/gate.md"), "---\ntitle: Waits for a person\n---\n\n```approve id=gate\nprompt: \"Go on?\"\n```\n");
            String store = "jdbc:h2:file:" + dir.resolve("store/store") + ";AUTO_SERVER=TRUE";
            String run = match(cli(dir, "run", "runbooks/gate.md", "--store", store), "run (\\S+) of gate", "opsbook run");
            String token = match(cli(dir, "token", "create", "--role", "viewer", "--name", "bench", "--store", store), "(?m)^(opsbook_\\S+)", "token create");
            serve = new ProcessBuilder(java(), "-jar", JAR.toString(), "serve", "--port", "0", "--store", store, "--runbooks", "runbooks")
                    .directory(dir.toFile()).redirectErrorStream(true).start();
            String base = awaitHttp(serve);
            HttpClient probe = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            HttpRequest ready = HttpRequest.newBuilder(URI.create(base + "/q/health/ready")).timeout(Duration.ofSeconds(30)).build();
            latencies(probe, ready, probes); // warm-up
            double[] idle = latencies(probe, ready, probes);
            long threadsIdle = threads(serve.pid());

            HttpClient browsers = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            HttpRequest stream = HttpRequest.newBuilder(URI.create(base + "/runs/" + run + "/stream?seen=waiting-0"))
                    .header("Authorization", "Bearer " + token).header("Accept", "text/event-stream").build();
            List<CompletableFuture<HttpResponse<InputStream>>> opening = new ArrayList<>();
            for (int i = 0; i < pages; i++) {
                opening.add(browsers.sendAsync(stream, HttpResponse.BodyHandlers.ofInputStream()));
            }
            List<HttpResponse<InputStream>> open = new ArrayList<>();
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            for (CompletableFuture<HttpResponse<InputStream>> page : opening) {
                try { // //why: a server with a thread per page answers no more pages than it has threads; the rest wait
                    open.add(page.get(Math.max(1, until - System.nanoTime()), TimeUnit.NANOSECONDS));
                } catch (java.util.concurrent.TimeoutException e) {
                    page.cancel(true);
                }
            }
            long ok = open.stream().filter(r -> r.statusCode() == 200).count();
            double[] busy = latencies(probe, HttpRequest.newBuilder(ready.uri()).timeout(Duration.ofSeconds(10)).build(), probes);
            long threadsBusy = threads(serve.pid());
            for (HttpResponse<InputStream> page : open) {
                page.body().close();
            }
            double p50 = percentile(busy, 50);
            double p99 = percentile(busy, 99);
            if (Double.isInfinite(p99)) {
                return List.of(new Row(NAME, "/q/health/ready p50 / p99 ms, " + probes + " requests", "no answer within 10 s",
                        Timing.fmt(percentile(idle, 50)) + " / " + Timing.fmt(percentile(idle, 99)) + " (no page open)", "—",
                        "p99 < 100 ms", false, ok + " of " + pages + " streams open within 60 s; serve's threads " + threadsIdle
                                + " with none open, " + threadsBusy + " with them; readiness did not answer while they were open"));
            }
            return List.of(new Row(NAME, "/q/health/ready p50 / p99 ms, " + probes + " requests",
                    Timing.fmt(p50) + " / " + Timing.fmt(p99),
                    Timing.fmt(percentile(idle, 50)) + " / " + Timing.fmt(percentile(idle, 99)) + " (no page open)",
                    Timing.ratio(p99 / Math.max(0.001, percentile(idle, 99))) + " (p99)", "p99 < 100 ms",
                    p99 < TARGET_MS && ok == pages,
                    ok + " of " + pages + " streams open (200, text/event-stream) on one waiting run; serve's threads "
                            + threadsIdle + " with none open, " + threadsBusy + " with them; requests one after another"));
        } finally {
            if (serve != null) {
                serve.destroy();
                if (!serve.waitFor(60, TimeUnit.SECONDS)) {
                    serve.destroyForcibly();
                }
            }
            try (var paths = Files.walk(dir)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** Runs an opsbook command in {@code dir}; its output, stdout and stderr together. */
    private static String cli(Path dir, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(java(), "-jar", JAR.toString()));
        command.addAll(Arrays.asList(args));
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        process.waitFor(60, TimeUnit.SECONDS);
        return out;
    }

    private static String match(String text, String regex, String what) {
        Matcher m = Pattern.compile(regex).matcher(text);
        if (!m.find()) {
            throw new IllegalStateException(what + " said nothing the benchmark understands: " + text);
        }
        return m.group(1);
    }

    /** The URL serve prints once it listens ("http: http://127.0.0.1:PORT"). */
    private static String awaitHttp(Process serve) throws Exception {
        BufferedReader out = new BufferedReader(new InputStreamReader(serve.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder said = new StringBuilder();
        for (String line = out.readLine(); line != null; line = out.readLine()) {
            said.append(line).append('\n');
            if (line.startsWith("http: ")) {
                Thread drain = new Thread(() -> {
                    try {
                        out.transferTo(java.io.Writer.nullWriter());
                    } catch (java.io.IOException e) {
                        // serve stopped
                    }
                }, "serve-output");
                drain.setDaemon(true);
                drain.start();
                return line.substring("http: ".length()).strip();
            }
        }
        throw new IllegalStateException("serve stopped before it listened: " + said);
    }

    private static double[] latencies(HttpClient client, HttpRequest request, int count) throws Exception {
        double[] ms = new double[count];
        for (int i = 0; i < count; i++) {
            long start = System.nanoTime();
            HttpResponse<String> response;
            try {
                response = client.send(request, HttpResponse.BodyHandlers.ofString());
            } catch (java.net.http.HttpTimeoutException e) { // a queued request: no figure, and no point asking 99 more times
                Arrays.fill(ms, i, count, Double.POSITIVE_INFINITY);
                return ms;
            }
            ms[i] = (System.nanoTime() - start) / 1e6;
            if (response.statusCode() != 200) {
                throw new IllegalStateException("/q/health/ready answered " + response.statusCode() + ": " + response.body());
            }
        }
        return ms;
    }

    private static double percentile(double[] values, int p) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
    }

    /** The threads of a process, from /proc (Linux); -1 elsewhere. */
    private static long threads(long pid) {
        try {
            return Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream().filter(l -> l.startsWith("Threads:"))
                    .mapToLong(l -> Long.parseLong(l.substring("Threads:".length()).strip())).findFirst().orElse(-1);
        } catch (java.io.IOException e) {
            return -1;
        }
    }
}
