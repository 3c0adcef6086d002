package dev.opsbook.cli;

import dev.opsbook.graph.EscalationPaths;
import dev.opsbook.graph.LoadedRunbook;
import dev.opsbook.graph.RunbookIds;
import dev.opsbook.runbook.Diagnostic;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "validate", mixinStandardHelpOptions = true,
        description = "Checks runbooks and reports every problem as file:line:column. Folders are searched for *.md files"
                + " and shared escalation paths (escalation-paths/*.yaml).",
        footer = {"", "Exit status: 0 all valid (warnings allowed), 2 at least one error."})
public class ValidateCommand implements Callable<Integer> {

    @Parameters(arity = "1..*", paramLabel = "PATH", description = "Runbook files or folders; - reads one runbook from standard input.")
    List<Path> paths;

    @Override
    public Integer call() {
        Terminal out = Terminal.stdout();
        Terminal err = Terminal.stderr();
        Runbooks.Found found = Runbooks.find(paths);
        List<Path> files = found.files();
        int missing = found.missing();
        int unreadable = 0;
        List<LoadedRunbook> read = new ArrayList<>();
        List<Path> pathFiles = new ArrayList<>();
        java.util.Set<Path> seen = new java.util.HashSet<>();
        for (Path file : files) {
            if (!seen.add(file.toAbsolutePath().normalize())) {
                continue; // named twice, or a file inside a folder also given
            }
            if (!Runbooks.isStdin(file) && EscalationPaths.isPathFile(file)) {
                pathFiles.add(file);
                continue;
            }
            try {
                read.add(Runbooks.load(file));
            } catch (IOException e) {
                err.println(Runbooks.nameOf(file) + ": error: cannot read: " + e.getMessage());
                unreadable++;
            }
        }
        for (Path folder : paths) {
            if (!Runbooks.isStdin(folder) && Files.isDirectory(folder)) {
                try {
                    EscalationPaths.filesUnder(folder).stream().filter(f -> seen.add(f.toAbsolutePath().normalize())).forEach(pathFiles::add);
                } catch (IOException e) {
                    // //why: Runbooks.find walked this folder first, and has said it cannot be read and counted it
                }
            }
        }
        // //why: keyed by the file each problem is in, so that a shared path's problems are said once, however many runbooks name it
        Map<String, Set<Diagnostic>> byFile = new LinkedHashMap<>();
        for (LoadedRunbook loaded : read) {
            byFile.computeIfAbsent(loaded.runbook().file(), f -> new LinkedHashSet<>());
            loaded.diagnostics().forEach(d -> byFile.computeIfAbsent(d.file(), f -> new LinkedHashSet<>()).add(d));
        }
        for (RunbookIds.Duplicate duplicate : RunbookIds.check(read).duplicates()) {
            byFile.get(duplicate.refused().runbook().file()).add(duplicate.diagnostic());
        }
        for (Path pathFile : pathFiles) {
            EscalationPaths.Checked checked = EscalationPaths.check(pathFile);
            byFile.computeIfAbsent(checked.file(), f -> new LinkedHashSet<>()).addAll(checked.diagnostics());
        }
        int errors = unreadable;
        int warnings = 0;
        int invalidFiles = unreadable;
        for (Set<Diagnostic> problems : byFile.values()) {
            List<Diagnostic> diagnostics = new ArrayList<>(problems);
            diagnostics.sort(Diagnostic.IN_FILE_ORDER);
            for (Diagnostic diagnostic : diagnostics) {
                String line = diagnostic.toString();
                out.println(diagnostic.isError() ? out.red(line) : out.yellow(line));
            }
            long fileErrors = diagnostics.stream().filter(Diagnostic::isError).count();
            errors += fileErrors;
            warnings += diagnostics.size() - fileErrors;
            if (fileErrors > 0) {
                invalidFiles++;
            }
        }
        int checked = byFile.size() + unreadable;
        boolean valid = invalidFiles == 0 && missing == 0;
        String summary = checked + (checked == 1 ? " file" : " files") + " checked: "
                + (valid ? "all valid" : invalidFiles + " invalid" + (missing > 0 ? ", " + missing + " not found" : "")) + " (" + errors + (errors == 1 ? " error, " : " errors, ")
                + warnings + (warnings == 1 ? " warning)" : " warnings)");
        err.println(valid ? out.green(summary) : out.red(summary));
        return valid ? ExitCodes.OK : ExitCodes.INVALID;
    }
}
