package dev.opsbook.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.opsbook.engine.RunEvent;
import dev.opsbook.engine.RunStatus;
import dev.opsbook.graph.RunbookLoader;
import dev.opsbook.steps.StandardSteps;
import dev.opsbook.store.JdbcRunStore;
import dev.opsbook.store.RunStore;
import dev.opsbook.store.StoredRun;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every waiting run is looked at, however many wait: the oldest, whose later tiers fall due first, too. */
class EscalatorCandidatesTest {

    private static final Instant T0 = Instant.parse("2026-12-02T03:00:00Z");
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    @TempDir
    Path dir;

    private RunStore store;

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void more_waiting_runs_than_one_page_are_all_candidates_the_oldest_included() {
        store = JdbcRunStore.open(JdbcRunStore.embeddedUrl(dir.resolve("store")), "", "");
        int waiting = Escalator.PAGE + 5;
        for (int i = 0; i < waiting; i++) {
            String id = "r%04d".formatted(i);
            Instant at = T0.plusSeconds(i);
            store.create(new StoredRun(id, "gated", "runbooks/gated.md", "hash", RunStatus.WAITING, "event", "event e-" + i,
                    Optional.empty(), Optional.empty(), at, Optional.empty(), "", "allow"), "", new RunEvent.RunStarted(at, id, "gated",
                    "Gated", "hash", JSON.objectNode(), JSON.objectNode(), "event e-" + i, "event", JSON.objectNode(), Optional.empty()));
        }
        Clock clock = Clock.fixed(T0.plusSeconds(3600), ZoneOffset.UTC);
        Escalator escalator = new Escalator(store, new RunbookLoader(StandardSteps.all().catalog()), null, clock, "instance-a",
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));

        assertThat(escalator.candidates(clock.instant())).extracting(StoredRun::id).hasSize(waiting).contains("r0000").doesNotHaveDuplicates();
    }
}
