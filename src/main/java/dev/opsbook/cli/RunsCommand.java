package dev.opsbook.cli;

import dev.opsbook.engine.RunStatus;
import dev.opsbook.incident.IncidentIds;
import dev.opsbook.service.RunSearch;
import dev.opsbook.store.RunQuery;
import dev.opsbook.store.RunStore;
import dev.opsbook.store.StoredRun;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "runs", mixinStandardHelpOptions = true, description = "Lists runs from the store, newest first, however they were started.")
public class RunsCommand implements Callable<Integer> {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

    @Option(names = "--runbook", paramLabel = "ID", description = "Only runs of this runbook.")
    String runbook;

    @Option(names = "--status", paramLabel = "STATUS", description = "Only runs in this status: running, succeeded, failed, cancelled, waiting, needs-attention.")
    String status;

    @Option(names = "--drill", negatable = true, description = "Only drills (game days); --no-drill: only real runs.")
    Boolean drill;

    @Option(names = "--incident", paramLabel = "ID", description = "Only runs launched under this incident id (or inheriting it).")
    String incident;

    @Option(names = "--search", paramLabel = "TEXT", description = "Only runs with every word of TEXT in their runbook, parameters, "
            + "step output or who acted (started, approved, resolved).")
    String search;

    @Option(names = "--since", paramLabel = "WHEN", description = "Only runs started at or after WHEN: 2026-11-23T03:00:00Z, 2026-11-23 (UTC) or 24h, 7d ago.")
    String since;

    @Option(names = "--until", paramLabel = "WHEN", description = "Only runs started before WHEN (as --since).")
    String until;

    @Option(names = "--limit", defaultValue = "50", description = "At most this many (default ${DEFAULT-VALUE}).")
    int limit;

    @Mixin
    StoreOption store;

    @Override
    public Integer call() {
        Optional<RunStatus> wanted = Optional.empty();
        if (status != null) {
            wanted = RunStatus.ofLabel(status);
            if (wanted.isEmpty()) {
                System.err.println("error: --status must be one of " + String.join(", ", Arrays.stream(RunStatus.values()).map(RunStatus::label).toList()));
                return ExitCodes.INVALID;
            }
        }
        if (incident != null && IncidentIds.problem(incident).isPresent()) {
            System.err.println("error: --incident: " + IncidentIds.problem(incident).get());
            return ExitCodes.INVALID;
        }
        Optional<String> text;
        Optional<Instant> from;
        Optional<Instant> to;
        try {
            Instant now = Instant.now();
            text = Optional.ofNullable(search).map(RunSearch::text);
            from = Optional.ofNullable(since).map(s -> RunSearch.time("--since", s, now));
            to = Optional.ofNullable(until).map(u -> RunSearch.time("--until", u, now));
            RunSearch.range(from, to);
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            return ExitCodes.INVALID;
        }
        if (store.missingTold()) {
            return ExitCodes.INVALID;
        }
        try (RunStore runs = store.open()) {
            List<StoredRun> found = runs.runs(new RunQuery(Optional.ofNullable(runbook), wanted, Optional.empty(),
                    from, to, 0, limit, Optional.ofNullable(drill), Optional.empty(), text, Optional.ofNullable(incident)));
            if (found.isEmpty()) {
                System.err.println(text.isPresent() || from.isPresent() || to.isPresent() || incident != null
                        ? "no runs match in " + runs.describe() : "no runs in " + runs.describe());
                return ExitCodes.OK;
            }
            System.out.printf("%-28s %-24s %-15s %-8s %-20s %s%n", "RUN", "RUNBOOK", "STATUS", "TRIGGER", "STARTED (UTC)", "NOTE");
            for (StoredRun run : found) {
                String note = run.status() == RunStatus.WAITING ? "waiting at " + run.waitingFor()
                        : run.status() == RunStatus.NEEDS_ATTENTION ? "resolve " + run.waitingFor() + ": " + run.message() : run.message();
                note = run.drill().map(gameDay -> "DRILL " + gameDay + " ").orElse("") + run.incident().map(id -> "[" + id + "] ").orElse("") + note;
                System.out.printf("%-28s %-24s %-15s %-8s %-20s %s%n", run.id(), run.runbookId(), run.status().label(), run.trigger(),
                        TIME.format(run.startedAt()), note.length() > 60 ? note.substring(0, 59) + "…" : note);
            }
            return ExitCodes.OK;
        }
    }
}
