package dev.opsbook.graph;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Where a {@code runbook} step finds the runbook it runs: by id among the runbooks read with it (those the {@code runbooks}
 * supplier gives, first of an id wins), or by a path relative to the file of the runbook that names it. Files read by path
 * are read once. Thread-safe.
 */
public final class RunbookCatalog {

    private final RunbookLoader loader;
    private final Supplier<List<LoadedRunbook>> runbooks;
    private final Map<Path, Optional<LoadedRunbook>> byPath = new ConcurrentHashMap<>();
    private final java.util.function.Function<Path, Optional<LoadedRunbook>> files;

    public RunbookCatalog(RunbookLoader loader, Supplier<List<LoadedRunbook>> runbooks) {
        this.loader = loader;
        this.runbooks = runbooks;
        this.files = null;
    }

    /** A catalog that finds a file by path through {@code files} (given the absolute path), not by reading it once. */
    public RunbookCatalog(RunbookLoader loader, Supplier<List<LoadedRunbook>> runbooks,
                          java.util.function.Function<Path, Optional<LoadedRunbook>> files) {
        this.loader = loader;
        this.runbooks = runbooks;
        this.files = files;
    }

    /** The runbooks of a folder (its {@code *.md} files, not those of folders below it), read the first time they are asked for. */
    public static RunbookCatalog ofFolder(RunbookLoader loader, Path folder) {
        Supplier<List<LoadedRunbook>> read = new Supplier<>() {
            private List<LoadedRunbook> read;

            @Override
            public synchronized List<LoadedRunbook> get() {
                if (read == null) {
                    read = new java.util.ArrayList<>();
                    try (Stream<Path> files = Files.list(folder)) {
                        for (Path file : files.filter(p -> p.toString().endsWith(".md") && Files.isRegularFile(p)).sorted().toList()) {
                            try {
                                read.add(loader.load(file));
                            } catch (IOException e) {
                                // //why: a file that cannot be read is no runbook a step can name; the step's error says so
                            }
                        }
                    } catch (IOException e) {
                        // no folder to look in: only paths resolve
                    }
                }
                return read;
            }
        };
        return new RunbookCatalog(loader, read);
    }

    public Optional<LoadedRunbook> byId(String id) {
        return runbooks.get().stream().filter(r -> r.runbook().id().equals(id)).findFirst();
    }

    public Collection<String> ids() {
        Map<String, Boolean> ids = new LinkedHashMap<>();
        runbooks.get().forEach(r -> ids.put(r.runbook().id(), true));
        return ids.keySet();
    }

    /** The file {@code path} names, relative to the folder of {@code fromFile}. */
    public static Path resolve(String fromFile, String path) {
        Path from = Path.of(fromFile).toAbsolutePath().getParent();
        return (from == null ? Path.of(path) : from.resolve(path)).normalize();
    }

    public Optional<LoadedRunbook> byPath(String fromFile, String path) {
        Path file = resolve(fromFile, path);
        if (files != null) {
            return files.apply(file);
        }
        return byPath.computeIfAbsent(file, f -> {
            if (!Files.isRegularFile(f)) {
                return Optional.empty();
            }
            try {
                return Optional.of(loader.load(f));
            } catch (IOException e) {
                return Optional.empty();
            }
        });
    }
}
