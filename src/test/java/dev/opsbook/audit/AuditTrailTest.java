package dev.opsbook.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opsbook.access.AccessAudit;
import dev.opsbook.access.Principal;
import dev.opsbook.access.Role;
import dev.opsbook.store.JdbcRunStore;
import dev.opsbook.store.RunStore;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditTrailTest {

    @TempDir
    Path dir;

    private RunStore store;
    private Path file;

    @BeforeEach
    void openStore() {
        store = JdbcRunStore.open(JdbcRunStore.embeddedUrl(dir.resolve("store")), "", "");
        file = dir.resolve("20261123-030000-0a1b2c3d4e5f.audit.jsonl");
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    @Test
    void the_seal_is_read_from_a_record_written_with_crlf_line_endings_as_a_crlf_runbook_gets() throws Exception {
        Path trail = dir.resolve("run-1.audit.jsonl");
        Files.writeString(dir.resolve("run-1.md"), "---\r\nrun: run-1\r\naudit:\r\n  file: run-1.audit.jsonl\r\n  entries: 3\r\n"
                + "  finalSha256: abc\r\n---\r\n\r\n# Restart\r\n");

        assertThat(AuditSummary.sealedBeside(trail)).contains(new AuditSummary(trail, 3, "abc"));
    }

    @Test
    void a_trail_verifies_whatever_numbers_its_requests_hold() throws Exception {
        try (AuditTrail trail = AuditTrail.create(file)) {
            for (String number : new String[] {"0.00001", "1E+20", "1000.0", "1.5", "42"}) {
                ObjectNode data = JsonNodeFactory.instance.objectNode();
                data.putObject("request").set("Value", JsonNodeFactory.instance.numberNode(new BigDecimal(number)));
                data.put("double", 1.0E-5).put("long", 12345678901L).put("float", 0.1f);
                trail.append(Instant.parse("2026-11-23T03:00:00Z"), "call", data);
            }
        }

        AuditVerifier.Verification verification = AuditVerifier.verify(file, AuditSeals.NONE);

        assertThat(verification.problems()).isEmpty();
        assertThat(verification.entries()).isEqualTo(5);
    }

    @Test
    void a_changed_entry_breaks_the_chain() throws Exception {
        try (AuditTrail trail = AuditTrail.create(file)) {
            trail.append(Instant.parse("2026-11-23T03:00:00Z"), "call", JsonNodeFactory.instance.objectNode().put("operation", "RebootInstances"));
            trail.append(Instant.parse("2026-11-23T03:00:01Z"), "run-finished", JsonNodeFactory.instance.objectNode().put("status", "succeeded"));
        }
        Files.writeString(file, Files.readString(file).replace("RebootInstances", "StopInstances"));

        AuditVerifier.Verification verification = AuditVerifier.verify(file, AuditSeals.NONE);

        assertThat(verification.valid()).isFalse();
        assertThat(verification.problems()).singleElement().asString().contains("entry 1 (call) was changed after it was written");
    }

    @Test
    void an_untampered_trail_ends_where_the_store_sealed_it() throws Exception {
        writeRunTrail(store.auditSeals());

        AuditVerifier.Verification verification = AuditVerifier.verify(file, store.auditSeals());

        assertThat(verification.problems()).isEmpty();
        assertThat(verification.sealedBy()).isEqualTo(AuditVerifier.SealedBy.STORE);
        assertThat(verification.verdict()).startsWith("3 entries, chain intact, sealed in the store");
    }

    @Test
    void a_key_added_to_an_entry_is_refused() throws Exception {
        writeRunTrail(store.auditSeals());
        editLine(2, line -> line.replace(",\"previous\":", ",\"note\":\"looks fine\",\"previous\":"));

        assertProblem(":2: unknown key 'note'");
    }

    @Test
    void a_line_that_is_not_an_entry_is_the_one_problem_named_not_a_cut_or_a_broken_chain_after_it() throws Exception {
        writeRunTrail(store.auditSeals());
        editLine(2, line -> line.replace(",\"previous\":", ",\"note\":\"looks fine\",\"previous\":"));

        AuditVerifier.Verification verification = AuditVerifier.verify(file, store.auditSeals());

        assertThat(verification.valid()).isFalse();
        assertThat(verification.problems()).singleElement().asString().contains(":2: unknown key 'note'");
        assertThat(verification.entries()).isEqualTo(3);
    }

    @Test
    void an_entry_removed_from_the_middle_is_named_where_it_was_not_at_every_line_after_it_nor_as_a_cut_tail() throws Exception {
        try (AuditTrail trail = AuditTrail.create(file, store.auditSeals())) {
            trail.append(Instant.parse("2026-11-23T03:00:00Z"), "run-started",
                    JsonNodeFactory.instance.objectNode().put("run", "20261123-030000-0a1b2c3d4e5f").put("runbook", "reboot"));
            for (int i = 1; i <= 4; i++) {
                trail.append(Instant.parse("2026-11-23T03:00:0" + i + "Z"), "step-started", JsonNodeFactory.instance.objectNode().put("step", "s" + i));
            }
        }
        List<String> lines = new ArrayList<>(Files.readAllLines(file));
        lines.remove(1);
        Files.write(file, lines);

        AuditVerifier.Verification verification = AuditVerifier.verify(file, store.auditSeals());

        assertThat(verification.valid()).isFalse();
        assertThat(verification.problems()).hasSize(2).allSatisfy(p -> assertThat(p).contains(".jsonl:2: entry 3 "));
        assertThat(verification.problems()).noneSatisfy(p -> assertThat(p).contains("cut from its end"));
    }

    @Test
    void a_blank_line_is_the_one_problem_named_and_is_not_counted_as_an_entry() throws Exception {
        writeRunTrail(store.auditSeals());
        List<String> lines = new ArrayList<>(Files.readAllLines(file));
        lines.add(1, "");
        Files.write(file, lines);

        AuditVerifier.Verification verification = AuditVerifier.verify(file, store.auditSeals());

        assertThat(verification.problems()).singleElement().asString().contains(":2: a blank line");
        assertThat(verification.entries()).isEqualTo(3);
    }

    @Test
    void a_second_data_key_is_refused_whichever_a_reader_would_take() throws Exception {
        writeRunTrail(store.auditSeals());
        editLine(2, line -> line.replace("\"data\":", "\"data\":{\"operation\":\"StopInstances\"},\"data\":"));

        assertProblem(":2: a key twice: duplicate key 'data'");
    }

    @Test
    void bytes_after_an_entry_are_refused() throws Exception {
        writeRunTrail(store.auditSeals());
        editLine(2, line -> line + " {\"type\":\"call\",\"operation\":\"StopInstances\"}");
        editLine(3, line -> line + "# approved by nobody");

        assertProblem(":2: bytes after the entry's JSON object");
        assertProblem(":3: bytes after the entry's JSON object");
    }

    @Test
    void a_blank_line_is_refused() throws Exception {
        writeRunTrail(store.auditSeals());
        List<String> lines = new ArrayList<>(Files.readAllLines(file));
        lines.add(1, "");
        Files.write(file, lines);

        assertProblem(":2: a blank line");
    }

    @Test
    void keys_written_in_another_order_are_refused_at_the_top_and_inside_data() throws Exception {
        writeRunTrail(store.auditSeals());
        editLine(1, line -> line.replaceFirst("^\\{(\"seq\":1),(\"at\":\"[^\"]+\"),", "{$2,$1,"));
        editLine(2, line -> line.replace("{\"operation\":\"RebootInstances\",\"region\":\"eu-west-1\"}",
                "{\"region\":\"eu-west-1\",\"operation\":\"RebootInstances\"}"));

        AuditVerifier.Verification verification = AuditVerifier.verify(file, store.auditSeals());

        assertThat(verification.valid()).isFalse();
        assertThat(verification.problems()).anySatisfy(p -> assertThat(p).contains(":1: entry 1 is not written as opsbook writes it: keys out of order"));
        assertThat(verification.problems()).anySatisfy(p -> assertThat(p).contains(":2: entry 2 is not written as opsbook writes it: the keys of 'data' are not in sorted order"));
    }

    @Test
    void spaces_or_escapes_the_hash_does_not_cover_are_refused() throws Exception {
        writeRunTrail(store.auditSeals());
        editLine(3, line -> line.replace("\"status\":\"succeeded\"", "\"status\": \"\\u0073ucceeded\""));

        assertProblem(":3: entry 3 is not written as opsbook writes it: not in canonical form from column");
    }

    @Test
    void a_last_line_without_its_newline_is_refused() throws Exception {
        writeRunTrail(store.auditSeals());
        String text = Files.readString(file);
        Files.writeString(file, text.substring(0, text.length() - 1));

        assertProblem(":3: the last line does not end with a newline");
    }

    @Test
    void a_tail_cut_from_a_run_trail_shows_against_the_store_alone() throws Exception {
        writeRunTrail(store.auditSeals());
        List<String> lines = Files.readAllLines(file);
        Files.write(file, lines.subList(0, 2));

        assertProblem("the store sealed 3 entries, the trail has 2: entries were cut from its end");
    }

    @Test
    void a_copy_of_a_cut_run_trail_still_finds_its_seal_by_the_run_it_names() throws Exception {
        writeRunTrail(store.auditSeals());
        Path copy = dir.resolve("renamed.audit.jsonl");
        Files.write(copy, Files.readAllLines(file).subList(0, 2));

        assertThat(AuditVerifier.verify(copy, store.auditSeals()).problems())
                .anySatisfy(p -> assertThat(p).contains("the store sealed 3 entries, the trail has 2"));
    }

    @Test
    void a_trail_cut_and_then_continued_is_not_sealed_again() throws Exception {
        writeRunTrail(store.auditSeals());
        Files.write(file, Files.readAllLines(file).subList(0, 2));
        try (AuditTrail trail = AuditTrail.continueAt(file, store.auditSeals())) {
            trail.append(Instant.parse("2026-11-23T03:00:05Z"), "run-finished", JsonNodeFactory.instance.objectNode().put("status", "failed"));
            trail.append(Instant.parse("2026-11-23T03:00:06Z"), "run-finished", JsonNodeFactory.instance.objectNode().put("status", "failed"));
        }

        assertProblem("entry 3 is not the one the store sealed");
    }

    @Test
    void a_resumed_trail_goes_on_sealing_where_it_stopped() throws Exception {
        writeRunTrail(store.auditSeals());
        try (AuditTrail trail = AuditTrail.continueAt(file, store.auditSeals())) {
            trail.append(Instant.parse("2026-11-23T03:00:05Z"), "run-restarted", JsonNodeFactory.instance.objectNode().put("by", "ada"));
        }

        AuditVerifier.Verification verification = AuditVerifier.verify(file, store.auditSeals());

        assertThat(verification.problems()).isEmpty();
        assertThat(verification.entries()).isEqualTo(4);
        assertThat(verification.sealedBy()).isEqualTo(AuditVerifier.SealedBy.STORE);
    }

    @Test
    void a_trail_the_store_has_no_seal_for_is_called_unsealed_not_intact() throws Exception {
        writeRunTrail(AuditSeals.NONE);

        AuditVerifier.Verification verification = AuditVerifier.verify(file, store.auditSeals());

        assertThat(verification.valid()).isTrue();
        assertThat(verification.sealedBy()).isEqualTo(AuditVerifier.SealedBy.NONE);
        assertThat(verification.verdict()).contains("chain intact, but no seal in the store to detect a cut tail",
                "holds no seal for 20261123-030000-0a1b2c3d4e5f");
    }

    private void writeRunTrail(AuditSeals seals) throws Exception {
        try (AuditTrail trail = AuditTrail.create(file, seals)) {
            trail.append(Instant.parse("2026-11-23T03:00:00Z"), "run-started",
                    JsonNodeFactory.instance.objectNode().put("run", "20261123-030000-0a1b2c3d4e5f").put("runbook", "reboot"));
            ObjectNode call = JsonNodeFactory.instance.objectNode().put("step", "reboot");
            call.putObject("request").put("operation", "RebootInstances").put("region", "eu-west-1");
            trail.append(Instant.parse("2026-11-23T03:00:01Z"), "call", call);
            trail.append(Instant.parse("2026-11-23T03:00:02Z"), "run-finished", JsonNodeFactory.instance.objectNode().put("status", "succeeded"));
        }
    }

    private void editLine(int number, UnaryOperator<String> edit) throws Exception {
        List<String> lines = new ArrayList<>(Files.readAllLines(file, StandardCharsets.UTF_8));
        String edited = edit.apply(lines.get(number - 1));
        assertThat(edited).as("the edit applies").isNotEqualTo(lines.get(number - 1));
        lines.set(number - 1, edited);
        Files.write(file, lines, StandardCharsets.UTF_8);
    }

    private void assertProblem(String expected) throws Exception {
        AuditVerifier.Verification verification = AuditVerifier.verify(file, store.auditSeals());
        assertThat(verification.valid()).as(expected).isFalse();
        assertThat(verification.problems()).anySatisfy(p -> assertThat(p).contains(expected));
    }
}
