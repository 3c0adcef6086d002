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

/** Cancel requests: asked once, seen by whichever process runs the run. Run on every database ({@link StoreBackend}). */
abstract class CancelRequestsContract extends StoreContract {

    @Test
    void a_cancel_request_is_seen_while_its_run_runs_and_asked_once() {
        store.create(new StoredRun("c1", "deploy", "runbooks/deploy.md", "hash-1", RunStatus.RUNNING, "cli", "alice",
                Optional.empty(), Optional.empty(), T0, Optional.empty(), "", ""), "# Deploy", started("c1", "deploy", T0, "cli"));
        assertThat(store.requestCancel(new CancelRequest("c1", T0, "bob", "stop"))).isTrue();
        assertThat(store.requestCancel(new CancelRequest("c1", T0, "bob", "stop"))).isFalse();
        assertThat(store.cancelRequestsOfRunningRuns()).extracting(CancelRequest::runId).containsExactly("c1");
        store.append("c1", 2, new RunEvent.RunFinished(T0, RunStatus.CANCELLED, "cancelled"));
        assertThat(store.cancelRequestsOfRunningRuns()).isEmpty();
    }

    @Test
    void a_cancel_request_for_a_run_that_stopped_waiting_is_listed_with_the_waiting_runs_and_one_for_no_run_is_refused() {
        store.create(new StoredRun("w1", "deploy", "runbooks/deploy.md", "hash-1", RunStatus.RUNNING, "cli", "alice",
                Optional.empty(), Optional.empty(), T0, Optional.empty(), "", ""), "# Deploy", started("w1", "deploy", T0, "cli"));
        create("r1", "deploy", T0.plusSeconds(1), "cli", null);
        assertThat(store.requestCancel(new CancelRequest("w1", T0.plusSeconds(5), "bob", "stop"))).isTrue();
        assertThat(store.requestCancel(new CancelRequest("r1", T0.plusSeconds(6), "carol", ""))).isTrue();
        store.append("w1", 2, new RunEvent.RunFinished(T0.plusSeconds(7), RunStatus.WAITING, "waiting for a person at gate"));

        assertThat(store.cancelRequestsOfWaitingRuns()).containsExactly(new CancelRequest("w1", T0.plusSeconds(5), "bob", "stop"));
        assertThat(store.cancelRequestsOfRunningRuns()).extracting(CancelRequest::runId).containsExactly("r1");
        assertThatThrownBy(() -> store.requestCancel(new CancelRequest("nope", T0, "bob", "")))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("no run nope");
    }
}
