package dev.opsbook.access;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opsbook.audit.AuditVerifier;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Without a store, the access trail is a file that verifies; with one, see {@code RunAuditsTest}. */
class AccessAuditTest {

    @TempDir
    Path records;

    @Test
    void decisions_written_and_written_again_after_a_restart_leave_a_trail_that_verifies() throws Exception {
        Principal ada = new Principal("tok-1", "ada", Set.of(Role.OPERATOR));
        try (AccessAudit a = AccessAudit.in(records, Clock.systemUTC())) {
            for (int i = 0; i < 3; i++) {
                a.record(new AccessAudit.Decision(true, 200, Optional.of(ada), "GET", "/api/runs", "read", ""));
            }
        }
        try (AccessAudit b = AccessAudit.in(records, Clock.systemUTC())) {
            for (int i = 0; i < 2; i++) {
                b.record(new AccessAudit.Decision(false, 403, Optional.of(ada), "POST", "/api/runs/r" + i + "/cancel", "cancel", "role"));
            }
        }

        for (String file : new String[] {AccessAudit.FILE}) {
            AuditVerifier.Verification verification = AuditVerifier.verify(records.resolve(file), dev.opsbook.audit.AuditSeals.NONE);
            assertThat(verification.valid()).as(file + ": " + verification.problems()).isTrue();
            assertThat(verification.entries()).isEqualTo(5);
        }
    }
}
