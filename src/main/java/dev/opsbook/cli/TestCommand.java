package dev.opsbook.cli;

import dev.opsbook.runbook.Diagnostic;
import dev.opsbook.runbooktest.CaseLines;
import dev.opsbook.runbooktest.CaseResult;
import dev.opsbook.runbooktest.CaseRunner;
import dev.opsbook.runbooktest.JUnitXml;
import dev.opsbook.runbooktest.TestSuite;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "test", mixinStandardHelpOptions = true,
        description = {"Runs the cases of runbook test files (NAME.test.yaml beside NAME.md) against simulated AWS, steps and time: "
                + "nothing touches the world. One line per case; a failure shows the expectation, what happened instead and the step's input."},
        footer = {"", "Exit status: 0 every case passed, 1 a case failed, 2 a test file or its runbook is invalid (nothing ran)."})
public class TestCommand implements Callable<Integer> {

    @Parameters(arity = "0..*", paramLabel = "PATH", description = "Test files or folders searched for *.test.yaml (default: runbooks and playbooks).")
    List<Path> paths;

    @Option(names = "--junit", paramLabel = "FILE", description = "Also write the results as JUnit XML, for CI.")
    Path junit;

    @Option(names = "--record-dir", paramLabel = "DIR", description = "Keep each case's run record as DIR/RUNBOOK/CASE.md.")
    Path recordDir;

    @Option(names = "--threads", paramLabel = "N", description = "Cases run at once (default: 8).")
    int threads = 8;

    @Override
    public Integer call() throws InterruptedException {
        Terminal out = Terminal.stdout();
        Terminal err = Terminal.stderr();
        List<Path> given = paths == null || paths.isEmpty()
                ? java.util.stream.Stream.of(Path.of("runbooks"), Path.of("playbooks")).filter(Files::isDirectory).toList() : paths;
        TestSuite.Found found = TestSuite.find(given, Runbooks.loader());
        if (!found.problems().isEmpty()) {
            found.problems().stream().sorted(java.util.Comparator.comparing(Diagnostic::file).thenComparing(Diagnostic.IN_FILE_ORDER))
                    .forEach(d -> err.println(err.red(d.toString())));
            return ExitCodes.INVALID;
        }
        List<CaseResult> results = TestSuite.run(found.files(), new CaseRunner(Runbooks.python()), Math.max(1, threads), result -> {
            out.println(result.passed() ? out.green(CaseLines.line(result)) : out.red(CaseLines.line(result)));
            CaseLines.failures(result).forEach(line -> out.println("     " + line));
            keep(result, err);
        });
        long failed = results.stream().filter(r -> !r.passed()).count();
        String summary = results.size() + (results.size() == 1 ? " case: " : " cases: ") + (results.size() - failed) + " passed, " + failed + " failed";
        err.println(failed == 0 ? out.green(summary) : out.red(summary));
        if (junit != null) {
            try {
                JUnitXml.write(results, junit);
            } catch (IOException e) {
                err.println("error: cannot write " + junit + ": " + e.getMessage());
                return ExitCodes.FAILED;
            }
        }
        return failed == 0 ? ExitCodes.OK : ExitCodes.FAILED;
    }

    private void keep(CaseResult result, Terminal err) {
        if (recordDir == null || result.record().isEmpty()) {
            return;
        }
        Path file = recordDir.resolve(result.runbook()).resolve(result.testCase().name().replaceAll("[^A-Za-z0-9._-]+", "-") + ".md");
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, result.record(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            err.println("error: cannot keep the record " + file + ": " + e.getMessage());
        }
    }
}
