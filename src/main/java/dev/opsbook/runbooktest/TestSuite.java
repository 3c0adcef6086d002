package dev.opsbook.runbooktest;

import dev.opsbook.graph.LoadedRunbook;
import dev.opsbook.graph.RunbookLoader;
import dev.opsbook.rehearsal.StepAnswer;
import dev.opsbook.runbook.Diagnostic;
import dev.opsbook.runbook.Position;
import dev.opsbook.runbook.Step;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.stream.Stream;

/** The test files under some paths, each with the runbook it tests, checked against it; and running their cases. */
public final class TestSuite {

    /** A valid test file with the runbook it tests. */
    public record Tested(TestFiles.TestFile file, LoadedRunbook runbook) {
    }

    /** @param problems located errors: a file with any is not run */
    public record Found(List<Tested> files, List<Diagnostic> problems) {
    }

    private TestSuite() {
    }

    /** The {@code *.test.yaml} files among {@code paths} (folders searched), read and checked against their runbooks. */
    public static Found find(List<Path> paths, RunbookLoader loader) {
        Set<Path> files = new LinkedHashSet<>();
        List<Diagnostic> problems = new ArrayList<>();
        for (Path path : paths) {
            if (Files.isDirectory(path)) {
                try (Stream<Path> walk = Files.walk(path)) {
                    walk.filter(p -> p.getFileName().toString().endsWith(".test.yaml")).sorted().forEach(files::add);
                } catch (IOException e) {
                    problems.add(Diagnostic.error(path.toString(), Position.START, "cannot read: " + e.getMessage()));
                }
            } else if (Files.isRegularFile(path)) {
                files.add(path);
            } else {
                problems.add(Diagnostic.error(path.toString(), Position.START, "no such file or folder"));
            }
        }
        List<Tested> tested = new ArrayList<>();
        for (Path file : files) {
            TestFiles.Read read = TestFiles.read(file);
            problems.addAll(read.problems());
            read.file().ifPresent(f -> check(f, loader, problems).ifPresent(tested::add));
        }
        return new Found(tested, problems);
    }

    private static Optional<Tested> check(TestFiles.TestFile file, RunbookLoader loader, List<Diagnostic> problems) {
        Path folder = file.file().toAbsolutePath().getParent();
        String name = file.file().getFileName().toString();
        Optional<Path> runbookFile;
        if (file.runbook().isEmpty()) {
            runbookFile = Optional.of(folder.resolve(name.substring(0, name.length() - ".test.yaml".length()) + ".md"));
        } else if (file.runbook().endsWith(".md")) {
            runbookFile = Optional.of(folder.resolve(file.runbook()));
        } else {
            runbookFile = byId(folder, file.runbook(), loader);
        }
        if (runbookFile.isEmpty() || !Files.isRegularFile(runbookFile.get())) {
            problems.add(file.locate(file.runbook().isEmpty() ? "" : "/runbook", "no runbook "
                    + runbookFile.map(Path::toString).orElse("with id '" + file.runbook() + "' in " + folder)
                    + " to test; name it with runbook: (a path relative to this file, or an id)"));
            return Optional.empty();
        }
        LoadedRunbook loaded;
        try {
            loaded = loader.load(runbookFile.get());
        } catch (IOException e) {
            problems.add(file.locate("", "cannot read the runbook " + runbookFile.get() + ": " + e.getMessage()));
            return Optional.empty();
        }
        if (loaded.hasErrors()) {
            problems.addAll(loaded.errors());
            return Optional.empty();
        }
        Set<String> ids = new java.util.HashSet<>();
        loaded.runbook().steps().stream().map(Step::id).forEach(ids::add);
        int before = problems.size();
        for (TestCase c : file.cases()) {
            for (StepAnswer answer : c.steps().values()) {
                unknownStep(file, answer.stepId(), answer.pointer() + "#key", ids, "steps:", problems);
            }
            for (String step : c.expect().steps().keySet()) {
                unknownStep(file, step, c.expect().pointers().get("steps/" + step), ids, "expect: steps:", problems);
            }
            for (String output : c.expect().outputs().keySet()) {
                if (!ids.contains(output) && !loaded.runbook().outputs().containsKey(output)) {
                    problems.add(file.locate(c.expect().pointers().get("outputs/" + output), "outputs: names '" + output
                            + "', which is neither a step of " + loaded.runbook().id() + " nor one of its outputs"
                            + dev.opsbook.runbook.Suggestions.didYouMean(output, ids)));
                }
            }
        }
        return problems.size() == before ? Optional.of(new Tested(file, loaded)) : Optional.empty();
    }

    private static void unknownStep(TestFiles.TestFile file, String step, String pointer, Set<String> ids, String where, List<Diagnostic> problems) {
        if (!ids.contains(step)) {
            problems.add(file.locate(pointer, where + " names step '" + step + "', which the runbook does not have"
                    + dev.opsbook.runbook.Suggestions.didYouMean(step, ids) + "; its steps: " + String.join(", ", new java.util.TreeSet<>(ids))));
        }
    }

    private static Optional<Path> byId(Path folder, String id, RunbookLoader loader) {
        try (Stream<Path> walk = Files.list(folder)) {
            for (Path md : walk.filter(p -> p.toString().endsWith(".md")).sorted().toList()) {
                try {
                    if (loader.load(md).runbook().id().equals(id)) {
                        return Optional.of(md);
                    }
                } catch (IOException e) {
                    // an unreadable file is not the one named
                }
            }
        } catch (IOException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    /**
     * Runs every case on {@code threads} threads; {@code each} hears the results in file order, each as soon as it and
     * those before it are done.
     */
    public static List<CaseResult> run(List<Tested> files, CaseRunner runner, int threads, Consumer<CaseResult> each)
            throws InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<CaseResult>> futures = new ArrayList<>();
            int n = 0;
            for (Tested tested : files) {
                for (TestCase c : tested.file().cases()) {
                    String runId = "test-" + (++n);
                    futures.add(pool.submit(() -> runner.run(tested.runbook(), c, runId)));
                }
            }
            List<CaseResult> results = new ArrayList<>();
            for (Future<CaseResult> future : futures) {
                try {
                    CaseResult result = future.get();
                    results.add(result);
                    each.accept(result);
                } catch (ExecutionException e) {
                    throw new IllegalStateException(e.getCause());
                }
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

}
