package dev.opsbook.store;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opsbook.engine.Attempt;
import dev.opsbook.engine.Interaction;
import dev.opsbook.engine.Role;
import dev.opsbook.engine.RunEvent;
import dev.opsbook.engine.RunStatus;
import dev.opsbook.engine.StepStatus;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;

/**
 * Fills a store with many finished runs fast, for benchmarks: the rows, the events and the search index written with
 * the store's own SQL ({@link SearchRows}, {@link RunEventJson}) in batches, instead of a transaction per event.
 * The runs look like a year of on-call: 40 runbooks, 30 people, services and regions, a failure in ten, a unique
 * change ticket each ({@code CHG-<n>}).
 */
public final class BulkRuns {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    static final String[] PEOPLE = {"maria", "oscar", "ada", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy",
        "mallory", "niaj", "olivia", "peggy", "rupert", "sybil", "trent", "victor", "walter", "xena", "yusuf", "zoe", "amir", "bea",
        "chen", "dina", "emil", "fatima"};
    static final String[] SERVICES = {"payments", "checkout", "search", "catalog", "auth", "ledger", "inventory", "shipping", "pricing", "mail"};
    static final String[] REGIONS = {"eu-west-1", "us-east-1", "ap-south-1", "eu-central-1"};

    private BulkRuns() {
    }

    /** Adds {@code count} runs to the store at {@code jdbcUrl} (schema brought up to date), started one a minute back from {@code last}. */
    public static void fill(String jdbcUrl, String user, String password, int count, Instant last) {
        try (Jdbc jdbc = Jdbc.open(jdbcUrl, user, password, "bulk", JdbcRunStore.SCHEMA_VERSION)) {
            Random random = new Random(17);
            for (int from = 0; from < count; from += 1000) {
                int first = from;
                int upTo = Math.min(count, from + 1000);
                jdbc.inTransaction(connection -> {
                    try (PreparedStatement runs = connection.prepareStatement("INSERT INTO runs (" + RunRows.COLUMNS
                            + ", runbook_text, last_seq) VALUES (?, ?, ?, ?, ?, ?, ?, NULL, NULL, ?, ?, ?, '', NULL, NULL, NULL, '# runbook', ?)");
                         PreparedStatement events = connection.prepareStatement(
                                 "INSERT INTO run_events (run_id, seq, at, type, body) VALUES (?, ?, ?, ?, ?)");
                         SearchRows search = new SearchRows(connection, jdbc.postgres())) {
                        for (int n = first; n < upTo; n++) {
                            List<RunEvent> run = run(n, last.minus(Duration.ofMinutes(n)), random);
                            RunEvent.RunStarted start = (RunEvent.RunStarted) run.get(0);
                            RunEvent.RunFinished end = (RunEvent.RunFinished) run.get(run.size() - 1);
                            runs.setString(1, start.runId());
                            runs.setString(2, start.runbookId());
                            runs.setString(3, "runbooks/" + start.runbookId() + ".md");
                            runs.setString(4, "hash");
                            runs.setString(5, end.status().name());
                            runs.setString(6, start.trigger());
                            runs.setString(7, start.startedBy());
                            Jdbc.setInstant(runs, 8, start.at());
                            Jdbc.setInstant(runs, 9, end.at());
                            runs.setString(10, end.message());
                            runs.setLong(11, run.size());
                            runs.addBatch();
                            StringBuilder text = new StringBuilder();
                            long seq = 0;
                            for (RunEvent event : run) {
                                events.setString(1, start.runId());
                                events.setLong(2, ++seq);
                                Jdbc.setInstant(events, 3, event.at());
                                events.setString(4, RunEventJson.type(event));
                                events.setString(5, RunEventJson.write(event));
                                events.addBatch();
                                text.append(' ').append(RunText.of(event));
                            }
                            search.start(start.runId(), text.toString());
                        }
                        runs.executeBatch();
                        events.executeBatch();
                        search.flush();
                    }
                    return null;
                });
            }
        }
    }

    private static List<RunEvent> run(int n, Instant at, Random random) {
        String id = "run-" + n;
        String service = SERVICES[random.nextInt(SERVICES.length)];
        String runbook = service + "-" + (random.nextBoolean() ? "restart" : "scale") + "-" + random.nextInt(2);
        String person = PEOPLE[random.nextInt(PEOPLE.length)];
        ObjectNode params = JSON.objectNode().put("service", service).put("region", REGIONS[random.nextInt(REGIONS.length)])
                .put("ticket", "CHG-" + n).put("replicas", random.nextInt(12));
        boolean fails = random.nextInt(10) == 0;
        List<RunEvent> events = new ArrayList<>();
        events.add(new RunEvent.RunStarted(at, id, runbook, "Restart or scale " + service, "hash", params, JSON.objectNode(),
                person, random.nextBoolean() ? "event" : "cli"));
        for (String step : List.of("check", "restart", "verify")) {
            events.add(new RunEvent.StepStarted(at, step, step, Role.NORMAL, Optional.empty(),
                    JSON.objectNode().put("command", "kubectl -n " + service + " rollout " + step + " deploy/" + service)));
            boolean failed = fails && step.equals("verify");
            String out = failed ? "error: timeout waiting for rollout of " + service + ": 2 of 6 pods not ready (CrashLoopBackOff)"
                    : "deployment.apps/" + service + " " + step + " done; " + random.nextInt(100) + " pods healthy";
            events.add(new RunEvent.AttemptFinished(at, step, new Attempt(1, at, at, !failed, failed ? "exit 1" : "",
                    JSON.objectNode().put("stdout", out).put("stderr", "")), Optional.empty()));
            events.add(new RunEvent.StepFinished(at, step, failed ? StepStatus.FAILED : StepStatus.SUCCEEDED, JSON.objectNode(), ""));
        }
        events.add(new RunEvent.StepAnswered(at, "approve", new Interaction.Answer(true, PEOPLE[random.nextInt(PEOPLE.length)],
                random.nextInt(4) == 0 ? "after the change window" : "", at, "web")));
        events.add(new RunEvent.RunFinished(at.plusSeconds(30), fails ? RunStatus.FAILED : RunStatus.SUCCEEDED,
                fails ? "step 'verify' failed" : ""));
        return events;
    }
}
