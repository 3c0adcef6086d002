package dev.opsbook.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.opsbook.engine.RunEvent;
import dev.opsbook.engine.RunStatus;
import dev.opsbook.store.JdbcRunStore;
import dev.opsbook.store.RunStore;
import dev.opsbook.store.StoredRun;
import dev.opsbook.testing.Eventually;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The broadcast of the live run pages: what a watcher hears, when, and that a watch ends with the run or its client. */
class LiveRunsTest {

    private static final Instant T0 = Instant.parse("2026-12-02T10:00:00Z");

    @TempDir
    Path dir;

    private RunStore store;
    /** Another process writing to the same store (another instance, {@code opsbook approve}): its writes are not told here. */
    private RunStore elsewhere;
    private final Set<String> executedHere = ConcurrentHashMap.newKeySet();
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();
    private LiveRuns live;

    @BeforeEach
    void open() {
        store = JdbcRunStore.open(JdbcRunStore.embeddedUrl(dir), "", "");
        elsewhere = JdbcRunStore.open(JdbcRunStore.embeddedUrl(dir), "", "");
        live = new LiveRuns(store, executedHere::contains, new PrintStream(log, true));
        live.start();
    }

    @AfterEach
    void close() {
        live.close();
        elsewhere.close();
        store.close();
    }

    /** What a watcher heard, in order: "update running", "end succeeded". */
    private static class Heard implements LiveRuns.Watcher {
        final List<String> said = new CopyOnWriteArrayList<>();

        @Override
        public void update(RunStatus status) {
            said.add("update " + status.label());
        }

        @Override
        public void end(RunStatus status) {
            said.add("end " + status.label());
        }

        @Override
        public void keepAlive() {
        }
    }

    private void create(RunStore into, String id) {
        into.create(new StoredRun(id, "deploy", "runbooks/deploy.md", "hash", RunStatus.RUNNING, "web", "tester", Optional.empty(),
                Optional.empty(), T0, Optional.empty(), "", ""), "# Deploy", new RunEvent.RunStarted(T0, id, "deploy", "Deploy", "hash",
                JsonNodeFactory.instance.objectNode(), JsonNodeFactory.instance.objectNode(), "tester", "web"));
    }

    @Test
    void a_watcher_hears_each_event_this_process_stores_as_it_is_stored_and_the_end_once_the_run_stops() {
        create(store, "r1");
        executedHere.add("r1");
        Heard heard = new Heard();
        assertThat(live.watch("r1", LiveRuns.seen(RunStatus.RUNNING, 1), heard)).isPresent();
        assertThat(heard.said).as("the page saw the run as it is").isEmpty();

        store.append("r1", 2, new RunEvent.StepSkipped(T0, "a", "condition is false"));
        assertThat(heard.said).as("told on the writer's thread, before append returns").containsExactly("update running");

        store.append("r1", 3, new RunEvent.RunFinished(T0, RunStatus.SUCCEEDED, ""));
        assertThat(heard.said).containsExactly("update running", "update succeeded", "end succeeded");
        assertThat(live.watching()).as("the watch is over").isZero();
    }

    @Test
    void a_watcher_hears_what_another_process_stores_from_the_one_poller() throws Exception {
        create(elsewhere, "r2");
        Heard heard = new Heard();
        live.watch("r2", LiveRuns.seen(RunStatus.RUNNING, 1), heard).orElseThrow();

        elsewhere.append("r2", 2, new RunEvent.RunFinished(T0, RunStatus.FAILED, "step 'a' failed"));

        Eventually.until("the poller reads the other process's event", Duration.ofSeconds(5),
                () -> heard.said.equals(List.of("update failed", "end failed")), () -> heard.said + " " + log);
        assertThat(live.watching()).isZero();
    }

    @Test
    void a_page_rendered_from_an_older_state_hears_an_update_at_once_and_a_stopped_run_ends_the_watch_at_once() {
        create(store, "r3");
        store.append("r3", 2, new RunEvent.RunFinished(T0, RunStatus.CANCELLED, "by bob"));
        Heard stale = new Heard();
        Heard current = new Heard();

        live.watch("r3", LiveRuns.seen(RunStatus.RUNNING, 1), stale).orElseThrow();
        live.watch("r3", LiveRuns.seen(RunStatus.CANCELLED, 2), current).orElseThrow();

        assertThat(stale.said).containsExactly("update cancelled", "end cancelled");
        assertThat(current.said).as("nothing new to redraw").containsExactly("end cancelled");
        assertThat(live.watching()).isZero();
    }

    @Test
    void there_is_no_watch_of_a_run_that_does_not_exist_and_a_closed_watch_hears_nothing_more() {
        Heard nobody = new Heard();
        assertThat(live.watch("nope", "", nobody)).isEmpty();
        assertThat(live.watching()).isZero();

        create(store, "r4");
        Heard gone = new Heard();
        LiveRuns.Watch watch = live.watch("r4", LiveRuns.seen(RunStatus.RUNNING, 1), gone).orElseThrow();
        assertThat(live.watching()).isEqualTo(1);
        watch.close();
        watch.close();
        store.append("r4", 2, new RunEvent.RunFinished(T0, RunStatus.SUCCEEDED, ""));

        assertThat(gone.said).isEmpty();
        assertThat(live.watching()).as("a client gone away leaves nothing behind").isZero();
    }

    @Test
    void a_watcher_that_fails_is_let_go_and_the_writer_does_not_notice() {
        create(store, "r5");
        live.watch("r5", LiveRuns.seen(RunStatus.RUNNING, 1), new Heard() {
            @Override
            public void update(RunStatus status) {
                throw new IllegalStateException("connection closed");
            }
        }).orElseThrow();

        store.append("r5", 2, new RunEvent.StepSkipped(T0, "a", "condition is false"));

        assertThat(live.watching()).isZero();
    }
}
