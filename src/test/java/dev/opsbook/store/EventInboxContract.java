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

/** The event inbox: events received from outside, claimed once by their id, and settled. Run on every database ({@link StoreBackend}). */
abstract class EventInboxContract extends StoreContract {

    @Test
    void claiming_an_event_succeeds_once_and_a_second_delivery_is_told_it_was_seen() {
        ReceivedEvent event = received("evt-1", T0, EventOutcome.RECEIVED);

        assertThat(store.claim(event)).isTrue();
        assertThat(store.claim(event)).isFalse();
        assertThat(store.claim(received("evt-1", T0.plusSeconds(5), EventOutcome.RECEIVED))).isFalse();
        assertThat(store.receivedEvent("evt-1")).contains(event);
        assertThat(store.receivedEvent("evt-2")).isEmpty();
    }

    @Test
    void of_eight_threads_claiming_one_event_at_the_same_moment_exactly_one_wins() throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(8);
        try {
            for (int round = 0; round < 10; round++) {
                ReceivedEvent event = received("evt-" + round, T0, EventOutcome.RECEIVED);
                CountDownLatch go = new CountDownLatch(1);
                List<Future<Boolean>> claims = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    Callable<Boolean> claim = () -> {
                        go.await();
                        return store.claim(event);
                    };
                    claims.add(threads.submit(claim));
                }
                go.countDown();
                int won = 0;
                for (Future<Boolean> claim : claims) {
                    won += claim.get() ? 1 : 0;
                }
                assertThat(won).as("winners of round %d", round).isEqualTo(1);
            }
        } finally {
            threads.shutdownNow();
        }
        assertThat(store.receivedEvents(100)).hasSize(10);
    }

    @Test
    void a_settled_event_says_which_runs_it_started_or_why_it_started_none() {
        store.claim(received("evt-1", T0, EventOutcome.RECEIVED));
        store.claim(received("evt-2", T0.plusSeconds(1), EventOutcome.RECEIVED));
        store.claim(received("evt-3", T0.plusSeconds(2), EventOutcome.RECEIVED));

        store.settle("evt-1", EventOutcome.STARTED, "", List.of("r1", "r2"));
        store.settle("evt-2", EventOutcome.SUPPRESSED, "the hourly limit of 3 runs was reached", List.of());

        ReceivedEvent started = store.receivedEvent("evt-1").orElseThrow();
        assertThat(started.outcome()).isEqualTo(EventOutcome.STARTED);
        assertThat(started.runIds()).containsExactly("r1", "r2");
        assertThat(started.body()).isEqualTo(received("evt-1", T0, EventOutcome.RECEIVED).body());
        ReceivedEvent suppressed = store.receivedEvent("evt-2").orElseThrow();
        assertThat(suppressed.outcome()).isEqualTo(EventOutcome.SUPPRESSED);
        assertThat(suppressed.reason()).isEqualTo("the hourly limit of 3 runs was reached");
        assertThat(suppressed.runIds()).isEmpty();
        assertThat(store.receivedEvents(10)).extracting(ReceivedEvent::eventId).containsExactly("evt-3", "evt-2", "evt-1");
        assertThat(store.receivedEvents(2)).extracting(ReceivedEvent::eventId).containsExactly("evt-3", "evt-2");
        assertThat(store.receivedEvents(10).get(0).outcome()).as("claimed, not settled").isEqualTo(EventOutcome.RECEIVED);
        assertThatThrownBy(() -> store.settle("evt-9", EventOutcome.NO_MATCH, "", List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("no event evt-9 was claimed");
    }

    @Test
    void an_event_claimed_by_an_instance_that_stopped_is_taken_up_again_once_its_claim_expires_but_never_once_settled() {
        assertThat(store.claim(received("evt-1", T0, EventOutcome.RECEIVED), "a", T0.plusSeconds(2))).isTrue();
        assertThat(store.claim(received("evt-1", T0.plusSeconds(1), EventOutcome.RECEIVED), "b", T0.plusSeconds(3))).isFalse();

        assertThat(store.reclaim("evt-1", "b", T0.plusSeconds(1), T0.plusSeconds(3))).as("a's claim still holds").isFalse();
        assertThat(store.reclaim("evt-1", "a", T0.plusSeconds(1), T0.plusSeconds(4))).as("a, restarted under its name").isTrue();
        assertThat(store.reclaim("evt-1", "b", T0.plusSeconds(5), T0.plusSeconds(7))).as("a's claim expired").isTrue();
        assertThat(store.reclaim("evt-1", "c", T0.plusSeconds(6), T0.plusSeconds(8))).as("b holds it now").isFalse();

        store.settle("evt-1", EventOutcome.STARTED, "", List.of("r1"));
        assertThat(store.reclaim("evt-1", "c", T0.plusSeconds(60), T0.plusSeconds(62))).as("settled").isFalse();
        assertThat(store.reclaim("evt-1", "b", T0.plusSeconds(60), T0.plusSeconds(62))).as("settled, even for its claimant").isFalse();
    }

    @Test
    void an_event_starts_at_most_one_run_of_a_runbook_and_its_runs_are_found_by_the_event() {
        store.create(withEvent(row("r1", "restart", T0, "event", null), "evt-1"), "text", started("r1", "restart", T0, "event"));
        store.create(withEvent(row("r2", "notify", T0, "event", null), "evt-1"), "text", started("r2", "notify", T0, "event"));
        create("r3", "restart", T0, "manual", null);

        assertThatThrownBy(() -> store.create(withEvent(row("r4", "restart", T0, "event", null), "evt-1"), "text",
                started("r4", "restart", T0, "event"))).as("a second run of restart for evt-1").isInstanceOf(IllegalStateException.class)
                .hasMessage("event evt-1 already started a run of restart");
        assertThat(ids(store.runsOfEvent("evt-1"))).containsExactlyInAnyOrder("r1", "r2");
        assertThat(store.runsOfEvent("evt-2")).isEmpty();
        assertThat(store.run("r4")).isEmpty();
    }

    @Test
    void an_event_that_is_not_one_keeps_its_missing_fields_missing() {
        ReceivedEvent odd = new ReceivedEvent("sha256:abc", T0, "http", null, null, EventOutcome.REJECTED, "not an EventBridge event",
                List.of(), "not json at all");

        assertThat(store.claim(odd)).isTrue();

        assertThat(store.receivedEvent("sha256:abc")).contains(odd);
    }
}
