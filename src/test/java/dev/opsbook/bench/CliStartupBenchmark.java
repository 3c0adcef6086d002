package dev.opsbook.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Row 7: wall time and peak RSS of the packaged CLI ({@code --help}, {@code validate}) against
 * {@code java -version}, the floor any JVM command pays. Each command runs in an empty temp dir,
 * and a traced run checks that it binds no port and leaves no store behind.
 */
final class CliStartupBenchmark implements Benchmark {

    private static final double TARGET_SECONDS = 1.0;
    private static final Path JAR = Path.of("target/quarkus-app/quarkus-run.jar").toAbsolutePath();
    private static final Path HELLO = Path.of("runbooks/hello.md").toAbsolutePath();

    @Override
    public String name() {
        return "cli-startup";
    }

    /** One run: seconds and KB as /usr/bin/time saw them, and the exit code. */
    private record Sample(double seconds, long rssKb, int exit) {
    }

    @Override
    public List<Row> run(boolean smoke) throws Exception {
        if (!Files.isRegularFile(JAR)) {
            return List.of(new Row("7 CLI start-up", "validate wall time", "n/a", "n/a", "n/a", "validate < 1 s", false,
                    "skipped: jar not built (" + JAR + "); run `./mvnw package` first"));
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> floor = List.of(java, "-version");
        List<String> help = List.of(java, "-jar", JAR.toString(), "--help");
        List<String> validate = List.of(java, "-jar", JAR.toString(), "validate", HELLO.toString());
        int reps = smoke ? 1 : 5;

        Path dir = Files.createTempDirectory("opsbook-bench-cli");
        Path home = Path.of(System.getProperty("user.home"));
        boolean homeStoreBefore = Files.exists(home.resolve(".opsbook"));
        try {
            if (!smoke) { // page cache and CDS archive warm for every command
                time(floor, dir);
                time(help, dir);
                time(validate, dir);
            }
            List<Sample> floors = new ArrayList<>();
            List<Sample> helps = new ArrayList<>();
            List<Sample> validates = new ArrayList<>();
            for (int i = 0; i < reps; i++) { // interleaved
                floors.add(time(floor, dir));
                helps.add(time(help, dir));
                validates.add(time(validate, dir));
            }
            Check helpPorts = smoke ? new Check(true, "ports not traced in smoke mode") : ports(help, dir);
            Check validatePorts = smoke ? new Check(true, "ports not traced in smoke mode") : ports(validate, dir);
            List<String> left;
            try (var entries = Files.list(dir)) {
                left = entries.map(p -> p.getFileName().toString()).toList();
            }
            boolean homeStoreAfter = Files.exists(home.resolve(".opsbook"));
            String files = (left.isEmpty() ? "no file or .opsbook folder created in the working dir" : "left in the working dir: " + left)
                    + (homeStoreAfter && !homeStoreBefore ? ", but ~/.opsbook appeared" : ", none in ~");
            boolean noFiles = left.isEmpty() && !(homeStoreAfter && !homeStoreBefore);

            List<Row> rows = new ArrayList<>();
            rows.add(row("--help", helps, floors, reps, noFiles && helpPorts.ok(), helpPorts.text() + "; " + files));
            rows.add(row("validate runbooks/hello.md", validates, floors, reps, noFiles && validatePorts.ok(), validatePorts.text() + "; " + files));
            return rows;
        } finally {
            try (var paths = Files.walk(dir)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static Row row(String command, List<Sample> ours, List<Sample> floor, int reps, boolean clean, String checks) {
        double seconds = Timing.median(ours.stream().mapToDouble(Sample::seconds).toArray());
        double rss = Timing.median(ours.stream().mapToDouble(Sample::rssKb).toArray()) / 1024;
        double floorSeconds = Timing.median(floor.stream().mapToDouble(Sample::seconds).toArray());
        double floorRss = Timing.median(floor.stream().mapToDouble(Sample::rssKb).toArray()) / 1024;
        boolean exitOk = ours.stream().allMatch(s -> s.exit() == 0);
        return new Row("7 CLI start-up", command + ": wall s, peak RSS",
                Timing.fmt(seconds) + " s, " + Timing.fmt(rss) + " MB",
                Timing.fmt(floorSeconds) + " s, " + Timing.fmt(floorRss) + " MB (java -version)",
                Timing.ratio(seconds / floorSeconds) + " time, " + Timing.ratio(rss / floorRss) + " RSS",
                "< 1 s", seconds < TARGET_SECONDS && exitOk && clean,
                "/usr/bin/time -f \"%e %M\", median of " + reps + " interleaved runs in an empty temp dir"
                        + (exitOk ? "" : ", NONZERO EXIT " + ours.stream().map(Sample::exit).toList()) + "; " + checks);
    }

    private static final Pattern TIME = Pattern.compile("(?m)^(\\d+\\.\\d+) (\\d+)$");

    private static Sample time(List<String> command, Path dir) throws IOException, InterruptedException {
        Path out = Files.createTempFile("opsbook-bench-time", ".txt");
        try {
            List<String> timed = new ArrayList<>(List.of("/usr/bin/time", "-f", "%e %M", "-o", out.toString()));
            timed.addAll(command);
            Process process = new ProcessBuilder(timed).directory(dir.toFile())
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            int exit = process.waitFor();
            Matcher m = TIME.matcher(Files.readString(out, StandardCharsets.UTF_8));
            if (!m.find()) {
                throw new IllegalStateException("no figures from /usr/bin/time for " + command + ": " + Files.readString(out));
            }
            return new Sample(Double.parseDouble(m.group(1)), Long.parseLong(m.group(2)), exit);
        } finally {
            Files.deleteIfExists(out);
        }
    }

    /** A side-effect check: passed or not, and what was seen. */
    private record Check(boolean ok, String text) {
    }

    /** Runs the command under strace and says whether any process of it called listen() or bound an inet socket. */
    private static Check ports(List<String> command, Path dir) throws IOException, InterruptedException {
        if (!Files.isExecutable(Path.of("/usr/bin/strace"))) {
            return new Check(true, "ports not checked (no strace)");
        }
        Path trace = Files.createTempFile("opsbook-bench-strace", ".txt");
        try {
            List<String> traced = new ArrayList<>(List.of("/usr/bin/strace", "-f", "-qq", "-e", "trace=bind,listen", "-o", trace.toString()));
            traced.addAll(command);
            Process process = new ProcessBuilder(traced).directory(dir.toFile())
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            int exit = process.waitFor();
            List<String> calls = Files.readAllLines(trace).stream()
                    .filter(l -> l.contains("listen(") || (l.contains("bind(") && (l.contains("AF_INET") || l.contains("AF_INET6"))))
                    .toList();
            if (exit != 0 && calls.isEmpty() && Files.size(trace) == 0) {
                return new Check(true, "ports not checked (strace exit " + exit + ")");
            }
            return calls.isEmpty() ? new Check(true, "no port bound (strace -f: no bind/listen on inet sockets)")
                    : new Check(false, "PORT BOUND: " + calls.get(0).strip());
        } finally {
            Files.deleteIfExists(trace);
        }
    }
}
