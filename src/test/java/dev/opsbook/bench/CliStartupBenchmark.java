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
 * Row 7: wall time, CPU time and peak RSS of the CLI as a user starts it, through the {@code opsbook}
 * launcher ({@code --help}, {@code validate}, and {@code run} of hello.md with the default store)
 * against {@code java -version}, the floor any JVM command pays. {@code --help} and {@code validate}
 * run in an empty temp dir, and a traced run checks that they bind no port and leave no store
 * behind; {@code run} runs in a dir of its own, whose store the warm-up run created and migrated,
 * as on any later day. CPU time (user + sys) is given because the machine is shared: the wall time
 * grows with other load, the CPU time much less.
 */
final class CliStartupBenchmark implements Benchmark {

    private static final double VALIDATE_TARGET_SECONDS = 0.6;
    private static final double RUN_TARGET_SECONDS = 1.0;
    private static final Path LAUNCHER = Path.of("opsbook").toAbsolutePath();
    private static final Path JAR = Path.of("target/quarkus-app/quarkus-run.jar").toAbsolutePath();
    private static final Path HELLO = Path.of("runbooks/hello.md").toAbsolutePath();

    @Override
    public String name() {
        return "cli-startup";
    }

    /** One run: wall and CPU (user + sys) seconds and KB as /usr/bin/time saw them, and the exit code. */
    private record Sample(double seconds, double cpuSeconds, long rssKb, int exit) {
    }

    @Override
    public List<Row> run(boolean smoke) throws Exception {
        if (!Files.isRegularFile(JAR)) {
            return List.of(new Row("7 CLI start-up", "validate wall time", "n/a", "n/a", "n/a", "validate < 0.6 s", false,
                    "skipped: jar not built (" + JAR + "); run `./mvnw package` first"));
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> floor = List.of(java, "-version");
        List<String> help = List.of(LAUNCHER.toString(), "--help");
        List<String> validate = List.of(LAUNCHER.toString(), "validate", HELLO.toString());
        List<String> run = List.of(LAUNCHER.toString(), "run", HELLO.toString(), "--yes");
        int reps = smoke ? 1 : 5;

        Path dir = Files.createTempDirectory("opsbook-bench-cli");
        Path runDir = Files.createTempDirectory("opsbook-bench-cli-run");
        Path home = Path.of(System.getProperty("user.home"));
        boolean homeStoreBefore = Files.exists(home.resolve(".opsbook"));
        try {
            if (!smoke) { // page cache and CDS archive warm for every command
                time(floor, dir);
                time(help, dir);
                time(validate, dir);
                time(run, runDir); // creates and migrates the default store, as a first run does once
            }
            List<Sample> floors = new ArrayList<>();
            List<Sample> helps = new ArrayList<>();
            List<Sample> validates = new ArrayList<>();
            List<Sample> runs = new ArrayList<>();
            for (int i = 0; i < reps; i++) { // interleaved
                floors.add(time(floor, dir));
                helps.add(time(help, dir));
                validates.add(time(validate, dir));
                runs.add(time(run, runDir));
            }
            boolean stored = Files.isDirectory(runDir.resolve(".opsbook"));
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
            rows.add(row("--help", helps, floors, reps, 1.0, noFiles && helpPorts.ok(), helpPorts.text() + "; " + files));
            rows.add(row("validate runbooks/hello.md", validates, floors, reps, VALIDATE_TARGET_SECONDS, noFiles && validatePorts.ok(),
                    validatePorts.text() + "; " + files));
            rows.add(row("run runbooks/hello.md --yes (default H2 store)", runs, floors, reps, RUN_TARGET_SECONDS, stored,
                    stored ? "the run kept in ./.opsbook, created and migrated by the " + (smoke ? "measured run" : "warm-up run")
                            : "NO STORE in the run's dir"));
            return rows;
        } finally {
            for (Path tree : List.of(dir, runDir)) {
                try (var paths = Files.walk(tree)) {
                    paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        }
    }

    private static Row row(String command, List<Sample> ours, List<Sample> floor, int reps, double target, boolean clean, String checks) {
        double seconds = Timing.median(ours.stream().mapToDouble(Sample::seconds).toArray());
        double cpu = Timing.median(ours.stream().mapToDouble(Sample::cpuSeconds).toArray());
        double rss = Timing.median(ours.stream().mapToDouble(Sample::rssKb).toArray()) / 1024;
        double floorSeconds = Timing.median(floor.stream().mapToDouble(Sample::seconds).toArray());
        double floorRss = Timing.median(floor.stream().mapToDouble(Sample::rssKb).toArray()) / 1024;
        boolean exitOk = ours.stream().allMatch(s -> s.exit() == 0);
        return new Row("7 CLI start-up", "opsbook " + command + ": wall s, CPU s, peak RSS",
                Timing.fmt(seconds) + " s, " + Timing.fmt(cpu) + " s CPU, " + Timing.fmt(rss) + " MB",
                Timing.fmt(floorSeconds) + " s, " + Timing.fmt(floorRss) + " MB (java -version)",
                Timing.ratio(seconds / floorSeconds) + " time, " + Timing.ratio(rss / floorRss) + " RSS",
                "< " + Timing.fmt(target) + " s", seconds < target && exitOk && clean,
                "the opsbook launcher (its JVM flags and class archive), /usr/bin/time -f \"%e %U %S %M\", median of " + reps + " interleaved runs"
                        + (exitOk ? "" : ", NONZERO EXIT " + ours.stream().map(Sample::exit).toList()) + "; " + checks);
    }

    private static final Pattern TIME = Pattern.compile("(?m)^(\\d+\\.\\d+) (\\d+\\.\\d+) (\\d+\\.\\d+) (\\d+)$");

    private static Sample time(List<String> command, Path dir) throws IOException, InterruptedException {
        Path out = Files.createTempFile("opsbook-bench-time", ".txt");
        try {
            List<String> timed = new ArrayList<>(List.of("/usr/bin/time", "-f", "%e %U %S %M", "-o", out.toString()));
            timed.addAll(command);
            Process process = new ProcessBuilder(timed).directory(dir.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            int exit = process.waitFor();
            Matcher m = TIME.matcher(Files.readString(out, StandardCharsets.UTF_8));
            if (!m.find()) {
                throw new IllegalStateException("no figures from /usr/bin/time for " + command + ": " + Files.readString(out));
            }
            return new Sample(Double.parseDouble(m.group(1)), Double.parseDouble(m.group(2)) + Double.parseDouble(m.group(3)),
                    Long.parseLong(m.group(4)), exit);
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
