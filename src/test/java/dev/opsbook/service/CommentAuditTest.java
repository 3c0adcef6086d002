package dev.opsbook.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.opsbook.engine.RunEvent;
import dev.opsbook.engine.RunStatus;
import dev.opsbook.graph.RunbookLoader;
import dev.opsbook.steps.StandardSteps;
import dev.opsbook.store.JdbcRunStore;
import dev.opsbook.store.RunStore;
import dev.opsbook.store.StoredRun;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A comment's change and its audit entry: a reviewer never finds one without the other. */
class CommentAuditTest {

    private static final Instant T0 = Instant.parse("2026-12-03T10:00:00Z");

    @TempDir
    Path dir;

    @Test
    void when_the_audit_trail_cannot_take_an_entry_the_comment_is_neither_added_nor_changed_nor_deleted() throws Exception {
        String url = JdbcRunStore.embeddedUrl(dir.resolve("store"));
        try (RunStore store = JdbcRunStore.open(url, null, null)) {
            store.create(new StoredRun("r1", "deploy", "runbooks/deploy.md", "hash-1", RunStatus.RUNNING, "cli", "alice",
                    Optional.empty(), Optional.empty(), T0, Optional.empty(), "", ""), "# Deploy\n", started("r1"));
            List<String> changed = new CopyOnWriteArrayList<>();
            RunComments comments = new RunComments(store, new RunbookLoader(StandardSteps.all().catalog()),
                    Clock.fixed(T0, ZoneOffset.UTC), changed::add);
            RunComments.View first = comments.add("r1", Optional.empty(), "first", "otto", "api");
            int entries = store.auditChains().read("r1").lines().size();
            assertThat(store.auditChains().read("r1").lines().get(entries - 1)).contains("comment-added");

            try (Connection sql = DriverManager.getConnection(url); Statement statement = sql.createStatement()) {
                // the trail refuses every new entry, as a full disk or a lost connection mid-change would
                statement.execute("ALTER TABLE audit_entries ADD CONSTRAINT no_more_entries CHECK (seq < 0) NOCHECK");
            }

            assertThatThrownBy(() -> comments.add("r1", Optional.empty(), "second", "otto", "api")).hasMessageContaining("run store");
            assertThatThrownBy(() -> comments.edit("r1", first.id(), "first, edited", "otto", "api")).hasMessageContaining("run store");
            assertThatThrownBy(() -> comments.delete("r1", first.id(), "otto", "api")).hasMessageContaining("run store");

            assertThat(comments.list("r1")).extracting(RunComments.View::text).containsExactly("first");
            assertThat(store.auditChains().read("r1").lines()).hasSize(entries);
            assertThat(changed).as("the record is written again for the one change kept").containsExactly("r1");
        }
    }

    private static RunEvent.RunStarted started(String id) {
        JsonNodeFactory json = JsonNodeFactory.instance;
        return new RunEvent.RunStarted(T0, id, "deploy", "Deploy", "hash-1", json.objectNode(), json.objectNode(), "alice", "cli");
    }
}
