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
}
