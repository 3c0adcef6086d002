package dev.opsbook.service;

import dev.opsbook.graph.LoadedRunbook;
import dev.opsbook.graph.RunbookCatalog;
import dev.opsbook.graph.RunbookLoader;
import dev.opsbook.graph.SubRunbooks;
import dev.opsbook.runbook.Diagnostic;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * serve's checks of its runbooks against the runbooks their {@code runbook} steps run, made each time a file changes:
 * a runbook whose step names an unknown child, gives a parameter the child does not declare, misses a required one, or
 * closes a cycle is reported with file:line:column and not served, like a runbook that does not validate. Leaving one
 * out may break the runbooks that run it, so the checks go on until none more is left out. A runbook that checks out
 * again (its child was fixed) is served again, and the log says so. Not thread-safe: {@link RunbookFolders} calls it
 * under its lock.
 */
final class ServedChildChecks {

    private final RunbookLoader loader;
    private final PrintStream report;
    /** The problems each file left out had at the last check, so a line is written when they change, not at each scan. */
    private Map<Path, List<Diagnostic>> failing = Map.of();

    ServedChildChecks(RunbookLoader loader, PrintStream report) {
        this.loader = loader;
        this.report = report;
    }

    /**
     * The runbooks of {@code candidates} (file to runbook, each valid on its own, ids unique) that check out with the
     * runbooks they run, in their order.
     */
    List<LoadedRunbook> keep(Map<Path, LoadedRunbook> candidates) {
        Map<Path, LoadedRunbook> kept = new LinkedHashMap<>(candidates);
        Map<Path, List<Diagnostic>> now = new HashMap<>();
        boolean leftOut = true;
        while (leftOut) {
            leftOut = false;
            RunbookCatalog catalog = catalogOf(kept);
            for (Map.Entry<Path, LoadedRunbook> file : List.copyOf(kept.entrySet())) {
                List<Diagnostic> problems = SubRunbooks.check(file.getValue(), catalog).errors();
                if (!problems.isEmpty()) {
                    kept.remove(file.getKey());
                    now.put(file.getKey(), problems);
                    leftOut = true;
                }
            }
        }
        now.forEach((file, problems) -> {
            if (!problems.equals(failing.get(file))) {
                problems.forEach(d -> report.println(d.toString()));
                report.println("opsbook: " + file + " is not valid with the runbooks it runs; it is not loaded until they fit");
            }
        });
        failing.keySet().stream().filter(file -> !now.containsKey(file) && kept.containsKey(file)).sorted()
                .forEach(file -> report.println("opsbook: " + file + " fits the runbooks it runs again; it is served"));
        failing = now;
        return List.copyOf(kept.values());
    }

    /**
     * The runbooks a step may name: by id those kept, by path a kept file, or a file outside serve's folders that validates, read
     * afresh (not kept from an earlier read, so a change to it counts at the next check).
     */
    RunbookCatalog catalogOf(Map<Path, LoadedRunbook> kept) {
        Map<Path, LoadedRunbook> copy = Map.copyOf(kept);
        List<LoadedRunbook> ids = List.copyOf(kept.values());
        return catalogOf(() -> copy, () -> ids);
    }

    /** The same, over what {@code kept} gives when asked (serve's runbooks as the last scan left them). */
    RunbookCatalog catalogOf(Supplier<Map<Path, LoadedRunbook>> kept, Supplier<List<LoadedRunbook>> ids) {
        return new RunbookCatalog(loader, ids, file -> {
            for (Map.Entry<Path, LoadedRunbook> entry : kept.get().entrySet()) {
                if (entry.getKey().toAbsolutePath().normalize().equals(file)) {
                    return Optional.of(entry.getValue());
                }
            }
            return read(file);
        });
    }

    private Optional<LoadedRunbook> read(Path file) {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(loader.load(file)).filter(loaded -> !loaded.hasErrors());
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
