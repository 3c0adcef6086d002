package dev.opsbook.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.opsbook.engine.RunEvent;
import dev.opsbook.engine.RunStatus;
import dev.opsbook.graph.RunbookLoader;
import dev.opsbook.record.RecordFolder;
import dev.opsbook.steps.StandardSteps;
import dev.opsbook.store.JdbcRunStore;
import dev.opsbook.store.RunStore;
import dev.opsbook.store.StoredRun;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How a record folder's writes are noted in the store, so that only what a killed writer left behind is caught up. */
class RecordExportNotesTest {

    private static final Instant T0 = Instant.parse("2026-12-03T10:00:00Z");

    @TempDir
    Path dir;

    @Test
    void a_burst_of_stopped_runs_is_noted_in_one_transaction_and_a_running_run_is_left_to_its_holder() throws Exception {
        List<Map<?, ?>> notes = new CopyOnWriteArrayList<>();
        try (RunStore real = JdbcRunStore.open(JdbcRunStore.embeddedUrl(dir.resolve("store")), null, null)) {
            RunStore store = noting(real, notes);
            for (String id : List.of("first", "second", "third", "running")) {
                store.create(new StoredRun(id, "deploy", "runbooks/deploy.md", "hash-1", RunStatus.RUNNING, "cli", "alice",
                        Optional.empty(), Optional.empty(), T0, Optional.empty(), "", ""), "# Deploy\n", started(id));
                if (!id.equals("running")) {
                    store.append(id, 2, new RunEvent.RunFinished(T0, RunStatus.SUCCEEDED, ""));
                }
            }
            ExecutorService writer = Executors.newSingleThreadExecutor();
            CountDownLatch busy = new CountDownLatch(1);
            writer.execute(() -> await(busy)); // the writer is busy with another run while the changes come
            RecordExport export = RecordExport.of(new RecordFolder(dir.resolve("records")),
                    new RunRecords(store, new RunbookLoader(StandardSteps.all().catalog())),
                    new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)).inBackground(writer);

            for (String id : List.of("first", "second", "third", "running")) {
                export.changed(id);
            }
            busy.countDown();
            writer.submit(() -> { }).get(30, TimeUnit.SECONDS); // behind the four writes, which queued their notes
            writer.submit(() -> { }).get(30, TimeUnit.SECONDS); // behind the notes
            writer.shutdown();
            assertThat(writer.awaitTermination(30, TimeUnit.SECONDS)).isTrue();

            assertThat(Files.readString(dir.resolve("records/deploy/third.md"))).contains("succeeded");
            assertThat(Files.exists(dir.resolve("records/deploy/running.md"))).isTrue();
            assertThat(notes).as("the three stopped runs' files noted together; the running one's not at all")
                    .containsExactly(Map.of("first", 2L, "second", 2L, "third", 2L));
            assertThat(real.unexported(10)).as("nothing for another instance to catch up").isEmpty();
        }
    }

    /** The store, telling {@code notes} each call that notes exported files. */
    private static RunStore noting(RunStore store, List<Map<?, ?>> notes) {
        return (RunStore) Proxy.newProxyInstance(RunStore.class.getClassLoader(), new Class<?>[] {RunStore.class}, (proxy, method, args) -> {
            if (method.getName().equals("exported")) {
                notes.add(Map.copyOf((Map<?, ?>) args[0]));
            }
            try {
                return method.invoke(store, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        });
    }

    private static RunEvent.RunStarted started(String id) {
        JsonNodeFactory json = JsonNodeFactory.instance;
        return new RunEvent.RunStarted(T0, id, "deploy", "Deploy", "hash-1", json.objectNode(), json.objectNode(), "alice", "cli");
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
