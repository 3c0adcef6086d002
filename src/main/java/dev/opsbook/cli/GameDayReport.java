package dev.opsbook.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.opsbook.service.GameDayRuns;
import dev.opsbook.store.RunStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code opsbook gameday report RUN...}: the Markdown report of the game days these drills (or game day ids) belong to,
 * read from the store, or from a running serve with {@code --url}.
 */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = "Writes the Markdown report of a game day: timeline, who was notified and who answered when, expectations met, gaps to discuss.")
public class GameDayReport implements Callable<Integer> {

    @Parameters(arity = "1..*", paramLabel = "RUN", description = "Drill run ids (or game day ids, gd-...): one report per game day they belong to.")
    List<String> ids;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write the report here rather than to standard output.")
    Path output;

    @Option(names = "--url", paramLabel = "URL", description = "Read it from this running opsbook serve rather than from the store.")
    String url;

    @Option(names = "--token", paramLabel = "TOKEN", defaultValue = "${env:OPSBOOK_TOKEN}", description = "A viewer's API token for --url (default: OPSBOOK_TOKEN).")
    String token;

    @Mixin
    StoreOption store;

    @Override
    public Integer call() throws InterruptedException {
        List<String> reports = new ArrayList<>();
        try {
            if (url != null) {
                if (token == null || token.isBlank()) {
                    System.err.println("error: --url needs --token (or OPSBOOK_TOKEN): a viewer's API token");
                    return ExitCodes.INVALID;
                }
                ServeClient serve = new ServeClient(url, token);
                for (String gameDay : gameDays(serve)) {
                    reports.add(serve.text("/api/gamedays/" + gameDay + "/report", "text/markdown"));
                }
            } else {
                if (store.missingTold()) {
                    return ExitCodes.INVALID;
                }
                try (RunStore runs = store.open()) {
                    GameDayRuns gameDays = GameDayRuns.reading(runs, Runbooks.loader(), Clock.systemUTC());
                    List<String> runIds = ids.stream().filter(id -> !id.startsWith("gd-")).toList();
                    Set<String> wanted = new LinkedHashSet<>(ids.stream().filter(id -> id.startsWith("gd-")).toList());
                    wanted.addAll(gameDays.gameDaysOf(runIds));
                    for (String gameDay : wanted) {
                        Optional<String> report = gameDays.report(gameDay);
                        if (report.isEmpty()) {
                            System.err.println("error: no game day " + gameDay + " in " + runs.describe());
                            return ExitCodes.INVALID;
                        }
                        reports.add(report.get());
                    }
                }
            }
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            return ExitCodes.INVALID;
        } catch (ServeClient.Refused e) {
            System.err.println("error: " + e.getMessage());
            return ExitCodes.INVALID;
        }
        String text = String.join("\n---\n\n", reports);
        if (output == null) {
            System.out.print(text);
            return ExitCodes.OK;
        }
        try {
            Files.writeString(output, text);
            System.err.println("report written to " + output);
            return ExitCodes.OK;
        } catch (IOException e) {
            System.err.println("error: cannot write " + output + ": " + e.getMessage());
            return ExitCodes.INVALID;
        }
    }

    private Set<String> gameDays(ServeClient serve) throws ServeClient.Refused, InterruptedException {
        Set<String> found = new LinkedHashSet<>();
        for (String id : ids) {
            if (id.startsWith("gd-")) {
                found.add(id);
                continue;
            }
            JsonNode run = serve.get("/api/runs/" + id);
            if (!run.path("drill").asBoolean()) {
                throw new IllegalArgumentException("run " + id + " is no drill; a game day report is of drills");
            }
            found.add(run.path("gameday").asText());
        }
        return found;
    }
}
