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

/** The API tokens and the audit trails' seals kept in the same database. Run on every database ({@link StoreBackend}). */
abstract class TokensAndSealsContract extends StoreContract {

    @Test
    void tokens_are_found_by_the_hash_of_their_secret_listed_and_revoked_once() {
        var tokens = new dev.opsbook.access.ApiTokens(store.tokens(), java.time.Clock.systemUTC());
        var issued = tokens.issue("ada", java.util.Set.of(dev.opsbook.access.Role.OPERATOR, dev.opsbook.access.Role.APPROVER));
        assertThat(tokens.authenticate(issued.secret())).map(p -> p.name() + " " + p.roles())
                .hasValueSatisfying(v -> assertThat(v).contains("ada", "OPERATOR", "APPROVER"));
        assertThat(store.tokens().tokens()).extracting(dev.opsbook.access.ApiToken::id).containsExactly(issued.token().id());
        assertThat(store.tokens().revokeToken(issued.token().id(), T0)).isTrue();
        assertThat(store.tokens().revokeToken(issued.token().id(), T0)).as("revoked once").isFalse();
        assertThat(tokens.authenticate(issued.secret())).isEmpty();
        assertThat(store.tokens().token(issued.token().id()).orElseThrow().revokedAt()).contains(T0);
    }

    @Test
    void a_trails_seal_moves_only_from_the_seal_the_store_holds() {
        dev.opsbook.audit.AuditSeals seals = store.auditSeals();
        dev.opsbook.audit.AuditSeal first = new dev.opsbook.audit.AuditSeal(1, "a".repeat(64));
        dev.opsbook.audit.AuditSeal second = new dev.opsbook.audit.AuditSeal(2, "b".repeat(64));
        assertThat(seals.seal("r1")).isEmpty();

        assertThat(seals.advance("r1", Optional.empty(), first)).isTrue();
        assertThat(seals.advance("r1", Optional.empty(), second)).as("a second writer starting the trail anew").isFalse();
        assertThat(seals.advance("r1", Optional.of(first), second)).isTrue();
        assertThat(seals.advance("r1", Optional.of(first), new dev.opsbook.audit.AuditSeal(2, "c".repeat(64))))
                .as("a writer that did not hold the seal it moves from").isFalse();

        assertThat(seals.seal("r1")).contains(second);
        assertThat(seals.seal("access-ops-1")).isEmpty();
    }
}
