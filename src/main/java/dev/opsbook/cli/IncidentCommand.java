package dev.opsbook.cli;

import picocli.CommandLine.Command;

/** {@code opsbook incident list|report}: the runs that belong together, read from the store, and their post-incident draft. */
@Command(name = "incident", mixinStandardHelpOptions = true,
        description = "Incidents: runs launched under one incident id, started by one event, or by one CloudWatch alarm within a window"
                + " (opsbook.incident-window, 1h unless set).",
        subcommands = {IncidentCommand.Listing.class, IncidentReportCommand.class},
        footer = {"", "Exit status: 0 success, 2 invalid input or no such incident."})
public class IncidentCommand {

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Lists the incidents among the last 7 days' runs, newest first.")
    static class Listing implements java.util.concurrent.Callable<Integer> {

        @picocli.CommandLine.Option(names = "--limit", defaultValue = "50", description = "At most this many (default ${DEFAULT-VALUE}).")
        int limit;

        @picocli.CommandLine.Mixin
        StoreOption store;

        @Override
        public Integer call() {
            if (store.missingTold()) {
                return ExitCodes.INVALID;
            }
            java.util.Optional<java.time.Duration> window = IncidentReportCommand.window();
            if (window.isEmpty()) {
                return ExitCodes.INVALID;
            }
            try (dev.opsbook.store.RunStore runs = store.open()) {
                var found = new dev.opsbook.service.IncidentRuns(runs, Runbooks.loader(), java.time.Clock.systemUTC(), window.get()).recent(limit);
                if (found.isEmpty()) {
                    System.err.println("no incidents in the last 7 days in " + runs.describe());
                    return ExitCodes.OK;
                }
                System.out.printf("%-44s %-7s %-20s %-5s %-8s %s%n", "INCIDENT", "KIND", "STARTED (UTC)", "RUNS", "STATE", "WHAT");
                for (var g : found) {
                    System.out.printf("%-44s %-7s %-20s %-5d %-8s %s%n", g.id(), g.kind().label(),
                            IncidentReportCommand.TIME.format(g.first().startedAt()), g.runs().size(),
                            dev.opsbook.service.IncidentRuns.open(g) ? "open" : "ended", g.label());
                }
                return ExitCodes.OK;
            }
        }
    }
}
