package dev.opsbook.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.opsbook.engine.Role;
import dev.opsbook.engine.RunEvent;
import dev.opsbook.engine.RunState;
import dev.opsbook.engine.RunStatus;
import dev.opsbook.engine.StepStatus;
import dev.opsbook.graph.RunbookLoader;
import dev.opsbook.record.RecordFolder;
import dev.opsbook.record.RecordPlace;
import dev.opsbook.steps.StandardSteps;
import dev.opsbook.store.JdbcRunStore;
import dev.opsbook.store.RunStore;
import dev.opsbook.store.StoredRun;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How often serve writes a run's record in the background: a running run's at most every second, a stop at once. */
class RecordExportPaceTest {

    private static final Instant T0 = Instant.parse("2026-12-04T10:00:00Z");

    @TempDir
    Path dir;

    @Test
    void a_short_run_is_written_once_at_its_stop_and_a_long_one_within_a_second_of_its_changes() throws Exception {
        AtomicInteger writes = new AtomicInteger();
        RecordPlace folder = new RecordFolder(dir.resolve("records"));
        RecordPlace counting = new RecordPlace() {
            @Override
            public String write(String name, String text) throws IOException {
                String written = folder.write(name, text);
                if (name.endsWith(".md")) {
                    writes.incrementAndGet(); // //why: once written, so a test that saw the count finds the file
                }
                return written;
            }

            @Override
            public String describe() {
                return folder.describe();
            }
        };
        ExecutorService writer = Executors.newSingleThreadExecutor();
        try (RunStore store = JdbcRunStore.open(JdbcRunStore.embeddedUrl(dir.resolve("store")), null, null)) {
            RecordExport export = RecordExport.of(counting, new RunRecords(store, new RunbookLoader(StandardSteps.all().catalog())),
                    new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)).inBackground(writer);

            List<RunEvent> shortRun = start(store, "short");
            hear(store, export, shortRun, new RunEvent.StepStarted(T0, "a", "a", Role.NORMAL, Optional.empty(), null));
            hear(store, export, shortRun, new RunEvent.StepFinished(T0, "a", StepStatus.SUCCEEDED, null, ""));
            hear(store, export, shortRun, new RunEvent.StepStarted(T0, "b", "b", Role.NORMAL, Optional.empty(), null));
            hear(store, export, shortRun, new RunEvent.StepFinished(T0, "b", StepStatus.SUCCEEDED, null, ""));
            hear(store, export, shortRun, new RunEvent.RunFinished(T0, RunStatus.SUCCEEDED, ""));
            drain(writer);

            assertThat(writes.get()).as("its stop, at once").isEqualTo(1);
            assertThat(Files.readString(dir.resolve("records/deploy/short.md"))).contains("succeeded");
            Thread.sleep(RecordExport.RUNNING_EVERY.toMillis() + 500);
            drain(writer);
            assertThat(writes.get()).as("the changes before its stop were in that write").isEqualTo(1);

            List<RunEvent> longRun = start(store, "long");
            hear(store, export, longRun, new RunEvent.StepStarted(T0, "a", "a", Role.NORMAL, Optional.empty(), null));
            hear(store, export, longRun, new RunEvent.StepFinished(T0, "a", StepStatus.SUCCEEDED, null, ""));
            drain(writer);
            assertThat(writes.get()).as("a running run's changes wait a moment").isEqualTo(1);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (writes.get() < 2 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(writes.get()).as("and are written within a second or so").isEqualTo(2);
            assertThat(Files.readString(dir.resolve("records/deploy/long.md"))).contains("running");
        } finally {
            writer.shutdownNow();
        }
    }

    @Test
    void the_runs_that_stopped_while_the_writer_was_busy_are_read_together_and_each_gets_its_record_and_trail() throws Exception {
        List<Integer> reads = written(false);

        assertThat(reads).as("one read of the store for the five, not one each").containsExactly(5);
    }

    @Test
    void when_reading_them_together_fails_each_is_read_and_written_alone() throws Exception {
        List<Integer> reads = written(true);

        assertThat(reads).as("the five together, then each alone").containsExactly(5, 1, 1, 1, 1, 1);
    }

    /** Five runs stop while the writer is busy; returns how many runs each read of the store asked for. */
    private List<Integer> written(boolean togetherFails) throws Exception {
        List<Integer> reads = java.util.Collections.synchronizedList(new ArrayList<>());
        ExecutorService writer = Executors.newSingleThreadExecutor();
        java.util.concurrent.CountDownLatch busy = new java.util.concurrent.CountDownLatch(1);
        try (RunStore real = JdbcRunStore.open(JdbcRunStore.embeddedUrl(dir.resolve("store")), null, null)) {
            RunStore store = (RunStore) java.lang.reflect.Proxy.newProxyInstance(RunStore.class.getClassLoader(), new Class<?>[] {RunStore.class},
                    (proxy, method, args) -> {
                        if (method.getName().equals("recordParts")) {
                            int asked = ((java.util.Collection<?>) args[0]).size();
                            reads.add(asked);
                            if (togetherFails && asked > 1) {
                                throw new dev.opsbook.store.StoreException("the store went away", null);
                            }
                        }
                        try {
                            return method.invoke(real, args);
                        } catch (java.lang.reflect.InvocationTargetException e) {
                            throw e.getCause();
                        }
                    });
            RecordExport export = RecordExport.of(new RecordFolder(dir.resolve("records")),
                    new RunRecords(store, new RunbookLoader(StandardSteps.all().catalog())),
                    new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)).inBackground(writer);
            writer.execute(() -> {
                try {
                    busy.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            for (int i = 0; i < 5; i++) {
                List<RunEvent> run = start(real, "run" + i);
                real.auditChains().append("run" + i, new dev.opsbook.audit.AuditFact(T0, "noted", JsonNodeFactory.instance.objectNode()));
                hear(real, export, run, new RunEvent.RunFinished(T0, RunStatus.SUCCEEDED, ""));
            }
            busy.countDown();
            drain(writer);

            for (int i = 0; i < 5; i++) {
                assertThat(Files.readString(dir.resolve("records/deploy/run" + i + ".md"))).contains("succeeded");
                assertThat(Files.readString(dir.resolve("records/deploy/run" + i + ".audit.jsonl"))).contains("\"noted\"");
            }
            assertThat(real.unexported(10)).as("each noted as written").isEmpty();
        } finally {
            busy.countDown();
            writer.shutdownNow();
        }
        return reads;
    }

    private static List<RunEvent> start(RunStore store, String id) {
        JsonNodeFactory json = JsonNodeFactory.instance;
        RunEvent.RunStarted started = new RunEvent.RunStarted(T0, id, "deploy", "Deploy", "hash-1", json.objectNode(), json.objectNode(),
                "alice", "cli");
        store.create(new StoredRun(id, "deploy", "runbooks/deploy.md", "hash-1", RunStatus.RUNNING, "cli", "alice", Optional.empty(),
                Optional.empty(), T0, Optional.empty(), "", ""), "# Deploy\n", started);
        List<RunEvent> history = new ArrayList<>(List.of(started));
        return history;
    }

    /** Stores the event, then tells the export, as serve's listeners hear it. */
    private static void hear(RunStore store, RecordExport export, List<RunEvent> history, RunEvent event) {
        history.add(event);
        RunState state = RunState.fold(history);
        store.append(state.runId(), history.size(), event);
        export.on(event, state);
    }

    private static void drain(ExecutorService writer) throws Exception {
        writer.submit(() -> { }).get(30, TimeUnit.SECONDS);
        writer.submit(() -> { }).get(30, TimeUnit.SECONDS); // behind the notes the writes queued
    }
}
