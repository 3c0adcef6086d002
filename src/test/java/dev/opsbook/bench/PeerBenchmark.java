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
import java.util.function.BiFunction;
import java.util.stream.Stream;

/**
 * Row 6: opsbook against its peers, Ansible and a Jupyter notebook. The same N HTTP GETs to a local
 * server, as an Ansible playbook of {@code ansible.builtin.uri} tasks on localhost, as a notebook of
 * one {@code urllib} call per cell executed by {@code jupyter nbconvert --execute}, and as an opsbook
 * runbook of {@code http} steps, each run as its own process as a person would run it. Wall time is
 * the median of 3 runs after one warm-up; each tool also runs a single call, so the cost of a step
 * is (wall of N − wall of 1) / (N − 1), apart from each tool's start. The server counts the requests
 * each run made, so no side can look fast by doing less. The JVM's start ({@code java -version}) is
 * given for context. A peer that is not installed gives a row that says so ({@code bench/run}
 * installs both with apt-get); smoke mode runs opsbook alone, one call.
 */
final class PeerBenchmark implements Benchmark {

    static final Path JAR = Path.of("target/quarkus-app/quarkus-run.jar");
    /** //why: row 6 times opsbook as a person runs it, like row 7: the launcher, with its JVM flags and class archive. */
    private static final Path LAUNCHER = Path.of("opsbook").toAbsolutePath();

    private static final String TARGET = "faster than the peer";

    /** A peer tool: its row, the program that runs it, how the N calls are written for it and how it runs them. */
    record Peer(String row, String label, String program, String install, String fileName,
                BiFunction<String, Integer, String> writer, BiFunction<Path, Path, List<String>> command) {

        String notInstalled() {
            return program + " not installed (apt-get install " + install + ")";
        }
    }

    static final Peer ANSIBLE = new Peer("6 A peer: Ansible", "ansible", "ansible-playbook", "ansible-core", "playbook.yml",
            PeerBenchmark::playbook, (program, file) -> List.of(program.toString(), "-i", "localhost,", file.toString()));
    static final Peer JUPYTER = new Peer("6 A peer: Jupyter notebook", "jupyter", "jupyter-nbconvert",
            "jupyter-nbconvert python3-nbconvert python3-ipykernel", "notebook.ipynb", Notebook::of, (program, file) -> List.of(program.toString(), "--to", "notebook", "--execute",
                    file.toString(), "--output", file.resolveSibling("executed-" + file.getFileName()).toString()));
    static final List<Peer> PEERS = List.of(ANSIBLE, JUPYTER);

    @Override
    public String name() {
        return "peer";
    }

    @Override
    public List<Row> run(boolean smoke) throws Exception {
        int steps = smoke ? 1 : 50;
        int warmups = smoke ? 0 : 1;
        int runs = smoke ? 1 : 3;
        String measure = "wall time, " + steps + " HTTP GETs in one run (per step)";
        if (!Files.isRegularFile(JAR)) {
            return PEERS.stream().map(peer -> new Row(peer.row(), measure, "n/a (jar not built)",
                    onPath(peer.program()) == null ? peer.notInstalled() : "not run", "n/a", TARGET, false,
                    "build first: ./mvnw -B -q package -DskipTests (bench/run does)")).toList();
        }
        Path dir = Files.createTempDirectory("opsbook-bench-peer");
        Counter server = Counter.start();
        try {
            long probe = server.probe();
            String slowServer = probe >= 30 ? "WARNING: the test server answers in " + probe
                    + " ms (TCP_NODELAY off: sun.net.httpserver.nodelay was read before this benchmark set it), so every side carries ~40 ms per request;" : "";
            String base = "http://127.0.0.1:" + server.port();
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Measured jvm = measure(dir, "jvm", warmups, runs, null, 0, List.of(java, "-version"));
            Sized opsbook = sized(dir, "opsbook", steps, smoke, warmups, runs, server, (label, n) -> {
                Path runbook = dir.resolve(label + ".md");
                Files.writeString(runbook, runbook(base + "/" + label, n), StandardCharsets.UTF_8);
                return List.of(LAUNCHER.toString(), "run", runbook.toString(), "--yes", "--no-store",
                        "--record-dir", dir.resolve("records").toString());
            });
            String how = slowServer + "median of " + runs + (warmups > 0 ? " after " + warmups + " warm-up" : "")
                    + " each, each a new process (opsbook through its launcher, as row 7), against a JDK HttpServer on 127.0.0.1 (TCP_NODELAY, 200 JSON); ";
            String jvmText = "JVM start floor (java -version) " + ms(jvm.median()) + ", so opsbook's own work is about "
                    + ms(Math.max(0, opsbook.many().median() - jvm.median()));
            List<Row> rows = new ArrayList<>();
            for (Peer peer : PEERS) {
                Path program = onPath(peer.program());
                if (smoke || program == null) {
                    String why = smoke ? "not run in smoke mode" : peer.notInstalled();
                    rows.add(new Row(peer.row(), measure, opsbook.text(steps), why, "n/a", TARGET, false,
                            how + "server counted " + opsbook.many().countText(steps) + " requests per opsbook run; " + jvmText
                                    + (smoke ? "." : "; bench/run installs the peer with apt-get where it can, and says so when it cannot.")));
                    continue;
                }
                Sized theirs;
                try {
                    theirs = sized(dir, peer.label(), steps, false, warmups, runs, server, (label, n) -> {
                        Path file = dir.resolve(n + "-" + peer.fileName());
                        Files.writeString(file, peer.writer().apply(base + "/" + label, n), StandardCharsets.UTF_8);
                        return peer.command().apply(program, file);
                    });
                } catch (IllegalStateException e) { // e.g. nbconvert without a Python kernel: the row says what the tool said
                    rows.add(new Row(peer.row(), measure, opsbook.text(steps), "FAILED: " + e.getMessage().lines().limit(3)
                            .reduce((a, b) -> a + " / " + b).orElse(""), "n/a", TARGET, false, how + jvmText + "."));
                    continue;
                }
                double ratio = (double) opsbook.many().median() / theirs.many().median();
                boolean met = opsbook.many().median() < theirs.many().median() && opsbook.countsRight(steps) && theirs.countsRight(steps);
                rows.add(new Row(peer.row(), measure, opsbook.text(steps), theirs.text(steps) + ", " + version(peer, program),
                        String.format(Locale.ROOT, "%.2f×", ratio), TARGET, met,
                        how + "a step costs (wall of " + steps + " − wall of 1) / " + (steps - 1) + "; runs of " + steps + " ranged "
                                + opsbook.many().range() + " (opsbook), " + theirs.many().range() + " (" + peer.label() + "); server counted "
                                + opsbook.many().countText(steps) + " requests per opsbook run and " + theirs.many().countText(steps)
                                + " per " + peer.label() + " run; " + jvmText + "."));
            }
            return rows;
        } finally {
            server.stop();
            deleteTree(dir);
        }
    }

    /** How a tool is run for {@code n} calls under {@code label}, the server path prefix its requests are counted by. */
    @FunctionalInterface
    interface Command {
        List<String> of(String label, int n) throws IOException;
    }

    /** A tool's runs of N calls and of one call. */
    record Sized(Measured many, Measured one) {

        /** "3.42 s (4.1 ms/step)": the wall of N calls, and a step's cost apart from the start. */
        String text(int steps) {
            if (one == null || steps < 2) {
                return many.text(steps);
            }
            double perStep = (double) (many.median() - one.median()) / (steps - 1);
            return String.format(Locale.ROOT, "%.2f s (%.1f ms/step; 1 call %.2f s)", many.median() / 1000.0, perStep, one.median() / 1000.0);
        }

        boolean countsRight(int steps) {
            return many.countsRight(steps) && (one == null || one.countsRight(1));
        }
    }

    private static Sized sized(Path dir, String label, int steps, boolean smoke, int warmups, int runs, Counter server, Command command)
            throws IOException, InterruptedException {
        Measured many = measure(dir, label, warmups, runs, server, steps, command.of(label, steps));
        Measured one = smoke || steps < 2 ? null : measure(dir, label + "-one", warmups, runs, server, 1, command.of(label + "-one", 1));
        return new Sized(many, one);
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
            builder.environment().put("PYDEVD_DISABLE_FILE_VALIDATION", "1"); // ipykernel's debugger warns on every start otherwise
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

    /** "ansible-playbook [core 2.14.18] on Python 3.11.2" or "nbconvert 6.5.3", from the tool's {@code --version}. */
    private static String version(Peer peer, Path program) {
        if (peer == JUPYTER) {
            String out = output(List.of(program.toString(), "--version"));
            return out == null || out.isBlank() ? "nbconvert" : "nbconvert " + out.lines().reduce((a, b) -> b).orElse("").strip();
        }
        String out = output(List.of(program.toString(), "--version"));
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
