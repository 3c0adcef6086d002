package dev.opsbook.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.opsbook.engine.RunEvent;
import dev.opsbook.engine.RunStatus;
import dev.opsbook.store.JdbcRunStore;
import dev.opsbook.store.RunStore;
import dev.opsbook.store.StoredRun;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An acknowledgement is on the run's audit trail, or it is not kept at all: the trail names whoever stopped an escalation. */
class AcknowledgementsTest {

    private static final Instant T0 = Instant.parse("2026-12-04T03:00:00Z");

    @TempDir
    Path dir;

    @Test
    void an_acknowledgement_is_written_with_its_audit_entry_and_one_that_cannot_be_chained_is_refused_and_not_kept() throws Exception {
        String url = JdbcRunStore.embeddedUrl(dir.resolve("store"));
        try (RunStore store = JdbcRunStore.open(url, "", "")) {
            failed(store, "kept");
            failed(store, "raced");

            assertThat(Acknowledgements.acknowledge(store, "kept", "erin", "opsbook ack", Clock.systemUTC())).contains("acknowledged run kept");
            assertThat(store.auditChains().read("kept").lines()).filteredOn(line -> line.contains("\"acknowledged\"")).singleElement()
                    .asString().contains("\"by\":\"erin\"").contains("\"how\":\"opsbook ack\"");

            long next = store.auditChains().seal("raced").orElseThrow().entries() + 1;
            try (Connection raw = DriverManager.getConnection(url, "", ""); Statement statement = raw.createStatement()) {
                // another writer's entry at the trail's end, its seal not moved yet
                statement.execute("INSERT INTO audit_entries (trail, seq, line) VALUES ('raced', " + next + ", '{}')");
            }
            assertThatThrownBy(() -> Acknowledgements.acknowledge(store, "raced", "erin", "opsbook ack", Clock.systemUTC()))
                    .isInstanceOf(Approvals.Refused.class).hasMessageContaining("acknowledge it again");
            assertThat(store.acknowledgements("raced")).as("not kept without its entry").isEmpty();
        }
    }

    private static void failed(RunStore store, String id) {
        JsonNodeFactory json = JsonNodeFactory.instance;
        store.create(new StoredRun(id, "deploy", "runbooks/deploy.md", "hash-1", RunStatus.RUNNING, "cli", "alice", Optional.empty(),
                Optional.empty(), T0, Optional.empty(), "", ""), "# Deploy\n", new RunEvent.RunStarted(T0, id, "deploy", "Deploy", "hash-1",
                json.objectNode(), json.objectNode(), "alice", "cli"));
        store.append(id, 2, new RunEvent.RunFinished(T0.plusSeconds(1), RunStatus.FAILED, "boom"));
    }
}
