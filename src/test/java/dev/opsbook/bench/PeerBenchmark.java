package dev.opsbook.bench;

import com.sun.net.httpserver.HttpServer;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Row 6: opsbook against a peer, Ansible. The same N HTTP GETs to a local server, as an Ansible
 * playbook of {@code ansible.builtin.uri} tasks on localhost and as an opsbook runbook of
 * {@code http} steps, each run as its own process as a person would run it. Wall time is the
 * median of 3 runs after one warm-up; the server counts the requests each run made, so neither
 * side can look fast by doing less. The JVM's start ({@code java -version}) is given for context.
 */
final class PeerBenchmark implements Benchmark {

    static final Path JAR = Path.of("target/quarkus-app/quarkus-run.jar");
    static final String NOT_INSTALLED = "ansible-core not installed (apt-get install ansible-core)";

    private static final String NAME = "6 A peer: Ansible";
    private static final String TARGET = "faster than the peer";

    @Override
    public String name() {
        return "peer";
    }

    @Override
    public List<Row> run(boolean smoke) throws Exception {
        int steps = smoke ? 3 : 50;
        int warmups = smoke ? 0 : 1;
        int runs = smoke ? 1 : 3;
        String measure = "wall time, " + steps + " HTTP GETs in one run (per step)";
        Path ansible = onPath("ansible-playbook");
        if (!Files.isRegularFile(JAR)) {
            return List.of(new Row(NAME, measure, "n/a (jar not built)", ansible == null ? NOT_INSTALLED : "not run",
                    "n/a", TARGET, false, "build first: ./mvnw -B -q package -DskipTests (bench/run does)"));
        }
        Path dir = Files.createTempDirectory("opsbook-bench-peer");
        Counter server = Counter.start();
        try {
            long probe = server.probe();
            String slowServer = probe >= 30 ? "WARNING: the test server answers in " + probe
                    + " ms (TCP_NODELAY off: sun.net.httpserver.nodelay was read before this benchmark set it), so both sides carry ~40 ms per request;" : "";
            String base = "http://127.0.0.1:" + server.port();
            Path runbook = dir.resolve("runbook.md");
            Files.writeString(runbook, runbook(base + "/opsbook", steps), StandardCharsets.UTF_8);
            Path playbook = dir.resolve("playbook.yml");
            Files.writeString(playbook, playbook(base + "/ansible", steps), StandardCharsets.UTF_8);
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();

            Measured jvm = measure(dir, "jvm", warmups, runs, null, 0, List.of(java, "-version"));
            Measured opsbook = measure(dir, "opsbook", warmups, runs, server, steps, List.of(java, "-jar", JAR.toAbsolutePath().toString(),
                    "run", runbook.toString(), "--yes", "--no-store", "--record-dir", dir.resolve("records").toString()));
            String opsbookText = opsbook.text(steps);
            String counts = "server counted " + opsbook.countText(steps) + " requests per opsbook run";
            String how = slowServer + "median of " + runs + (warmups > 0 ? " after " + warmups + " warm-up" : "") + " each, each a new process, against a JDK HttpServer on 127.0.0.1 (TCP_NODELAY, 200 JSON); ";
            String jvmText = "JVM start floor (java -version) " + ms(jvm.median()) + "";
            if (ansible == null) {
                return List.of(new Row(NAME, measure, opsbookText, NOT_INSTALLED, "n/a", TARGET, false,
                        how + counts + "; " + jvmText + "."));
            }
            Measured peer = measure(dir, "ansible", warmups, runs, server, steps, List.of(ansible.toString(), "-i", "localhost,", playbook.toString()));
            counts = "server counted " + opsbook.countText(steps) + " requests per opsbook run and " + peer.countText(steps) + " per Ansible run";
            double ratio = (double) opsbook.median() / peer.median();
            boolean met = opsbook.median() < peer.median() && opsbook.countsRight(steps) && peer.countsRight(steps);
            return List.of(new Row(NAME, measure, opsbookText, peer.text(steps), String.format(Locale.ROOT, "%.2f×", ratio), TARGET, met,
                    how + "runs ranged " + opsbook.range() + " (opsbook), " + peer.range() + " (Ansible); " + counts + "; " + jvmText + ", so opsbook's own work is about " + ms(Math.max(0, opsbook.median() - jvm.median()))
                            + "; " + version(ansible) + ", connection local, default forks and config."));
        } finally {
            server.stop();
            deleteTree(dir);
        }
    }

    static String runbook(String base, int steps) {
        StringBuilder out = new StringBuilder("---\nid: peer-bench\ntitle: Peer benchmark\n---\n\n# Peer benchmark\n\n");
        for (int i = 1; i <= steps; i++) {
            out.append("```http id=call-").append(i).append("\nurl: \"").append(base).append("/").append(i).append("\"\n```\n\n");
        }
        return out.toString();
    }

    static String playbook(String base, int steps) {
        StringBuilder out = new StringBuilder("- name: Peer benchmark\n  hosts: localhost\n  connection: local\n  gather_facts: false\n  tasks:\n");
        for (int i = 1; i <= steps; i++) {
            out.append("    - name: call ").append(i).append("\n      ansible.builtin.uri:\n        url: \"").append(base).append("/").append(i)
                    .append("\"\n        use_proxy: false\n");
        }
        return out.toString();
    }

    /** Wall times in milliseconds of the measured runs, and the requests the server had from each. */
    record Measured(List<Long> millis, List<Integer> counts) {

        long median() {
            List<Long> sorted = millis.stream().sorted().toList();
            return sorted.get(sorted.size() / 2);
        }

        String text(int steps) {
            return String.format(Locale.ROOT, "%.2f s (%.1f ms/step)", median() / 1000.0, (double) median() / steps);
        }

        String range() {
            return String.format(Locale.ROOT, "%.2f–%.2f s", millis.stream().min(Long::compare).orElse(0L) / 1000.0,
                    millis.stream().max(Long::compare).orElse(0L) / 1000.0);
        }

        boolean countsRight(int steps) {
            return counts.stream().allMatch(count -> count == steps);
        }

        String countText(int steps) {
            return countsRight(steps) ? steps + "/" + steps : counts + " of " + steps + " (WRONG)";
        }
    }

    private static Measured measure(Path dir, String label, int warmups, int runs, Counter server, int steps, List<String> command)
            throws IOException, InterruptedException {
        List<Long> millis = new ArrayList<>();
        List<Integer> counts = new ArrayList<>();
        for (int i = 0; i < warmups + runs; i++) {
            String prefix = "/" + label + "/";
            if (server != null) {
                server.reset(prefix);
            }
            Path log = dir.resolve(label + "-" + i + ".log");
            ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
            builder.environment().put("ANSIBLE_NOCOWS", "1");
            builder.environment().put("ANSIBLE_RETRY_FILES_ENABLED", "false");
            long start = System.nanoTime();
            Process process = builder.start();
            if (!process.waitFor(10, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new IllegalStateException(label + " did not finish in 10 minutes");
            }
            long elapsed = (System.nanoTime() - start) / 1_000_000;
            if (process.exitValue() != 0) {
                throw new IllegalStateException(label + " exited " + process.exitValue() + ":\n" + Files.readString(log));
            }
            if (i >= warmups) {
                millis.add(elapsed);
                if (server != null) {
                    counts.add(server.count(prefix));
                }
            }
            System.err.println("bench: peer: " + label + (i < warmups ? " warm-up " : " run ") + ms(elapsed)
                    + (server != null ? ", " + server.count(prefix) + " of " + steps + " requests" : ""));
        }
        return new Measured(millis, counts);
    }

    /** A local server answering every GET with a small JSON document at once, counting requests by the path's first segment. */
    private record Counter(HttpServer server, ExecutorService executor, Map<String, AtomicInteger> counts) {

        static Counter start() throws IOException {
            // //why: without TCP_NODELAY the JDK server sends headers and body as two segments, and the client's
            // delayed ACK holds the second for 40 ms: every request of both tools would cost 40 ms more. The JDK reads
            // this once, when the first HttpServer of the JVM starts; probe() tells if that was before us.
            System.setProperty("sun.net.httpserver.nodelay", "true");
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
            ExecutorService executor = Executors.newFixedThreadPool(4);
            Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
            byte[] body = "{\"ok\":true}".getBytes(StandardCharsets.UTF_8);
            server.createContext("/", exchange -> {
                String path = exchange.getRequestURI().getPath();
                int second = path.indexOf('/', 1);
                counts.computeIfAbsent(second < 0 ? path : path.substring(0, second + 1), key -> new AtomicInteger()).incrementAndGet();
                exchange.getRequestBody().readAllBytes();
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
                exchange.close();
            });
            server.setExecutor(executor);
            server.start();
            return new Counter(server, executor, counts);
        }

        /** The median round trip of 9 GETs on one connection, in ms: about 40 when TCP_NODELAY is off. */
        long probe() throws IOException, InterruptedException {
            java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
            List<Long> times = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                long start = System.nanoTime();
                client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port() + "/probe/" + i)).build(),
                        java.net.http.HttpResponse.BodyHandlers.discarding());
                if (i > 0) {
                    times.add((System.nanoTime() - start) / 1_000_000);
                }
            }
            return times.stream().sorted().toList().get(times.size() / 2);
        }

        int port() {
            return server.getAddress().getPort();
        }

        void reset(String prefix) {
            counts.remove(prefix);
        }

        int count(String prefix) {
            AtomicInteger count = counts.get(prefix);
            return count == null ? 0 : count.get();
        }

        void stop() {
            server.stop(0);
            executor.shutdownNow();
        }
    }

    static Path onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String entry : path.split(File.pathSeparator)) {
            if (entry.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(entry, program);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    /** "ansible-playbook core 2.14.18 on Python 3.11.2", from {@code ansible-playbook --version}. */
    private static String version(Path ansible) {
        String out = output(List.of(ansible.toString(), "--version"));
        if (out == null || out.isBlank()) {
            return "ansible-core";
        }
        String version = out.lines().findFirst().orElse("").replace("[", "").replace("]", "").strip();
        String python = out.lines().map(String::strip).filter(line -> line.startsWith("python version = ")).findFirst()
                .map(line -> " on Python " + line.substring("python version = ".length()).split(" ")[0]).orElse("");
        return version + python;
    }

    private static String output(List<String> command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            process.waitFor(1, TimeUnit.MINUTES);
            return out;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private static String ms(long millis) {
        return millis + " ms";
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
