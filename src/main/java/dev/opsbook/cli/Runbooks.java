package dev.opsbook.cli;

import dev.opsbook.graph.RunbookLoader;
import dev.opsbook.runbook.RunbookParser;
import dev.opsbook.steps.PythonCheck;
import dev.opsbook.steps.PythonStep;
import dev.opsbook.steps.StandardSteps;
import dev.opsbook.trigger.TriggerPatternCheck;
import java.util.List;

/**
 * The one loader every command uses, with the step kinds this build ships, event-ruler's check of trigger patterns and
 * the configured interpreter's check of python steps.
 */
final class Runbooks {
    private Runbooks() {
    }

    /**
     * Loads a runbook for a command, printing why it cannot when it cannot: empty when the file
     * cannot be read, or (with {@code errorsStop}) when it has errors.
     */
    static java.util.Optional<dev.opsbook.graph.LoadedRunbook> loadOrReport(java.nio.file.Path file, boolean errorsStop) {
        dev.opsbook.graph.LoadedRunbook loaded;
        try {
            loaded = load(file);
        } catch (java.io.IOException e) {
            System.err.println(nameOf(file) + ": error: cannot read: " + e.getMessage());
            return java.util.Optional.empty();
        }
        if (errorsStop && loaded.hasErrors()) {
            loaded.errors().forEach(System.err::println);
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(loaded);
    }

    /** The runbook files some paths name, and how many paths named none (each said on standard error). */
    record Found(List<java.nio.file.Path> files, int missing) {
    }

    /**
     * The runbook files that files and folders name, folders searched for {@code *.md} files at
     * any depth, in name order; {@code -} (standard input) is kept as it is.
     */
    static Found find(List<java.nio.file.Path> paths) {
        List<java.nio.file.Path> files = new java.util.ArrayList<>();
        int missing = 0;
        for (java.nio.file.Path path : paths) {
            if (isStdin(path) || java.nio.file.Files.isRegularFile(path)) {
                files.add(path);
            } else if (java.nio.file.Files.isDirectory(path)) {
                try (java.util.stream.Stream<java.nio.file.Path> walk = java.nio.file.Files.walk(path)) {
                    walk.filter(p -> p.toString().endsWith(".md") && java.nio.file.Files.isRegularFile(p)).sorted().forEach(files::add);
                } catch (java.io.IOException | java.io.UncheckedIOException e) {
                    System.err.println(path + ": error: cannot read folder: " + e.getMessage());
                    missing++;
                }
            } else {
                System.err.println(path + ": error: no such file or folder");
                missing++;
            }
        }
        return new Found(files, missing);
    }

    /** {@code -} stands for standard input, as in most command-line tools; a file named "-" is {@code ./-}. */
    static boolean isStdin(java.nio.file.Path file) {
        return file.toString().equals("-");
    }

    /** How diagnostics name the runbook: its path, or {@code <stdin>}. */
    static String nameOf(java.nio.file.Path file) {
        return isStdin(file) ? RunbookParser.STDIN : file.toString();
    }

    /** Reads and checks a runbook file, or standard input for {@code -}. */
    static dev.opsbook.graph.LoadedRunbook load(java.nio.file.Path file) throws java.io.IOException {
        // //why: a runbook step's child is checked with its parent: the runbooks of the parent's folder, by id or path
        dev.opsbook.graph.RunbookCatalog children = catalogFor(file);
        if (isStdin(file)) {
            return dev.opsbook.graph.SubRunbooks.check(loader().load(RunbookParser.STDIN,
                    new String(System.in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)), children);
        }
        return dev.opsbook.graph.SubRunbooks.check(loader().load(file), children);
    }

    /** The runbooks a runbook step of {@code file} can name by id: those of its folder. */
    static dev.opsbook.graph.RunbookCatalog catalogFor(java.nio.file.Path file) {
        java.nio.file.Path folder = isStdin(file) || file.toAbsolutePath().getParent() == null ? java.nio.file.Path.of("")
                : file.toAbsolutePath().getParent();
        return dev.opsbook.graph.RunbookCatalog.ofFolder(loader(), folder);
    }

    static RunbookLoader loader() {
        return new RunbookLoader(StandardSteps.all().catalog(), List.of(new TriggerPatternCheck(), new PythonCheck(python())));
    }

    /** The interpreter of python steps: the {@code opsbook.python} setting (OPSBOOK_PYTHON), else {@code python3}. */
    static String python() {
        return Setting.PYTHON.value().orElse(PythonStep.DEFAULT_INTERPRETER);
    }

    /** Where notifications go: the {@code opsbook.pagerduty-url} and {@code opsbook.email-from} settings. */
    static dev.opsbook.steps.Notifier.Settings notifications() {
        return dev.opsbook.steps.Notifier.Settings.of(Setting.PAGERDUTY_URL.value(), Setting.EMAIL_FROM.value());
    }
}
