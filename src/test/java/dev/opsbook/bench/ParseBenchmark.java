package dev.opsbook.bench;

import com.vladsch.flexmark.ext.gfm.tasklist.TaskListExtension;
import com.vladsch.flexmark.ext.tables.TablesExtension;
import com.vladsch.flexmark.ext.yaml.front.matter.YamlFrontMatterExtension;
import com.vladsch.flexmark.parser.Parser;
import com.vladsch.flexmark.util.data.MutableDataSet;
import dev.opsbook.graph.LoadedRunbook;
import dev.opsbook.graph.RunbookLoader;
import dev.opsbook.steps.StandardSteps;
import dev.opsbook.trigger.TriggerPatternCheck;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Row 1: runbooks per second through the whole loader (parse, model, graph, every check) against
 * flexmark's bare parse of the same text with the same extensions. Generated runbooks of 5, 30 and
 * 300 steps, written to a temp dir and read back, so the text is what a file would hold.
 */
final class ParseBenchmark implements Benchmark {

    static final int[] SIZES = {5, 30, 300};

    /**
     * Where the time goes: JFR execution samples of RunbookLoader.load alone (one loop per size), after LightYaml read
     * step bodies and front matter without SnakeYAML, references were scanned in one pass and the graph checks asked
     * for one ancestor instead of collecting all of them.
     */
    private static final java.util.Map<Integer, String> PROFILE = java.util.Map.of(
            5, "JFR: flexmark is about 41% of a load (its per-parse set-up of block and inline parsers alone 7%); front matter "
                    + "and parameters 12%, step bodies and their expressions about a quarter, graph checks 5%, the content hash 3%.",
            30, "JFR: flexmark is about 40% of a load; step bodies (LightYaml) 9%, expression sites 8%, graph checks 7%, "
                    + "front matter 4%, the content hash 3%.",
            300, "JFR: flexmark is about 41% of a load; expression sites 10%, graph checks 8%, step bodies (LightYaml) 8%, "
                    + "the content hash 3%.");
    private static final double TARGET = 1.5;

    @Override
    public String name() {
        return "parse";
    }

    @Override
    public List<Row> run(boolean smoke) throws Exception {
        RunbookLoader loader = new RunbookLoader(StandardSteps.all().catalog(), List.of(new TriggerPatternCheck()));
        MutableDataSet options = new MutableDataSet();
        options.set(Parser.EXTENSIONS, List.of(
                YamlFrontMatterExtension.create(), TaskListExtension.create(), TablesExtension.create()));
        Parser flexmark = Parser.builder(options).build();

        Path dir = Files.createTempDirectory("opsbook-bench-parse");
        List<Row> rows = new ArrayList<>();
        try {
            if (!smoke) { // every size once before any is measured, so the JIT's profile is not one size's
                for (int round = 0; round < 2; round++) {
                    for (int size : SIZES) {
                        String text = runbook(size);
                        perOp(t -> sink(loader.load("warm.md", t)), text, 1_000_000_000L);
                        perOp(t -> sink(flexmark.parse(t)), text, 500_000_000L);
                    }
                }
            }
            for (int size : SIZES) {
                String name = "bench-" + size + ".md";
                Path file = dir.resolve(name);
                Files.writeString(file, runbook(size), StandardCharsets.UTF_8);
                String text = Files.readString(file, StandardCharsets.UTF_8);

                LoadedRunbook check = loader.load(name, text);
                if (check.hasErrors() || check.runbook().steps().size() != size + 1) { // + the closing task-list item, a manual step
                    throw new IllegalStateException("generated runbook of " + size + " steps does not load cleanly: "
                            + check.runbook().steps().size() + " steps, " + check.errors());
                }

                Consumer<String> opsbook = t -> sink(loader.load(name, t));
                Consumer<String> bare = t -> sink(flexmark.parse(t));
                long sliceNanos = smoke ? 20_000_000L : 700_000_000L;
                int reps = smoke ? 1 : 11;
                // warm-up: both sides until the JIT has settled
                for (int i = 0; i < (smoke ? 1 : 2); i++) {
                    perOp(opsbook, text, sliceNanos);
                    perOp(bare, text, sliceNanos);
                }
                double[] ours = new double[reps];
                double[] theirs = new double[reps];
                for (int i = 0; i < reps; i++) { // interleaved, so drift from other load hits both alike
                    ours[i] = perOp(opsbook, text, sliceNanos);
                    theirs[i] = perOp(bare, text, sliceNanos);
                }
                double oursNs = Timing.median(ours);
                double theirsNs = Timing.median(theirs);
                double ratio = oursNs / theirsNs;
                boolean met = ratio <= TARGET;
                rows.add(new Row("1 Parse and validate", size + " steps (" + text.length() / 1024 + " KB), runbooks/s",
                        Timing.fmt(1e9 / oursNs), Timing.fmt(1e9 / theirsNs) + " (flexmark parse)", Timing.ratio(ratio),
                        "≤ 1.5× bare parse", met,
                        (met ? "" : PROFILE.getOrDefault(size, "") + " ") + "RunbookLoader.load (parse + graph + checks incl. trigger patterns) vs Parser.parse with the same 3 extensions; "
                                + "median of " + reps + " interleaved " + (sliceNanos / 1_000_000) + " ms slices after warm-up"));
            }
        } finally {
            try (var files = Files.list(dir)) {
                for (Path p : files.toList()) {
                    Files.deleteIfExists(p);
                }
            }
            Files.deleteIfExists(dir);
        }
        return rows;
    }

    private static volatile Object blackhole;

    private static void sink(Object value) {
        blackhole = value;
    }

    /** Nanoseconds per call, running it for about {@code sliceNanos}. */
    private static double perOp(Consumer<String> work, String text, long sliceNanos) {
        long start = System.nanoTime();
        long end = start + sliceNanos;
        int n = 0;
        long now;
        do {
            work.accept(text);
            n++;
            now = System.nanoTime();
        } while (now < end);
        return (double) (now - start) / n;
    }

    /** A runbook of {@code steps} steps: shell, http and assert in turn, with attributes, templates and prose. */
    static String runbook(int steps) {
        StringBuilder out = new StringBuilder();
        out.append("---\n")
                .append("id: bench-").append(steps).append('\n')
                .append("title: Generated runbook of ").append(steps).append(" steps\n")
                .append("owner: team-platform\n")
                .append("description: Synthetic runbook for the parse benchmark.\n")
                .append("timeout: 30m\n")
                .append("env: [USER]\n")
                .append("parameters:\n")
                .append("  host: { type: string, default: example.com, pattern: \"^[a-z.]+$\" }\n")
                .append("  replicas: { type: integer, default: 3, enum: [1, 3, 5] }\n")
                .append("  dryRun: { type: boolean, default: false }\n")
                .append("---\n\n")
                .append("# Generated runbook of ").append(steps).append(" steps\n\n")
                .append("This runbook checks a service, scales it and asserts it is healthy, over and over.\n\n");
        for (int i = 0; i < steps; i++) {
            String id = "s" + i;
            switch (i % 3) {
                case 0 -> out.append("## Stage ").append(i / 3 + 1).append("\n\n")
                        .append("Scale the service and record what happened. The *previous* stage must be done; see `")
                        .append(i == 0 ? "nothing" : "s" + (i - 1)).append("`.\n\n")
                        .append("```shell id=").append(id).append(" timeout=2m retries=1 on-failure=continue\n")
                        .append("echo \"scaling {{ params.host }} to {{ params.replicas }} as {{ env.USER }} ({{ run.id }})\"\n")
                        .append("echo '{\"freeMb\": 2048, \"stage\": ").append(i).append("}'\n")
                        .append("```\n\n");
                case 1 -> out.append("Then ask the service how it is:\n\n")
                        .append("- the health endpoint answers JSON\n- a `state` of `ok` means healthy\n\n")
                        .append("```http id=").append(id).append(" retries=2 backoff=500ms timeout=30s\n")
                        .append("url: \"https://{{ params.host }}/health/").append(i).append("\"\n")
                        .append("method: GET\n")
                        .append("headers:\n  Accept: application/json\n  X-Stage: \"").append(i).append("\"\n")
                        .append("outputs:\n  state: json.state\n")
                        .append("```\n\n");
                default -> out.append("| check | expected |\n| --- | --- |\n| state | ok |\n\n")
                        .append("```assert id=").append(id).append(" if=\"!params.dryRun\"\n")
                        .append("that: \"steps.s").append(i - 1).append(".outputs.state == 'ok'\"\n")
                        .append("message: \"the service is not healthy on {{ params.host }} at stage ").append(i).append("\"\n")
                        .append("```\n\n");
            }
        }
        out.append("- [ ] Tell the team the run is done\n");
        return out.toString();
    }
}
