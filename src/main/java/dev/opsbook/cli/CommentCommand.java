package dev.opsbook.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "comment", mixinStandardHelpOptions = true,
        description = "Comments on a run, or on one of its steps, through a running opsbook serve: the comment is kept beside the run"
                + " (never changing its history), shown in its record (opsbook show), on its page and in its audit trail, and its"
                + " author is the token's holder. Edit or delete it on the run page or through the API.",
        footer = {"", "Exit status: 0 added, 1 serve could not be reached or refused the token, 2 invalid input (no such run or step,"
                + " no text, or more than 4000 characters)."})
public class CommentCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "RUN", description = "The run.")
    String runId;

    @Parameters(index = "1..*", arity = "1..*", paramLabel = "TEXT", description = "What to say (several words are joined by spaces).")
    List<String> words;

    @Option(names = "--step", paramLabel = "ID", description = "The step it is about: a step id, a for-each item ID[i], or a handler"
            + " handler/for-owner (default: the whole run).")
    String step;

    @Option(names = "--url", paramLabel = "URL", defaultValue = "${env:OPSBOOK_URL}", description = "The running opsbook serve (default: OPSBOOK_URL).")
    String url;

    @Option(names = "--token", paramLabel = "TOKEN", defaultValue = "${env:OPSBOOK_TOKEN}",
            description = "An operator's API token (default: OPSBOOK_TOKEN); opsbook token create makes one.")
    String token;

    @Override
    public Integer call() throws InterruptedException {
        if (url == null || url.isBlank() || token == null || token.isBlank()) {
            System.err.println("error: say which serve and token: --url http://localhost:8080 --token TOKEN (or OPSBOOK_URL and OPSBOOK_TOKEN)");
            return ExitCodes.INVALID;
        }
        ObjectNode body = JsonNodeFactory.instance.objectNode().put("text", String.join(" ", words));
        if (step != null) {
            body.put("step", step);
        }
        ServeClient serve = new ServeClient(url, token);
        try {
            JsonNode added = serve.post("/api/runs/" + URLEncoder.encode(runId, StandardCharsets.UTF_8).replace("+", "%20") + "/comments", body);
            System.out.println("comment " + added.path("id").asText() + " on run " + runId
                    + (added.path("step").isTextual() ? " step '" + added.path("step").asText() + "'" : "")
                    + " by " + added.path("author").asText());
            return ExitCodes.OK;
        } catch (ServeClient.Refused e) {
            System.err.println("error: " + e.getMessage());
            return e.status == 400 || e.status == 404 ? ExitCodes.INVALID : ExitCodes.FAILED;
        }
    }
}
