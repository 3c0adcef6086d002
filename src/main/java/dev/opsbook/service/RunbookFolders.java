package dev.opsbook.service;

import dev.opsbook.graph.LoadedRunbook;
import dev.opsbook.graph.RunbookIds;
import dev.opsbook.graph.RunbookLoader;
import dev.opsbook.runbook.EscalationPath;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The runbooks and playbooks serve knows: every {@code *.md} under the configured folders,
 * read again when a file changes. A file that stops validating is reported and its last good
 * version stays in force; a removed file is forgotten. Ids are unique: of two files with one id,
 * only one is served. Thread-safe: readers get a snapshot.
 */
public final class RunbookFolders {

    private final List<Path> folders;
    private final RunbookLoader loader;
    private final PrintStream report;
    private final Map<Path, FileTime> seen = new HashMap<>();
    /** The shared escalation paths the runbooks may name, as last scanned: when one changes, every runbook is read again. */
    private Map<Path, FileTime> escalationPaths = Map.of();
    private final Map<Path, LoadedRunbook> good = new LinkedHashMap<>();
    private volatile List<LoadedRunbook> current = List.of();
    private final ServedChildChecks childChecks;
    private volatile Map<Path, LoadedRunbook> servedFiles = Map.of();
    private final dev.opsbook.graph.RunbookCatalog catalog;
    /** Files served, in the order they came to be; and files refused because another file has their id. */
    private Set<Path> served = new java.util.LinkedHashSet<>();
    private Set<Path> refused = new HashSet<>();

    public RunbookFolders(List<Path> folders, RunbookLoader loader, PrintStream report) {
        this.folders = List.copyOf(folders);
        this.loader = loader;
        this.report = report;
        this.childChecks = new ServedChildChecks(loader, report);
        this.catalog = childChecks.catalogOf(() -> servedFiles, this::current);
    }

    public List<LoadedRunbook> current() {
        return current;
    }

    /** Where a {@code runbook} step of a served runbook finds its child: the served runbooks as the last scan left them. */
    public dev.opsbook.graph.RunbookCatalog catalog() {
        return catalog;
    }

    /** Reads what changed since the last scan; calls {@code changed} with the new set when anything did. */
    public synchronized boolean scan(Consumer<List<LoadedRunbook>> changed) {
        Map<Path, FileTime> now = new HashMap<>();
        for (Path folder : folders) {
            if (!Files.isDirectory(folder)) {
                continue;
            }
            try (Stream<Path> walk = Files.walk(folder)) {
                for (Path file : walk.filter(p -> p.toString().endsWith(".md") && Files.isRegularFile(p)).sorted().toList()) {
                    now.put(file, Files.getLastModifiedTime(file));
                }
            } catch (IOException e) {
                report.println("opsbook: cannot read " + folder + ": " + e.getMessage());
            }
        }
        boolean any = false;
        Map<Path, FileTime> paths = escalationPathFiles();
        boolean pathsChanged = !paths.equals(escalationPaths);
        for (Path gone : new ArrayList<>(seen.keySet())) {
            if (!now.containsKey(gone)) {
                seen.remove(gone);
                if (good.remove(gone) != null) {
                    report.println("opsbook: " + gone + " was removed; its triggers are gone");
                }
                any = true;
            }
        }
        if (pathsChanged) {
            if (!seen.isEmpty()) {
                report.println("opsbook: escalation paths changed; reading the runbooks again");
            }
            escalationPaths = paths;
            seen.clear();
        }
        for (Map.Entry<Path, FileTime> file : now.entrySet()) {
            if (file.getValue().equals(seen.get(file.getKey()))) {
                continue;
            }
            seen.put(file.getKey(), file.getValue());
            any = true;
            try {
                LoadedRunbook loaded = loader.load(file.getKey());
                if (loaded.hasErrors()) {
                    loaded.errors().forEach(d -> report.println(d.toString()));
                    report.println("opsbook: " + file.getKey() + " is not valid; "
                            + (good.containsKey(file.getKey()) ? "keeping its last good version" : "it is not loaded"));
                } else {
                    boolean reloaded = good.put(file.getKey(), loaded) != null;
                    if (reloaded) {
                        report.println("opsbook: reloaded " + file.getKey());
                    }
                }
            } catch (IOException e) {
                report.println("opsbook: cannot read " + file.getKey() + ": " + e.getMessage());
            }
        }
        if (any) {
            current = servedOnePerId();
            changed.accept(current);
        }
        return any;
    }

    /**
     * The {@code escalation-paths/*.yaml} files under the folders and in the folders above them, where a runbook's
     * {@code escalation: NAME} may find its path (see {@link dev.opsbook.graph.EscalationPaths}).
     */
    private Map<Path, FileTime> escalationPathFiles() {
        Set<Path> places = new java.util.TreeSet<>();
        for (Path folder : folders) {
            for (Path above = folder.toAbsolutePath().normalize(); above != null; above = above.getParent()) {
                places.add(above.resolve(EscalationPath.FOLDER));
            }
            if (Files.isDirectory(folder)) {
                try (Stream<Path> walk = Files.walk(folder)) {
                    walk.filter(p -> p.getFileName() != null && p.getFileName().toString().equals(EscalationPath.FOLDER))
                            .forEach(p -> places.add(p.toAbsolutePath().normalize()));
                } catch (IOException | java.io.UncheckedIOException e) {
                    // //why: the scan of the runbooks below says that the folder cannot be read
                }
            }
        }
        Map<Path, FileTime> files = new HashMap<>();
        for (Path place : places) {
            if (!Files.isDirectory(place)) {
                continue;
            }
            try (Stream<Path> list = Files.list(place)) {
                for (Path file : list.filter(p -> p.toString().endsWith(EscalationPath.SUFFIX)).toList()) {
                    files.put(file, Files.getLastModifiedTime(file));
                }
            } catch (IOException | java.io.UncheckedIOException e) {
                report.println("opsbook: cannot read " + place + ": " + e.getMessage());
            }
        }
        return files;
    }

    /**
     * The good runbooks, one per id: of two files with one id, the one served already stays (at the
     * first scan, the first in path order), and the other is refused, with one line naming both.
     */
    private List<LoadedRunbook> servedOnePerId() {
        List<Path> order = new ArrayList<>();
        served.stream().filter(good::containsKey).forEach(order::add);
        good.keySet().stream().filter(p -> !served.contains(p)).sorted().forEach(order::add);
        Map<LoadedRunbook, Path> paths = new java.util.IdentityHashMap<>();
        order.forEach(p -> paths.put(good.get(p), p));
        RunbookIds.Checked checked = RunbookIds.check(order.stream().map(good::get).toList());
        Set<Path> nowRefused = new HashSet<>();
        for (RunbookIds.Duplicate duplicate : checked.duplicates()) {
            Path refused = paths.get(duplicate.refused());
            nowRefused.add(refused);
            if (!this.refused.contains(refused)) {
                report.println("opsbook: " + refused + " is not served: its id '" + duplicate.id() + "' is also the id of "
                        + paths.get(duplicate.kept()) + ", which is; give one of them another id: in its front matter");
            }
        }
        this.refused = nowRefused;
        served = new java.util.LinkedHashSet<>();
        checked.kept().forEach(loaded -> served.add(paths.get(loaded)));
        Map<Path, LoadedRunbook> unique = new LinkedHashMap<>();
        checked.kept().forEach(loaded -> unique.put(paths.get(loaded), loaded));
        List<LoadedRunbook> fit = childChecks.keep(unique);
        Map<Path, LoadedRunbook> kept = new LinkedHashMap<>(unique);
        kept.values().retainAll(fit);
        servedFiles = Map.copyOf(kept);
        return fit;
    }
}
