package dev.opsbook.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditTrailTest {

    @TempDir
    Path dir;

    @Test
    void the_seal_is_read_from_a_record_written_with_crlf_line_endings_as_a_crlf_runbook_gets() throws Exception {
        Path trail = dir.resolve("run-1.audit.jsonl");
        Files.writeString(dir.resolve("run-1.md"), "---\r\nrun: run-1\r\naudit:\r\n  file: run-1.audit.jsonl\r\n  entries: 3\r\n"
                + "  finalSha256: abc\r\n---\r\n\r\n# Restart\r\n");

        assertThat(AuditSummary.sealedBeside(trail)).contains(new AuditSummary(trail, 3, "abc"));
    }

    @Test
    void a_trail_verifies_whatever_numbers_its_requests_hold() throws Exception {
        Path file = dir.resolve("run.audit.jsonl");
        try (AuditTrail trail = AuditTrail.create(file)) {
            for (String number : new String[] {"0.00001", "1E+20", "1000.0", "1.5", "42"}) {
                ObjectNode data = JsonNodeFactory.instance.objectNode();
                data.putObject("request").set("Value", JsonNodeFactory.instance.numberNode(new BigDecimal(number)));
                data.put("double", 1.0E-5).put("long", 12345678901L);
                trail.append(Instant.parse("2026-11-23T03:00:00Z"), "call", data);
            }
        }

        AuditVerifier.Verification verification = AuditVerifier.verify(file, Optional.empty());

        assertThat(verification.problems()).isEmpty();
        assertThat(verification.entries()).isEqualTo(5);
    }

    @Test
    void a_changed_entry_breaks_the_chain() throws Exception {
        Path file = dir.resolve("run.audit.jsonl");
        try (AuditTrail trail = AuditTrail.create(file)) {
            trail.append(Instant.parse("2026-11-23T03:00:00Z"), "call", JsonNodeFactory.instance.objectNode().put("operation", "RebootInstances"));
            trail.append(Instant.parse("2026-11-23T03:00:01Z"), "run-finished", JsonNodeFactory.instance.objectNode().put("status", "succeeded"));
        }
        Files.writeString(file, Files.readString(file).replace("RebootInstances", "StopInstances"));

        AuditVerifier.Verification verification = AuditVerifier.verify(file, Optional.empty());

        assertThat(verification.valid()).isFalse();
        assertThat(verification.problems()).singleElement().asString().contains("entry 1 (call) was changed after it was written");
    }
}
