package dev.opsbook.cli;

import dev.opsbook.incident.IncidentIds;
import dev.opsbook.runbook.Durations;
import dev.opsbook.service.IncidentRuns;
import dev.opsbook.store.RunStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code opsbook incident report ID}: the Markdown post-incident draft of an incident, read from the store or from a running serve. */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = "Writes a Markdown post-incident draft: summary, what fired, what ran, who was told and who acted when, what failed,"
                + " what was rolled back, time to first step and to resolution, open questions, timeline.")
public class IncidentReportCommand implements Callable<Integer> {

    static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

    @Parameters(index = "0", paramLabel = "ID", description = "The incident: an id given at launch (--incident), or one opsbook incident list shows.")
    String id;

    @Option(names = {"-o", "--out"}, paramLabel = "FILE", description = "Write the draft here rather than to standard output.")
    Path out;

    @Option(names = "--url", paramLabel = "URL", description = "Read it from this running opsbook serve rather than from the store.")
    String url;

    @Option(names = "--token", paramLabel = "TOKEN", defaultValue = "${env:OPSBOOK_TOKEN}", description = "A viewer's API token for --url (default: OPSBOOK_TOKEN).")
    String token;

    @Mixin
    StoreOption store;

    @Override
    public Integer call() throws InterruptedException {
        Optional<String> problem = IncidentIds.problem(id);
        if (problem.isPresent()) {
            System.err.println("error: " + problem.get());
            return ExitCodes.INVALID;
        }
        if (url != null) {
            if (token == null || token.isBlank()) {
                System.err.println("error: --url needs --token (or OPSBOOK_TOKEN): a viewer's API token");
                return ExitCodes.INVALID;
            }
            try {
                return write(new ServeClient(url, token).text("/api/incidents/" + id + "/report", "text/markdown"));
            } catch (ServeClient.Refused e) {
                System.err.println("error: " + e.getMessage());
                return ExitCodes.INVALID;
            } catch (IllegalArgumentException e) {
                System.err.println("error: " + e.getMessage());
                return ExitCodes.INVALID;
            }
        }
        if (store.missingTold()) {
            return ExitCodes.INVALID;
        }
        Optional<Duration> window = window();
        if (window.isEmpty()) {
            return ExitCodes.INVALID;
        }
        Optional<String> report;
        try (RunStore runs = store.open()) {
            report = new IncidentRuns(runs, Runbooks.loader(), Clock.systemUTC(), window.get()).report(id, ServeCommand.publicUrl());
            if (report.isEmpty()) {
                System.err.println("error: no incident " + id + " in " + runs.describe() + "; opsbook incident list shows the recent ones");
                return ExitCodes.INVALID;
            }
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            return ExitCodes.INVALID;
        }
        return write(report.get());
    }

    private int write(String report) {
        if (out == null) {
            System.out.print(report);
            return ExitCodes.OK;
        }
        try {
            Files.writeString(out, report);
            System.err.println("draft written to " + out);
            return ExitCodes.OK;
        } catch (IOException e) {
            System.err.println("error: cannot write " + out + ": " + e.getMessage());
            return ExitCodes.INVALID;
        }
    }

    /** {@code opsbook.incident-window}, as serve reads it, so both group runs alike; empty (told why) when it is no duration. */
    static Optional<Duration> window() {
        Optional<String> value = Setting.INCIDENT_WINDOW.value();
        if (value.isEmpty()) {
            return Optional.of(dev.opsbook.incident.IncidentGrouping.DEFAULT_ALARM_WINDOW);
        }
        Optional<Duration> parsed = Durations.parse(value.get()).filter(d -> !d.isNegative() && !d.isZero());
        if (parsed.isEmpty()) {
            System.err.println("error: " + Setting.INCIDENT_WINDOW.key() + " (" + Setting.INCIDENT_WINDOW.environment()
                    + ") must be a duration such as 30m or 1h, not '" + value.get() + "'");
        }
        return parsed;
    }
}
