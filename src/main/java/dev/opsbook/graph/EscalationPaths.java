package dev.opsbook.graph;

import dev.opsbook.runbook.Diagnostic;
import dev.opsbook.runbook.Escalation;
import dev.opsbook.runbook.EscalationPath;
import dev.opsbook.runbook.Position;
import dev.opsbook.runbook.Runbook;
import dev.opsbook.runbook.Suggestions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Where a runbook's {@code escalation: NAME} finds its tiers: {@code escalation-paths/NAME.yaml} in the runbook's folder or
 * the nearest folder above it that has one, then in the extra folders given (serve's runbook folders, for text it is sent
 * without a place). The file is read each time a runbook is loaded, so a changed path is in force at the next load.
 * Thread-safe: it holds nothing that changes.
 */
public final class EscalationPaths {

    private final List<Path> extraFolders;

    public EscalationPaths(List<Path> extraFolders) {
        this.extraFolders = extraFolders.stream().map(p -> p.toAbsolutePath().normalize()).toList();
    }

    /** The runbook as loaded, with a shared path's tiers in its escalation; and what is wrong, placed where it was written. */
    public record Resolved(Runbook runbook, List<Diagnostic> diagnostics) {
    }

    public Resolved resolve(Runbook runbook) {
        Optional<Escalation> escalation = runbook.escalation();
        if (escalation.isEmpty() || escalation.get().path().isEmpty()) {
            return new Resolved(runbook, List.of());
        }
        String name = escalation.get().path().get();
        Display display = new Display(runbook.file());
        List<Path> candidates = candidates(runbook.file());
        for (Path folder : candidates) {
            Path file = folder.resolve(name + EscalationPath.SUFFIX);
            if (Files.isRegularFile(file)) {
                return read(runbook, escalation.get(), file, display);
            }
        }
        return new Resolved(runbook, List.of(Diagnostic.error(runbook.file(), escalation.get().position(), missing(name, candidates, display))));
    }

    private Resolved read(Runbook runbook, Escalation escalation, Path file, Display display) {
        String name = escalation.path().orElseThrow();
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return new Resolved(runbook, List.of(Diagnostic.error(runbook.file(), escalation.position(),
                    "escalation path '" + name + "': cannot read " + display.of(file) + ": " + e.getMessage())));
        }
        EscalationPath.Read read = EscalationPath.read(display.of(file), name, text);
        List<Diagnostic> diagnostics = new ArrayList<>(read.diagnostics());
        if (read.path().isEmpty()) {
            diagnostics.add(Diagnostic.error(runbook.file(), escalation.position(), "escalation path '" + name + "' ("
                    + display.of(file) + ") is not valid; fix the errors reported in that file"));
            return new Resolved(runbook, diagnostics);
        }
        return new Resolved(runbook.withEscalation(new Escalation(escalation.path(), read.path().get().tiers(), escalation.position())),
                diagnostics);
    }

    /** A shared path's file checked on its own, as {@code opsbook validate} finds it in a folder: its name in diagnostics, and its problems. */
    public record Checked(String file, List<Diagnostic> diagnostics) {
        public Checked {
            diagnostics = List.copyOf(diagnostics);
        }
    }

    /** Whether {@code file} is a shared path's file: {@code escalation-paths/NAME.yaml}. */
    public static boolean isPathFile(Path file) {
        Path parent = file.toAbsolutePath().normalize().getParent();
        return file.getFileName() != null && file.getFileName().toString().endsWith(EscalationPath.SUFFIX)
                && parent != null && parent.getFileName() != null && parent.getFileName().toString().equals(EscalationPath.FOLDER);
    }

    /** Every shared path's file under {@code folder}, at any depth, in name order. */
    public static List<Path> filesUnder(Path folder) throws IOException {
        try (Stream<Path> walk = Files.walk(folder)) {
            return walk.filter(f -> isPathFile(f) && Files.isRegularFile(f)).sorted().toList();
        } catch (java.io.UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /** Checks a shared path's file whether or not a runbook names it, named as a runbook's diagnostics name it. */
    public static Checked check(Path file) {
        String shown = new Display(file.toString()).of(file.toAbsolutePath().normalize());
        String name = file.getFileName().toString();
        name = name.substring(0, name.length() - EscalationPath.SUFFIX.length());
        try {
            return new Checked(shown, EscalationPath.read(shown, name, Files.readString(file, StandardCharsets.UTF_8)).diagnostics());
        } catch (IOException e) {
            return new Checked(shown, List.of(Diagnostic.error(shown, Position.START, "cannot read: " + e.getMessage())));
        }
    }

    /** The escalation-paths folders a runbook file may use, nearest first. */
    public List<Path> candidates(String runbookFile) {
        List<Path> folders = new ArrayList<>();
        for (Path folder = Path.of(runbookFile).toAbsolutePath().normalize().getParent(); folder != null; folder = folder.getParent()) {
            Path paths = folder.resolve(EscalationPath.FOLDER);
            if (Files.isDirectory(paths)) {
                folders.add(paths);
            }
        }
        extraFolders.stream().map(f -> f.resolve(EscalationPath.FOLDER)).filter(Files::isDirectory)
                .filter(f -> !folders.contains(f)).forEach(folders::add);
        return folders;
    }

    private static String missing(String name, List<Path> candidates, Display display) {
        String wanted = EscalationPath.FOLDER + "/" + name + EscalationPath.SUFFIX;
        if (candidates.isEmpty()) {
            return "escalation path '" + name + "' not found: there is no " + EscalationPath.FOLDER + " folder in " + display.folder()
                    + " or a folder above it; create " + display.of(display.runbookFolder().resolve(wanted)) + " with tiers:";
        }
        Map<String, Path> existing = new LinkedHashMap<>();
        for (Path folder : candidates) {
            try (Stream<Path> files = Files.list(folder)) {
                files.map(f -> f.getFileName().toString()).filter(f -> f.endsWith(EscalationPath.SUFFIX)).sorted()
                        .forEach(f -> existing.putIfAbsent(f.substring(0, f.length() - EscalationPath.SUFFIX.length()), folder));
            } catch (IOException e) {
                // //why: a folder that cannot be listed names no path; the message lists the others
            }
        }
        List<String> there = candidates.stream().map(folder -> display.of(folder) + " has " + listed(existing, folder)).toList();
        return "escalation path '" + name + "' not found: no " + wanted + " in " + display.folder() + " or a folder above it"
                + Suggestions.didYouMean(name, existing.keySet()) + "; " + String.join("; ", there);
    }

    private static String listed(Map<String, Path> existing, Path folder) {
        List<String> names = existing.entrySet().stream().filter(e -> e.getValue().equals(folder)).map(Map.Entry::getKey).toList();
        return names.isEmpty() ? "no paths" : String.join(", ", names);
    }

    /** Paths as the user would write them: relative to the working folder when the runbook was named that way. */
    private record Display(String runbookFile) {
        Path runbookFolder() {
            Path parent = Path.of(runbookFile).toAbsolutePath().normalize().getParent();
            return parent == null ? Path.of("").toAbsolutePath() : parent;
        }

        String folder() {
            String shown = of(runbookFolder());
            return shown.isEmpty() ? "." : shown;
        }

        String of(Path path) {
            Path here = Path.of("").toAbsolutePath();
            if (Path.of(runbookFile).isAbsolute() || !path.startsWith(here)) {
                return path.toString();
            }
            return here.relativize(path).toString();
        }
    }
}
