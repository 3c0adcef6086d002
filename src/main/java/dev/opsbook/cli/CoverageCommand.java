package dev.opsbook.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.opsbook.alarm.AlarmReadException;
import dev.opsbook.alarm.AlarmSource;
import dev.opsbook.alarm.Alarms;
import dev.opsbook.alarm.CloudWatchAlarms;
import dev.opsbook.alarm.DescribeAlarmsJson;
import dev.opsbook.aws.AwsClients;
import dev.opsbook.aws.AwsSettings;
import dev.opsbook.graph.LoadedRunbook;
import dev.opsbook.service.Coverage;
import dev.opsbook.service.CoverageReport;
import dev.opsbook.service.TriggerMatcher;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "coverage", mixinStandardHelpOptions = true,
        description = {"Tells which runbook each CloudWatch alarm starts: for every alarm (metric and composite, from CloudWatch's "
                + "DescribeAlarms or a file of `aws cloudwatch describe-alarms` output) the event it sends on entering ALARM "
                + "(\"CloudWatch Alarm State Change\") is matched against the triggers of the runbooks, as serve matches events. "
                + "Nothing runs.",
                "An alarm whose `runbook` tag or description (`runbook: ID`, or a link to /runbooks/ID) names a runbook is covered "
                        + "only when that runbook is here and its triggers start on the alarm's event."},
        footer = {"", "Exit status: 0 read and matched (every alarm covered, with --fail-uncovered), 1 with --fail-uncovered an alarm "
                + "has no runbook, 2 invalid input (an alarm file that is not describe-alarms JSON, CloudWatch not readable, a runbook "
                + "with errors, a missing RUNBOOK_DIR)."})
public class CoverageCommand implements Callable<Integer> {

    @Parameters(arity = "0..*", paramLabel = "RUNBOOK_DIRS",
            description = "Runbook files or folders (default: runbooks playbooks, those that exist).")
    List<Path> paths;

    @Option(names = "--alarms", paramLabel = "FILE",
            description = "Read the alarms from this file (what `aws cloudwatch describe-alarms` prints) instead of CloudWatch.")
    Path alarmFile;

    @Option(names = "--region", paramLabel = "REGION", description = "The region whose alarms to read (default: the SDK's chain, e.g. AWS_REGION).")
    String region;

    @Option(names = "--profile", paramLabel = "NAME", description = "AWS named profile for credentials (default: the SDK's default chain).")
    String profile;

    @Option(names = "--endpoint-url", paramLabel = "URL", description = "Send the CloudWatch calls to this endpoint (LocalStack, WireMock).")
    URI endpointUrl;

    @Option(names = "--output", paramLabel = "FORMAT", defaultValue = "text", description = "text (default) or json.")
    String output;

    @Option(names = "--fail-uncovered", description = "Exit 1 when an alarm has no runbook (for CI).")
    boolean failUncovered;

    @Override
    public Integer call() {
        Terminal err = Terminal.stderr();
        if (!output.equals("text") && !output.equals("json")) {
            err.println("error: --output is text or json, not '" + output + "'");
            return ExitCodes.INVALID;
        }
        Optional<List<LoadedRunbook>> runbooks = runbooks(err);
        if (runbooks.isEmpty()) {
            return ExitCodes.INVALID;
        }
        Alarms alarms;
        try (AwsClients clients = new AwsClients(new AwsSettings(Optional.ofNullable(region), Optional.ofNullable(profile),
                Optional.ofNullable(endpointUrl)))) {
            AlarmSource source = alarmFile != null ? new DescribeAlarmsJson(alarmFile) : new CloudWatchAlarms(clients);
            alarms = source.read();
        } catch (AlarmReadException e) {
            err.println(err.red(e.getMessage().contains(": error: ") ? e.getMessage() : "error: " + e.getMessage()));
            return ExitCodes.INVALID;
        }
        TriggerMatcher matcher = new TriggerMatcher();
        matcher.use(runbooks.get());
        CoverageReport report = Coverage.of(alarms, runbooks.get(), matcher, Instant.now());
        if (output.equals("json")) {
            try {
                System.out.println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(report.json()));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        } else {
            CoverageTable.print(report, Terminal.stdout());
            report.warnings().forEach(w -> err.println(err.yellow("warning: " + w)));
        }
        return failUncovered && !report.uncovered().isEmpty() ? ExitCodes.FAILED : ExitCodes.OK;
    }

    private Optional<List<LoadedRunbook>> runbooks(Terminal err) {
        boolean defaults = paths == null || paths.isEmpty();
        Runbooks.Found found = Runbooks.find(defaults ? EventsCommand.Test.DEFAULT_PATHS.stream().filter(Files::exists).toList() : paths);
        boolean invalid = found.missing() > 0;
        List<LoadedRunbook> loaded = new ArrayList<>();
        for (Path file : found.files()) {
            try {
                LoadedRunbook runbook = Runbooks.loader().load(file);
                if (runbook.hasErrors()) {
                    runbook.errors().forEach(d -> err.println(err.red(d.toString())));
                    invalid = true;
                } else {
                    loaded.add(runbook);
                }
            } catch (IOException e) {
                err.println(file + ": error: cannot read: " + e.getMessage());
                invalid = true;
            }
        }
        if (invalid) {
            err.println(err.red("Nothing checked: fix the problems above first (opsbook validate shows them all)."));
            return Optional.empty();
        }
        return Optional.of(loaded);
    }
}
