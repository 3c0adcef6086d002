package dev.opsbook.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code opsbook gameday start SCENARIO.yaml}: the scenario to a running serve ({@code POST /api/gamedays}), then the game
 * day followed until every expectation is met or missed, each change printed as it happens.
 */
@Command(name = "start", mixinStandardHelpOptions = true,
        description = "Injects a scenario's events into a running opsbook serve as drills and follows the response until every expectation is met or missed.")
public class GameDayStart implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "SCENARIO.yaml", description = "The scenario: events to inject, simulated AWS answers (or live: true), expectations.")
    Path scenario;

    @Option(names = "--url", paramLabel = "URL", defaultValue = "${env:OPSBOOK_URL}", description = "The running opsbook serve (default: OPSBOOK_URL).")
    String url;

    @Option(names = "--token", paramLabel = "TOKEN", defaultValue = "${env:OPSBOOK_TOKEN}",
            description = "An operator's API token (default: OPSBOOK_TOKEN); opsbook token create makes one.")
    String token;

    @Option(names = "--report", paramLabel = "FILE", description = "Also write the game day's Markdown report here when it is over.")
    Path report;

    @Option(names = "--poll", paramLabel = "MS", defaultValue = "1000", hidden = true)
    long pollMillis;

    @Override
    public Integer call() throws InterruptedException {
        PrintStream out = System.out;
        if (url == null || url.isBlank() || token == null || token.isBlank()) {
            System.err.println("error: say which serve and token: --url http://localhost:8080 --token TOKEN (or OPSBOOK_URL and OPSBOOK_TOKEN)");
            return ExitCodes.INVALID;
        }
        ScenarioFile.Read read = ScenarioFile.read(scenario);
        if (read.json().isEmpty()) {
            read.errors().forEach(System.err::println);
            return ExitCodes.INVALID;
        }
        ServeClient serve = new ServeClient(url, token);
        JsonNode started;
        try {
            started = serve.post("/api/gamedays", read.json().get());
        } catch (ServeClient.Refused e) {
            System.err.println("error: " + e.getMessage());
            return ExitCodes.INVALID;
        }
        String id = started.path("id").asText();
        out.println("game day " + id + ": " + read.json().get().path("name").asText() + " (" + serve.url() + "/gamedays/" + id + ")");
        for (JsonNode event : started.path("events")) {
            out.println("  event " + event.path("event").asText() + ": " + event.path("outcome").asText()
                    + (event.path("runs").isEmpty() ? "" : " " + String.join(", ", runs(event)))
                    + (event.hasNonNull("reason") ? " (" + event.path("reason").asText() + ")" : ""));
        }
        Map<String, String> seen = new HashMap<>();
        JsonNode status;
        try {
            while (true) {
                status = serve.get("/api/gamedays/" + id);
                for (JsonNode run : status.path("runs")) {
                    String now = run.path("status").asText() + (run.path("waitingFor").isEmpty() ? "" : " at " + run.path("waitingFor").get(0).asText());
                    if (!now.equals(seen.put("run " + run.path("id").asText(), now))) {
                        out.println("  run " + run.path("id").asText() + " of " + run.path("runbook").asText() + ": " + now);
                    }
                }
                for (JsonNode judged : status.path("expectations")) {
                    String verdict = judged.path("verdict").asText();
                    if (!verdict.equals("pending") && !verdict.equals(seen.put(judged.path("expectation").asText(), verdict))) {
                        out.println("  " + symbol(verdict) + " " + judged.path("expectation").asText() + ": " + judged.path("detail").asText());
                    }
                }
                if (status.path("settled").asBoolean() || status.path("over").asBoolean()) {
                    break;
                }
                Thread.sleep(pollMillis);
            }
        } catch (ServeClient.Refused e) {
            System.err.println("error: while following game day " + id + ": " + e.getMessage());
            return ExitCodes.FAILED;
        }
        int met = 0;
        int all = status.path("expectations").size();
        for (JsonNode judged : status.path("expectations")) {
            met += judged.path("verdict").asText().equals("met") ? 1 : 0;
        }
        out.println((met == all ? "✅ " : "❌ ") + met + " of " + all + " expectation(s) met; report: opsbook gameday report "
                + (runIds(status).isEmpty() ? id : String.join(" ", runIds(status))));
        if (report != null) {
            try {
                Files.writeString(report, serve.text("/api/gamedays/" + id + "/report", "text/markdown"));
                out.println("report written to " + report);
            } catch (ServeClient.Refused | IOException e) {
                System.err.println("error: cannot write the report to " + report + ": " + e.getMessage());
                return ExitCodes.FAILED;
            }
        }
        return met == all ? ExitCodes.OK : ExitCodes.FAILED;
    }

    private static java.util.List<String> runs(JsonNode event) {
        java.util.List<String> ids = new java.util.ArrayList<>();
        event.path("runs").forEach(r -> ids.add(r.asText()));
        return ids;
    }

    private static java.util.List<String> runIds(JsonNode status) {
        java.util.List<String> ids = new java.util.ArrayList<>();
        status.path("runs").forEach(r -> ids.add(r.path("id").asText()));
        return ids;
    }

    private static String symbol(String verdict) {
        return switch (verdict) {
            case "met" -> "✅";
            case "missed" -> "❌";
            default -> "⏳";
        };
    }
}
