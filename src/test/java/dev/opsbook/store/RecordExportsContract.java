package dev.opsbook.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opsbook.engine.RunEvent;
import dev.opsbook.engine.RunStatus;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** How far each run's files under a record folder are written: what lags is what another instance catches up. */
abstract class RecordExportsContract extends StoreContract {

    @Test
    void a_stopped_run_lags_until_its_files_show_its_last_event_and_a_running_one_is_left_to_its_holder() {
        for (String id : new String[] {"stopped", "running"}) {
            store.create(new StoredRun(id, "deploy", "runbooks/deploy.md", "hash-1", RunStatus.RUNNING, "cli", "alice",
                    Optional.empty(), Optional.empty(), T0, Optional.empty(), "", ""), "# Deploy", started(id, "deploy", T0, "cli"));
        }
        store.append("stopped", 2, new RunEvent.RunFinished(T0, RunStatus.SUCCEEDED, ""));

        assertThat(store.unexported(10)).containsExactly("stopped");
        store.exported(Map.of("stopped", 1L));
        assertThat(store.unexported(10)).as("its files show the start only").containsExactly("stopped");
        store.exported(Map.of("stopped", 2L));
        assertThat(store.unexported(10)).isEmpty();
        store.exported(Map.of("stopped", 1L));
        assertThat(store.unexported(10)).as("a late writer of older files does not move it back").isEmpty();
    }

    @Test
    void the_notes_of_several_runs_are_taken_together() {
        for (String id : new String[] {"first", "second", "third"}) {
            store.create(new StoredRun(id, "deploy", "runbooks/deploy.md", "hash-1", RunStatus.RUNNING, "cli", "alice",
                    Optional.empty(), Optional.empty(), T0, Optional.empty(), "", ""), "# Deploy", started(id, "deploy", T0, "cli"));
            store.append(id, 2, new RunEvent.RunFinished(T0, RunStatus.SUCCEEDED, ""));
        }

        store.exported(Map.of("first", 2L, "third", 2L, "second", 1L));

        assertThat(store.unexported(10)).as("the second's files show its start only").containsExactly("second");
    }
}
