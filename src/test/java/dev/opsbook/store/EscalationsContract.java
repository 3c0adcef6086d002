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

/** Escalations: each sent by one caller once per period. Run on every database ({@link StoreBackend}). */
abstract class EscalationsContract extends StoreContract {

    private static dev.opsbook.audit.AuditFact said(String by) {
        return new dev.opsbook.audit.AuditFact(T0, "acknowledged", com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode().put("by", by));
    }

    @Test
    void an_acknowledgement_is_kept_with_its_audit_entry_or_not_at_all() throws Exception {
        assertThat(store.acknowledge("r1", "failed@2", "erin", T0, said("erin"))).isTrue();
        assertThat(store.auditChains().read("r1").lines()).singleElement().asString().contains("\"acknowledged\"").contains("erin");
        assertThat(store.acknowledge("r1", "failed@2", "frank", T0.plusSeconds(1), said("frank"))).as("acknowledged already").isFalse();
        assertThat(store.auditChains().read("r1").lines()).as("nothing written for the second").hasSize(1);

        try (java.sql.Connection raw = java.sql.DriverManager.getConnection(url, backend().user(), backend().password());
             java.sql.Statement statement = raw.createStatement()) {
            statement.execute("INSERT INTO audit_entries (trail, seq, line) VALUES ('r2', 1, '{}')"); // another writer's, its seal not moved
        }
        assertThatThrownBy(() -> store.acknowledge("r2", "failed@2", "erin", T0, said("erin"))).isInstanceOf(IllegalStateException.class);
        assertThat(store.acknowledgements("r2")).as("not kept without its entry").isEmpty();
        assertThat(store.dueLooks(T0.plusSeconds(60), 10)).as("nor its look").doesNotContain("r2");
    }

    @Test
    void the_looks_of_runs_nobody_was_told_of_are_forgotten_together_and_those_told_of_kept_and_named() {
        Instant due = T0.plusSeconds(60);
        for (String id : List.of("quiet", "told", "also-quiet")) {
            store.lookAgain(id, 1, Optional.of(due));
        }
        store.lookAgain("not-asked", 1, Optional.of(due));
        store.claimTier("told", "failed@3", 0, "instance-a", T0, T0.plusSeconds(30));

        assertThat(store.forgetLooksOfUntold(List.of("quiet", "told", "also-quiet", "never-looked"))).containsExactly("told");

        assertThat(store.dueLooks(T0.plusSeconds(3600), 10)).containsExactlyInAnyOrder("told", "not-asked");
        assertThat(store.forgetLooksOfUntold(List.of())).isEmpty();
    }

    @Test
    void an_escalation_is_sent_by_one_caller_once_per_period_whichever_instance_asks() throws Exception {
        Instant hourAgo = T0.minusSeconds(3600);
        assertThat(store.escalateOnce("limit:restart", T0, hourAgo)).isTrue();
        assertThat(store.escalateOnce("limit:restart", T0.plusSeconds(60), T0.plusSeconds(60 - 3600))).as("within the hour").isFalse();
        assertThat(store.escalateOnce("limit:other", T0.plusSeconds(60), T0.plusSeconds(60 - 3600))).as("another key").isTrue();
        assertThat(store.escalateOnce("limit:restart", T0.plusSeconds(3601), T0.plusSeconds(1))).as("an hour later").isTrue();
        assertThat(store.escalateOnce("wait:r1/allow", T0, Instant.EPOCH)).isTrue();
        assertThat(store.escalateOnce("wait:r1/allow", T0.plusSeconds(86_400), Instant.EPOCH)).as("once ever").isFalse();

        ExecutorService threads = Executors.newFixedThreadPool(8);
        try {
            List<Future<Boolean>> asks = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                asks.add(threads.submit(() -> store.escalateOnce("wait:r2/allow", T0, Instant.EPOCH)));
            }
            long sent = 0;
            for (Future<Boolean> ask : asks) {
                sent += ask.get() ? 1 : 0;
            }
            assertThat(sent).as("eight instances at the same moment").isEqualTo(1);
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void each_tier_of_an_occasion_is_claimed_by_one_instance_retried_by_one_and_stopped_once() throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(8);
        try {
            List<Future<Boolean>> claims = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                String instance = "instance-" + i;
                claims.add(threads.submit(() -> store.claimTier("r1", "waiting:allow@1", 0, instance, T0, T0.plusSeconds(60))));
            }
            long told = 0;
            for (Future<Boolean> claim : claims) {
                told += claim.get() ? 1 : 0;
            }
            assertThat(told).as("eight instances at the same moment tell tier 1 once").isEqualTo(1);
        } finally {
            threads.shutdownNow();
        }
        assertThat(store.claimTier("r1", "waiting:allow@1", 0, "later", T0.plusSeconds(3600), T0.plusSeconds(3660))).as("after a restart").isFalse();
        assertThat(store.claimTier("r1", "waiting:allow@1", 1, "i", T0.plusSeconds(5), T0.plusSeconds(65))).as("tier 2").isTrue();

        store.attempted("r1", "waiting:allow@1", 0, List.of("sns"), "webhook: 503", Optional.of(T0.plusSeconds(10)));
        assertThat(store.claimRetry("r1", "waiting:allow@1", 0, 1, T0.plusSeconds(9), T0.plusSeconds(69))).as("not due yet").isFalse();
        assertThat(store.claimRetry("r1", "waiting:allow@1", 0, 1, T0.plusSeconds(10), T0.plusSeconds(70))).isTrue();
        assertThat(store.claimRetry("r1", "waiting:allow@1", 0, 1, T0.plusSeconds(10), T0.plusSeconds(70))).as("one retrier").isFalse();
        store.attempted("r1", "waiting:allow@1", 0, List.of("sns", "webhook"), "", Optional.empty());

        Escalations.Notice first = store.notices("r1").get(0);
        assertThat(first.tier()).isZero();
        assertThat(first.attempts()).isEqualTo(2);
        assertThat(first.delivered()).containsExactly("sns", "webhook");
        assertThat(first.retryAt()).isEmpty();
        assertThat(store.open(10)).hasSize(2);

        assertThat(store.acknowledge("r1", "waiting:allow@1", "erin", T0.plusSeconds(20), said("erin"))).isTrue();
        assertThat(store.acknowledge("r1", "waiting:allow@1", "frank", T0.plusSeconds(21), said("frank"))).as("acknowledged already").isFalse();
        assertThat(store.acknowledgements("r1")).extracting(Escalations.Acknowledgement::by).containsExactly("erin");

        assertThat(store.close("r1", "waiting:allow@1", Optional.empty(), "acknowledged", T0.plusSeconds(22))).isTrue();
        assertThat(store.close("r1", "waiting:allow@1", Optional.empty(), "acknowledged", T0.plusSeconds(22))).as("once").isFalse();
        assertThat(store.open(10)).as("acknowledged: still watched until the run ends").hasSize(2);
        assertThat(store.close("r1", "waiting:allow@1", Optional.of("acknowledged"), "resolved", T0.plusSeconds(30))).isTrue();
        assertThat(store.open(10)).isEmpty();
        assertThat(store.notices("r1")).allSatisfy(n -> assertThat(n.closedHow()).contains("resolved"));
    }
}
