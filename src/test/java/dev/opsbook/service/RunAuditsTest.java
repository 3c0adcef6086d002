package dev.opsbook.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.opsbook.access.AccessAudit;
import dev.opsbook.access.Principal;
import dev.opsbook.access.Role;
import dev.opsbook.audit.AuditVerifier;
import dev.opsbook.engine.RunEvent;
import dev.opsbook.engine.RunState;
import dev.opsbook.engine.RunStatus;
import dev.opsbook.engine.StepStatus;
import dev.opsbook.graph.RunbookLoader;
import dev.opsbook.runbook.Runbook;
import dev.opsbook.steps.StandardSteps;
import dev.opsbook.store.JdbcRunStore;
import dev.opsbook.store.Lease;
import dev.opsbook.store.LeaseLost;
import dev.opsbook.store.RunStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each run's audit chain lives in the store, written with its events: whichever instance ran it, the store verifies it. */
class RunAuditsTest {

    private static final Instant T0 = Instant.parse("2026-12-02T10:00:00Z");
    private static final String RUN = "20261202-100000-0a1b2c3d4e5f";
    private static final Runbook RUNBOOK = new RunbookLoader(StandardSteps.all().catalog()).load("runbooks/deploy.md", """
            ---
            id: deploy
            title: Deploy
            parameters:
              password: { type: secret }
            ---
            # Deploy

            ```shell id=prepare
            echo prepare
            ```

            ```shell id=deploy
            echo deploy
            ```
            """).runbook();

    @TempDir
    Path dir;

    private String url;
    private RunStore store;
    private RunAudits audits;
    private final List<RunEvent> history = new ArrayList<>();

    @BeforeEach
    void open() {
        url = JdbcRunStore.embeddedUrl(dir.resolve(".opsbook"));
        store = JdbcRunStore.open(url, "", "");
        audits = new RunAudits(store);
    }

    @AfterEach
    void close() {
        store.close();
    }

    /** Writes the run's record and trail file into {@code recordDir} as serve, run and resume do; returns the trail file. */
    private Path exportTrail(Path recordDir) {
        RecordExport.of(recordDir, new RunRecords(store, new RunbookLoader(StandardSteps.all().catalog())),
                new java.io.PrintStream(java.io.OutputStream.nullOutputStream())).write(RUN);
        return recordDir.resolve("deploy").resolve(RUN + ".audit.jsonl");
    }

    /** Tells {@code listener} the event as the engine would: the state after it. */
    private void tell(StoringListener listener, RunEvent event) {
        history.add(event);
        listener.on(event, RunState.fold(history));
    }

    private StoringListener startOn(String instance) {
        StoringListener a = StoringListener.forNewRun(store, RUNBOOK, Optional.of("evt-1"), Optional.empty(),
                Optional.of(new Lease(instance, T0.plusSeconds(30))));
        tell(a, new RunEvent.RunStarted(T0, RUN, "deploy", "Deploy", "hash-1",
                JsonNodeFactory.instance.objectNode().put("password", "********"), JsonNodeFactory.instance.objectNode(), "event evt-1", "event"));
        tell(a, new RunEvent.StepStarted(T0.plusSeconds(1), "prepare", "prepare", dev.opsbook.engine.Role.NORMAL, Optional.empty(),
                JsonNodeFactory.instance.objectNode()));
        tell(a, new RunEvent.StepFinished(T0.plusSeconds(2), "prepare", StepStatus.SUCCEEDED, null, ""));
        tell(a, new RunEvent.StepStarted(T0.plusSeconds(3), "deploy", "deploy", dev.opsbook.engine.Role.NORMAL, Optional.empty(),
                JsonNodeFactory.instance.objectNode()));
        return a;
    }

    private StoringListener takenOverBy(String instance) {
        assertThat(store.takeOverExpired(instance, T0.plusSeconds(31), T0.plusSeconds(61))).map(t -> t.run().id()).contains(RUN);
        StoringListener b = StoringListener.continuing(store, history.size(), Optional.of(instance));
        tell(b, new RunEvent.RunTakenOver(T0.plusSeconds(32), instance, "instance-a"));
        return b;
    }

    @Test
    void a_run_taken_over_by_another_instance_with_another_record_folder_keeps_one_chain_that_verifies_from_the_store() throws Exception {
        startOn("instance-a");
        StoringListener b = takenOverBy("instance-b");
        tell(b, new RunEvent.StepFinished(T0.plusSeconds(33), "deploy", StepStatus.SUCCEEDED, null, ""));
        tell(b, new RunEvent.RunFinished(T0.plusSeconds(34), RunStatus.SUCCEEDED, ""));

        AuditVerifier.Verification verification = audits.verify(RUN);
        assertThat(verification.problems()).isEmpty();
        assertThat(verification.sealedBy()).isEqualTo(AuditVerifier.SealedBy.STORE);
        assertThat(audits.entries(RUN)).extracting(e -> e.seq() + " " + e.type()).containsExactly("1 run-started", "2 step-started",
                "3 step-finished", "4 step-started", "5 run-taken-over", "6 step-finished", "7 run-finished");
        assertThat(store.auditSeals().seal(RUN)).as("what the record seals: the chain's head")
                .hasValueSatisfying(s -> assertThat(s.entries()).isEqualTo(7));
        assertThat(audits.entries(RUN).get(0).data().path("parameters").path("password").asText()).isEqualTo("********");

        Path exported = exportTrail(dir.resolve("records-b"));
        assertThat(exported).isEqualTo(dir.resolve("records-b/deploy/" + RUN + ".audit.jsonl"));
        assertThat(Files.readAllLines(exported)).containsExactlyElementsOf(store.auditChains().read(RUN).lines());
        AuditVerifier.Verification file = AuditVerifier.verify(exported, store.auditSeals());
        assertThat(file.problems()).isEmpty();
        assertThat(file.sealedBy()).isEqualTo(AuditVerifier.SealedBy.STORE);
    }

    @Test
    void an_instance_that_lost_the_lease_writes_no_audit_entry() throws Exception {
        StoringListener a = startOn("instance-a");
        takenOverBy("instance-b");

        RunEvent late = new RunEvent.StepFinished(T0.plusSeconds(40), "deploy", StepStatus.SUCCEEDED, null, "");
        history.add(late);
        assertThatThrownBy(() -> a.on(late, RunState.fold(history))).isInstanceOf(LeaseLost.class);

        assertThat(audits.entries(RUN)).extracting(e -> e.type()).containsExactly("run-started", "step-started", "step-finished",
                "step-started", "run-taken-over");
        assertThat(audits.verify(RUN).problems()).isEmpty();
    }

    @Test
    void answers_cancels_and_restarts_written_straight_to_the_store_are_in_the_chain_too() throws Exception {
        startOn("instance-a");
        store.append(RUN, history.size() + 1, new RunEvent.CancelRequested(T0.plusSeconds(5), "cancelled by ada"), Optional.of("instance-a"),
                Optional.empty());

        assertThat(audits.entries(RUN)).last().satisfies(e -> {
            assertThat(e.type()).isEqualTo("cancel-requested");
            assertThat(e.data().path("reason").asText()).isEqualTo("cancelled by ada");
        });
        assertThat(audits.verify(RUN).problems()).isEmpty();
    }

    private void sql(String statement) throws Exception {
        try (Connection connection = DriverManager.getConnection(url); Statement s = connection.createStatement()) {
            s.executeUpdate(statement);
        }
    }

    @Test
    void an_entry_changed_or_deleted_in_the_database_and_a_cut_tail_are_each_found() throws Exception {
        startOn("instance-a");
        assertThat(audits.verify(RUN).valid()).isTrue();

        sql("UPDATE audit_entries SET line = REPLACE(line, 'prepare', 'prepared') WHERE trail = '" + RUN + "' AND seq = 2");
        assertThat(audits.verify(RUN).problems()).anySatisfy(p -> assertThat(p).contains("entry 2", "was changed after it was written"));

        sql("DELETE FROM audit_entries WHERE trail = '" + RUN + "' AND seq = 2");
        assertThat(audits.verify(RUN).problems()).anySatisfy(p -> assertThat(p).contains("entry 3 where entry 2 was expected"));

        sql("DELETE FROM audit_entries WHERE trail = '" + RUN + "' AND seq = 4");
        assertThat(audits.verify(RUN).problems()).anySatisfy(p -> assertThat(p).contains("the store sealed 4 entries", "entries were cut from its end"));
    }

    @Test
    void a_trail_file_of_a_run_from_before_is_imported_verifies_from_the_store_and_importing_again_adds_nothing() throws Exception {
        startOn("instance-a");
        Path file = exportTrail(dir.resolve("records"));
        sql("DELETE FROM audit_entries");
        sql("DELETE FROM audit_seals");
        assertThatThrownBy(() -> audits.verify(RUN)).isInstanceOf(RunAudits.Unavailable.class)
                .hasMessageContaining("import its trail file with opsbook audit import");

        Path edited = dir.resolve("edited.audit.jsonl");
        Files.writeString(edited, Files.readString(file).replace("prepare", "prepared"));
        assertThatThrownBy(() -> audits.importTrail(edited)).isInstanceOf(RunAudits.Unavailable.class)
                .hasMessageStartingWith("it does not verify: ").hasMessageContaining("was changed after it was written");

        assertThat(audits.importTrail(file)).isEqualTo(new RunAudits.Imported(RUN, 4, 4));
        assertThat(audits.verify(RUN).problems()).isEmpty();
        assertThat(audits.verify(RUN).sealedBy()).isEqualTo(AuditVerifier.SealedBy.STORE);
        assertThat(audits.importTrail(file)).isEqualTo(new RunAudits.Imported(RUN, 4, 0));

        StoringListener goesOn = StoringListener.continuing(store, history.size(), Optional.of("instance-a"));
        tell(goesOn, new RunEvent.StepFinished(T0.plusSeconds(6), "deploy", StepStatus.SUCCEEDED, null, ""));
        assertThat(audits.verify(RUN).entries()).as("the run goes on from the imported end").isEqualTo(5);
        assertThat(audits.verify(RUN).problems()).isEmpty();
    }

    @Test
    void a_run_from_before_that_goes_on_after_the_upgrade_keeps_its_old_trail_file_to_import() throws Exception {
        startOn("instance-a");
        Path file = exportTrail(dir.resolve("records"));
        String before = Files.readString(file);
        sql("DELETE FROM audit_entries"); // //why: the previous version sealed trails in the store but kept their entries only in the file

        StoringListener goesOn = StoringListener.continuing(store, history.size(), Optional.of("instance-a"));
        tell(goesOn, new RunEvent.StepFinished(T0.plusSeconds(6), "deploy", StepStatus.SUCCEEDED, null, ""));
        exportTrail(dir.resolve("records"));
        assertThat(Files.readString(file)).as("the file holds the entries the store lacks: not replaced by the store's part").isEqualTo(before);
        assertThat(audits.verify(RUN).problems()).as("says what to do").anySatisfy(p -> assertThat(p).contains(
                "the store holds its entries from 5 on", "opsbook audit import"));

        assertThat(audits.importTrail(file)).isEqualTo(new RunAudits.Imported(RUN, 4, 4));
        assertThat(audits.verify(RUN).problems()).isEmpty();
        assertThat(audits.verify(RUN).entries()).isEqualTo(5);
        exportTrail(dir.resolve("records"));
        assertThat(Files.readAllLines(file)).as("once whole in the store, exported whole").containsExactlyElementsOf(store.auditChains().read(RUN).lines());
    }

    @Test
    void an_instances_access_trail_is_chained_in_the_store_and_a_cut_tail_shows() throws Exception {
        Principal ada = new Principal("tok-1", "ada", Set.of(Role.OPERATOR));
        try (AccessAudit access = AccessAudit.in(store.auditChains(), "ops-1", Clock.systemUTC())) {
            for (int i = 0; i < 3; i++) {
                access.record(new AccessAudit.Decision(true, 200, Optional.of(ada), "GET", "/api/runs/r" + i, "read", ""));
            }
        }
        try (AccessAudit restarted = AccessAudit.in(store.auditChains(), "ops-1", Clock.systemUTC())) {
            restarted.record(new AccessAudit.Decision(false, 401, Optional.empty(), "GET", "/api/runs", "read", "no token"));
        }
        assertThat(audits.accessTrails()).containsExactly("access-ops-1");
        AuditVerifier.Verification verification = audits.verifyAccess("access-ops-1");
        assertThat(verification.problems()).isEmpty();
        assertThat(verification.entries()).as("a restarted instance goes on with its chain").isEqualTo(4);

        sql("DELETE FROM audit_entries WHERE trail = 'access-ops-1' AND seq = 4");
        assertThat(audits.verifyAccess("access-ops-1").problems())
                .anySatisfy(p -> assertThat(p).contains("the store sealed 4 entries, the trail has 3: entries were cut from its end"));
    }
}
