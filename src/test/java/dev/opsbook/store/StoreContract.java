package dev.opsbook.store;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.opsbook.engine.RunEvent;
import dev.opsbook.engine.RunResult;
import dev.opsbook.engine.RunState;
import dev.opsbook.engine.RunStatus;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the contracts of the store's ports share: a fresh, empty database for every test (on the
 * {@link #backend()} a subclass names), the store opened on it, and runs and events to put in.
 */
@Timeout(60)
abstract class StoreContract {

    /** An instant with microseconds, which both databases keep exactly. */
    static final Instant T0 = Instant.parse("2026-11-23T10:00:00.123456Z");

    @TempDir
    Path workDir;

    String url;
    RunStore store;

    abstract StoreBackend backend();

    /** The JDBC URL of a new, empty database (or schema). */
    String newDatabaseUrl() throws Exception {
        return backend().newDatabaseUrl(workDir);
    }

    RunStore open(String jdbcUrl) {
        return JdbcRunStore.open(jdbcUrl, backend().user(), backend().password());
    }

    @BeforeEach
    void openStore() throws Exception {
        url = newDatabaseUrl();
        store = open(url);
    }

    @AfterEach
    void closeStore() {
        if (store != null) {
            store.close();
        }
    }

    static StoredRun withEvent(StoredRun run, String eventId) {
        return new StoredRun(run.id(), run.runbookId(), run.runbookFile(), run.contentHash(), run.status(), run.trigger(), run.startedBy(),
                Optional.of(eventId), run.concurrencyKey(), run.startedAt(), run.endedAt(), run.message(), run.waitingFor());
    }

    /** Stores a finished run as the engine would while running it; returns the last seq. */
    long storeEventByEvent(RunResult result) {
        RunState state = result.state();
        RunEvent.RunStarted started = (RunEvent.RunStarted) result.events().get(0);
        store.create(new StoredRun(state.runId(), state.runbookId(), "runbooks/" + state.runbookId() + ".md", state.contentHash(),
                        RunStatus.RUNNING, state.trigger(), state.startedBy(), Optional.empty(), Optional.empty(), started.at(),
                        Optional.empty(), "", ""),
                "the runbook's text", started);
        long seq = 1;
        for (RunEvent event : result.events().subList(1, result.events().size())) {
            store.append(state.runId(), ++seq, event);
        }
        return seq;
    }

    static RunState fold(List<RunEvent> events) {
        RunState state = RunState.of((RunEvent.RunStarted) events.get(0));
        for (RunEvent event : events.subList(1, events.size())) {
            state = state.apply(event);
        }
        return state;
    }

    void createLeased(String id, String owner, Instant until) {
        store.create(row(id, "deploy", T0, "event", null), "text of deploy", started(id, "deploy", T0, "event"),
                Optional.of(new Lease(owner, until)));
    }

    void create(String id, String runbookId, Instant at, String trigger, String concurrencyKey) {
        store.create(row(id, runbookId, at, trigger, concurrencyKey), "text of " + runbookId, started(id, runbookId, at, trigger));
    }

    static StoredRun row(String id, String runbookId, Instant at, String trigger, String concurrencyKey) {
        return new StoredRun(id, runbookId, "runbooks/" + runbookId + ".md", "hash", RunStatus.RUNNING, trigger, "tester",
                Optional.empty(), Optional.ofNullable(concurrencyKey), at, Optional.empty(), "", "");
    }

    static RunEvent.RunStarted started(String id, String runbookId, Instant at, String trigger) {
        JsonNodeFactory json = JsonNodeFactory.instance;
        return new RunEvent.RunStarted(at, id, runbookId, "Title of " + runbookId, "hash", json.objectNode().put("env", "prod"),
                json.objectNode(), "tester", trigger);
    }

    static ReceivedEvent received(String eventId, Instant at, EventOutcome outcome) {
        return new ReceivedEvent(eventId, at, "sqs", "aws.ec2", "EC2 Instance State-change Notification", outcome, "", List.of(),
                "{\"id\":\"" + eventId + "\",\"detail\":{\"state\":\"stopped\"}}");
    }

    static RunQuery query(Optional<String> runbookId, Optional<RunStatus> status, Optional<String> trigger) {
        return new RunQuery(runbookId, status, trigger, 10);
    }

    static List<String> ids(List<StoredRun> runs) {
        return runs.stream().map(StoredRun::id).toList();
    }
}
