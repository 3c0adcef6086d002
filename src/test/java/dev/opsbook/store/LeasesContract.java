package dev.opsbook.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opsbook.engine.FixtureRun;
import dev.opsbook.engine.Fixtures;
import dev.opsbook.engine.Interaction;
import dev.opsbook.engine.RunControl;
import dev.opsbook.engine.RunEvent;
import dev.opsbook.engine.RunListener;
import dev.opsbook.engine.RunResult;
import dev.opsbook.engine.RunStatus;
import dev.opsbook.engine.StepStatus;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Leases and instances: who holds each running run, takeover, and which instances are alive. Run on every database ({@link StoreBackend}). */
abstract class LeasesContract extends StoreContract {

    @Test
    void a_run_started_by_an_instance_is_held_by_it_and_its_heartbeat_renews_only_its_own_running_runs() {
        createLeased("r1", "a", T0.plusSeconds(30));
        createLeased("r2", "a", T0.plusSeconds(30));
        createLeased("r3", "b", T0.plusSeconds(30));
        create("r4", "deploy", T0, "cli", null);
        store.append("r2", 2, new RunEvent.RunFinished(T0.plusSeconds(5), RunStatus.SUCCEEDED, ""));

        assertThat(store.lease("r1")).contains(new Lease("a", T0.plusSeconds(30)));
        assertThat(store.lease("r4")).as("a run started at a terminal is nobody's").isEmpty();
        assertThat(store.renewLeases("a", T0.plusSeconds(60))).containsExactly("r1");
        assertThat(store.lease("r1")).contains(new Lease("a", T0.plusSeconds(60)));
        assertThat(store.lease("r3")).contains(new Lease("b", T0.plusSeconds(30)));
    }

    @Test
    void an_expired_lease_is_taken_over_by_one_instance_which_from_then_on_alone_can_append() {
        createLeased("r1", "a", T0.plusSeconds(30));
        store.append("r1", 2, new RunEvent.StepSkipped(T0.plusSeconds(1), "first", "no"), Optional.of("a"), Optional.empty());
        create("r2", "deploy", T0, "cli", null);

        assertThat(store.takeOverExpired("b", T0.plusSeconds(29), T0.plusSeconds(59))).as("not expired yet").isEmpty();
        Optional<Takeover> taken = store.takeOverExpired("b", T0.plusSeconds(31), T0.plusSeconds(61));
        assertThat(taken).map(t -> t.run().id()).contains("r1");
        assertThat(taken.get().from()).isEqualTo("a");
        assertThat(store.takeOverExpired("c", T0.plusSeconds(32), T0.plusSeconds(62))).as("taken once; a terminal's run never").isEmpty();
        assertThat(store.renewLeases("a", T0.plusSeconds(90))).as("a's heartbeat finds it lost").isEmpty();

        assertThatThrownBy(() -> store.append("r1", 3, new RunEvent.StepSkipped(T0.plusSeconds(33), "second", "late"), Optional.of("a"),
                Optional.empty()))
                .isInstanceOf(LeaseLost.class).hasMessageContaining("no longer held by a but by b");
        store.append("r1", 3, new RunEvent.StepSkipped(T0.plusSeconds(33), "second", "by b"), Optional.of("b"), Optional.empty());
        assertThat(store.events("r1")).hasSize(3);
    }

    @Test
    void two_instances_racing_for_expired_runs_never_take_the_same_one() throws Exception {
        for (int i = 0; i < 20; i++) {
            createLeased("r" + i, "dead", T0);
        }
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<List<String>>> takers = new ArrayList<>();
            for (String owner : List.of("b", "c")) {
                takers.add(pool.submit(() -> {
                    List<String> mine = new ArrayList<>();
                    Optional<Takeover> next;
                    while ((next = store.takeOverExpired(owner, T0.plusSeconds(1), T0.plusSeconds(31))).isPresent()) {
                        mine.add(next.get().run().id());
                    }
                    return mine;
                }));
            }
            List<String> all = new ArrayList<>(takers.get(0).get());
            all.addAll(takers.get(1).get());
            assertThat(all).hasSize(20).doesNotHaveDuplicates();
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void a_released_lease_is_taken_over_at_once_and_says_from_whom() {
        createLeased("r1", "a", T0.plusSeconds(30));

        assertThat(store.releaseLease("r1", "b")).as("only the holder lets go").isFalse();
        assertThat(store.releaseLease("r1", "a")).isTrue();

        assertThat(store.takeOverExpired("b", T0.plusSeconds(1), T0.plusSeconds(31))).map(Takeover::from).contains("a");
    }

    @Test
    void a_run_taken_up_after_a_wait_is_held_by_whoever_took_it_up_and_a_terminal_holds_nothing() {
        createLeased("r1", "a", T0.plusSeconds(30));
        createLeased("r2", "a", T0.plusSeconds(30));
        for (String id : List.of("r1", "r2")) {
            store.append(id, 2, new RunEvent.RunFinished(T0.plusSeconds(1), RunStatus.WAITING, "waiting"));
        }

        store.append("r1", 3, new RunEvent.RunResumed(T0.plusSeconds(60), "serve"), Optional.empty(), Optional.of(new Lease("b", T0.plusSeconds(90))));
        store.append("r2", 3, new RunEvent.RunResumed(T0.plusSeconds(60), "alice"));

        assertThat(store.lease("r1")).contains(new Lease("b", T0.plusSeconds(90)));
        assertThat(store.lease("r2")).isEmpty();
        assertThat(store.takeOverExpired("c", T0.plusSeconds(3600), T0.plusSeconds(3630))).map(t -> t.run().id()).contains("r1");
    }

    @Test
    void the_store_knows_which_instances_are_alive_and_the_process_behind_each() {
        EngineInstance a = new EngineInstance("a", "host-1", 4242);
        EngineInstance b = new EngineInstance("b", "host-2", 77);
        assertThat(store.registerInstance(a, T0, T0.minusSeconds(30))).isEmpty();
        assertThat(store.registerInstance(b, T0.plusSeconds(10), T0.minusSeconds(20))).containsExactly(a);
        assertThat(store.registerInstance(b, T0.plusSeconds(60), T0.plusSeconds(30))).as("a was not seen for a lease").isEmpty();
        store.unregisterInstance("b");
        assertThat(store.registerInstance(a, T0.plusSeconds(61), T0.plusSeconds(31))).isEmpty();
        EngineInstance restarted = new EngineInstance("a", "host-1", 4343);
        store.registerInstance(restarted, T0.plusSeconds(62), T0.plusSeconds(32));
        assertThat(store.registerInstance(b, T0.plusSeconds(63), T0.plusSeconds(33))).as("the same name, a new process").containsExactly(restarted);
    }

    @Test
    void a_run_nobody_stored_has_no_lease_and_only_postgresql_serves_several_instances() {
        assertThat(store.lease("nope")).isEmpty();
        assertThat(store.releaseLease("nope", "a")).isFalse();
        assertThat(store.multiInstance()).isEqualTo(backend() == StoreBackend.POSTGRES);
    }

    @Test
    void a_failed_run_restarted_by_an_instance_is_held_by_it_and_a_lost_holder_cannot_finish_it() {
        createLeased("r1", "a", T0.plusSeconds(30));
        store.append("r1", 2, new RunEvent.RunFinished(T0.plusSeconds(1), RunStatus.FAILED, "step 'x' failed"), Optional.of("a"), Optional.empty());

        store.append("r1", 3, new RunEvent.RunRestarted(T0.plusSeconds(60), "bob", "x", List.of("x")), Optional.empty(),
                Optional.of(new Lease("b", T0.plusSeconds(90))));

        assertThat(store.lease("r1")).contains(new Lease("b", T0.plusSeconds(90)));
        assertThat(store.renewLeases("b", T0.plusSeconds(120))).containsExactly("r1");
        assertThatThrownBy(() -> store.append("r1", 4, new RunEvent.RunFinished(T0.plusSeconds(61), RunStatus.SUCCEEDED, ""),
                Optional.of("a"), Optional.empty())).isInstanceOf(LeaseLost.class)
                .hasMessage("run r1 is no longer held by a but by b: a lost its lease and writes nothing more to it");
    }

    @Test
    void a_concurrency_key_lock_once_let_go_can_be_taken_again() {
        try (RunStore.KeyLock first = store.lockConcurrencyKey("deploy", "prod")) {
            assertThat(first).isNotNull();
        }
        try (RunStore.KeyLock again = store.lockConcurrencyKey("deploy", "prod")) {
            assertThat(again).as("the same key after it was let go").isNotNull();
        }
    }
}
