package dev.opsbook.cli;

import dev.opsbook.graph.RunbookLoader;
import dev.opsbook.service.RunbookFolders;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * serve's check, before anything listens, that its folders hold a runbook that loads. A serve with none would
 * consume events and start nothing (a container whose runbooks were mounted elsewhere, a typo in the folder), so it
 * refuses in one line; {@code --allow-empty} (opsbook.allow-empty) starts it anyway, with a warning, for a folder
 * filled later (serve reads its folders again as files change).
 */
final class RunbooksToServe {

    private RunbooksToServe() {
    }

    /**
     * Whether serve may start: true when a runbook loads, or none does and empty is allowed (then a warning is
     * printed); false after printing why not: what the loader said of the files that did not load, then one line.
     */
    static boolean check(List<Path> folders, boolean allowEmpty, RunbookLoader loader, PrintStream err) {
        ByteArrayOutputStream said = new ByteArrayOutputStream();
        RunbookFolders found = new RunbookFolders(folders, loader, new PrintStream(said, true, StandardCharsets.UTF_8));
        found.scan(runbooks -> { });
        if (!found.current().isEmpty()) {
            return true;
        }
        long files = folders.stream().mapToLong(RunbooksToServe::markdownFiles).sum();
        String where = String.join(", ", folders.stream().map(f -> Files.isDirectory(f) ? f.toString() : f + " (no such folder)").toList());
        String why = files == 0 ? "no *.md file in " + where
                : "none of the " + files + " *.md file" + (files == 1 ? "" : "s") + " in " + where + " loads (see above)";
        if (allowEmpty) {
            err.println("warning: serving NO runbook (--allow-empty): " + why + "; events start nothing until a runbook that loads is added there");
            return true;
        }
        err.print(said.toString(StandardCharsets.UTF_8));
        err.println("error: no runbook to serve: " + why + "; give the folders with --runbooks DIR (or " + Setting.RUNBOOKS.environment()
                + "=DIR,DIR)" + (files == 0 ? "" : " or fix the files") + ", or start with none with --allow-empty");
        return false;
    }

    private static long markdownFiles(Path folder) {
        if (!Files.isDirectory(folder)) {
            return 0;
        }
        try (Stream<Path> walk = Files.walk(folder)) {
            return walk.filter(p -> p.toString().endsWith(".md") && Files.isRegularFile(p)).count();
        } catch (IOException | UncheckedIOException e) {
            return 0;
        }
    }
}
