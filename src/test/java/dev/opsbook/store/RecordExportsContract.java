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
    void the_parts_of_several_records_read_together_are_what_each_part_of_each_run_reads_on_its_own() {
        store.create(new StoredRun("parts", "deploy", "runbooks/deploy.md", "hash-1", RunStatus.RUNNING, "cli", "alice",
                Optional.empty(), Optional.empty(), T0, Optional.empty(), "", ""), "# Deploy\n", started("parts", "deploy", T0, "cli"));
        store.create(new StoredRun("other", "deploy", "runbooks/deploy.md", "hash-1", RunStatus.RUNNING, "cli", "alice",
                Optional.empty(), Optional.empty(), T0, Optional.empty(), "", ""), "# Other\n", started("other", "deploy", T0, "cli"));
        store.auditChains().append("parts", new dev.opsbook.audit.AuditFact(T0.plusSeconds(1), "commented",
                com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode().put("by", "carol")));
        store.append("parts", 2, new RunEvent.RunFinished(T0.plusSeconds(2), RunStatus.FAILED, "boom"));
        store.comments().add("parts", Optional.empty(), "paged the DBA", "otto", T0.plusSeconds(3), CommentsContract.NOTED);
        store.claimTier("parts", "failed@2", 0, "instance-a", T0.plusSeconds(4), T0.plusSeconds(64));
        store.acknowledge("parts", "failed@2", "otto", T0.plusSeconds(5), new dev.opsbook.audit.AuditFact(T0.plusSeconds(5), "acknowledged",
                com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode().put("by", "otto")));
        store.comments().add("other", Optional.empty(), "not this run's", "ana", T0, CommentsContract.NOTED);

        Map<String, RecordParts> read = store.recordParts(java.util.List.of("parts", "other", "nobody"));
        RecordParts parts = read.get("parts");

        assertThat(parts.run()).isEqualTo(store.run("parts").orElseThrow());
        assertThat(parts.run().status()).isEqualTo(RunStatus.FAILED);
        assertThat(parts.runbookText()).isEqualTo("# Deploy\n");
        assertThat(parts.events()).isEqualTo(store.events("parts")).hasSize(2);
        assertThat(parts.trail()).isEqualTo(store.auditChains().read("parts"));
        assertThat(parts.trail().lines()).as("the start, the note, the end, the comment added and the acknowledgement").hasSize(5);
        assertThat(parts.notices()).isEqualTo(store.notices("parts")).hasSize(1);
        assertThat(parts.acknowledgements()).isEqualTo(store.acknowledgements("parts")).hasSize(1);
        assertThat(parts.comments()).isEqualTo(store.comments().comments("parts")).hasSize(1);
        assertThat(read).as("a run not stored is left out").containsOnlyKeys("parts", "other");
        assertThat(read.get("other").comments()).isEqualTo(store.comments().comments("other")).hasSize(1);
        assertThat(read.get("other").notices()).isEmpty();
        assertThat(read.get("other").trail()).isEqualTo(store.auditChains().read("other"));
        assertThat(read.get("other").runbookText()).isEqualTo("# Other\n");
        assertThat(store.recordParts(java.util.List.of("nobody"))).isEmpty();
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
