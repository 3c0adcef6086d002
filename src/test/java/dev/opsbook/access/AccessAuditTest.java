package dev.opsbook.access;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opsbook.audit.AuditVerifier;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Instances sharing one record folder each keep an access trail that verifies. */
class AccessAuditTest {

    @TempDir
    Path records;

    @Test
    void two_instances_writing_decisions_at_once_into_one_folder_leave_two_trails_that_both_verify() throws Exception {
        Principal ada = new Principal("tok-1", "ada", Set.of(Role.OPERATOR));
        try (AccessAudit a = AccessAudit.in(records, "ops-1", Clock.systemUTC());
             AccessAudit b = AccessAudit.in(records, "ops/2", Clock.systemUTC())) {
            for (int i = 0; i < 5; i++) {
                a.record(new AccessAudit.Decision(true, 200, Optional.of(ada), "GET", "/api/runs", "read", ""));
                b.record(new AccessAudit.Decision(false, 403, Optional.of(ada), "POST", "/api/runs/r" + i + "/cancel", "cancel", "role"));
            }
        }

        for (String file : new String[] {"access-ops-1.audit.jsonl", "access-ops_2.audit.jsonl"}) {
            AuditVerifier.Verification verification = AuditVerifier.verify(records.resolve(file), dev.opsbook.audit.AuditSeals.NONE);
            assertThat(verification.valid()).as(file + ": " + verification.problems()).isTrue();
            assertThat(verification.entries()).isEqualTo(5);
        }
    }
}
