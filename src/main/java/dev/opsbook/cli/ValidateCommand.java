package dev.opsbook.cli;

import dev.opsbook.graph.LoadedRunbook;
import dev.opsbook.runbook.Diagnostic;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "validate", mixinStandardHelpOptions = true,
        description = "Checks runbooks and reports every problem as file:line:column. Folders are searched for *.md files.",
        footer = {"", "Exit status: 0 all valid (warnings allowed), 2 at least one error."})
public class ValidateCommand implements Callable<Integer> {

    @Parameters(arity = "1..*", paramLabel = "PATH", description = "Runbook files or folders.")
    List<Path> paths;

    @Override
    public Integer call() {
        Terminal out = Terminal.stdout();
        Terminal err = Terminal.stderr();
        List<Path> files = new ArrayList<>();
        boolean missing = false;
        for (Path path : paths) {
            if (Files.isDirectory(path)) {
                try (Stream<Path> walk = Files.walk(path)) {
                    walk.filter(p -> p.toString().endsWith(".md") && Files.isRegularFile(p)).sorted().forEach(files::add);
                } catch (IOException e) {
                    err.println(path + ": error: cannot read folder: " + e.getMessage());
                    missing = true;
                }
            } else if (Files.isRegularFile(path)) {
                files.add(path);
            } else {
                err.println(path + ": error: no such file or folder");
                missing = true;
            }
        }
        int errors = 0;
        int warnings = 0;
        int invalidFiles = 0;
        for (Path file : files) {
            LoadedRunbook loaded;
            try {
                loaded = Runbooks.loader().load(file);
            } catch (IOException e) {
                err.println(file + ": error: cannot read: " + e.getMessage());
                invalidFiles++;
                errors++;
                continue;
            }
            for (Diagnostic diagnostic : loaded.diagnostics()) {
                String line = diagnostic.toString();
                out.println(diagnostic.isError() ? out.red(line) : out.yellow(line));
            }
            long fileErrors = loaded.diagnostics().stream().filter(Diagnostic::isError).count();
            errors += fileErrors;
            warnings += loaded.diagnostics().size() - fileErrors;
            if (fileErrors > 0) {
                invalidFiles++;
            }
        }
        String summary = files.size() + (files.size() == 1 ? " file" : " files") + " checked: "
                + (invalidFiles == 0 ? "all valid" : invalidFiles + " invalid") + " (" + errors + (errors == 1 ? " error, " : " errors, ")
                + warnings + (warnings == 1 ? " warning)" : " warnings)");
        err.println(invalidFiles == 0 && !missing ? out.green(summary) : out.red(summary));
        return invalidFiles == 0 && !missing ? ExitCodes.OK : ExitCodes.INVALID;
    }
}
