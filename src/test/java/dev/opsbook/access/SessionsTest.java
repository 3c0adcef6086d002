package dev.opsbook.access;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opsbook.store.JdbcRunStore;
import dev.opsbook.store.RunStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Browser sessions as several serve instances (and a restarted one) share them through the store. */
class SessionsTest {

    @TempDir
    Path dir;

    private RunStore store;
    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-11-23T03:00:00Z"));
    private final Clock clock = new Clock() {
        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }
    };

    @BeforeEach
    void open() {
        store = JdbcRunStore.open(JdbcRunStore.embeddedUrl(dir), "", "");
    }

    @AfterEach
    void close() {
        store.close();
    }

    /** Another instance, or this one after a restart: nothing shared but the store. */
    private Sessions instance() {
        return new Sessions(new ApiTokens(store.tokens(), clock), clock);
    }

    @Test
    void a_session_made_on_one_instance_is_known_to_another_and_survives_a_restart() {
        String secret = new ApiTokens(store.tokens(), clock).issue("ada", Set.of(Role.APPROVER)).secret();
        Sessions.Session made = instance().login(secret).orElseThrow();

        Sessions.Session seen = instance().find(made.id()).orElseThrow();

        assertThat(seen.principal()).isEqualTo(made.principal());
        assertThat(seen.csrf()).isEqualTo(made.csrf());
        assertThat(store.tokens().session(ApiTokens.hash(made.id()))).as("kept by the hash of its id").isPresent();
        assertThat(store.tokens().session(made.id())).as("never by the id itself").isEmpty();
    }

    @Test
    void a_session_ends_after_eight_idle_hours_at_logout_and_with_its_token_on_every_instance() {
        ApiTokens.Issued issued = new ApiTokens(store.tokens(), clock).issue("ada", Set.of(Role.OPERATOR));
        Sessions a = instance();
        Sessions b = instance();

        Sessions.Session kept = a.login(issued.secret()).orElseThrow();
        now.set(now.get().plus(Duration.ofHours(7)));
        assertThat(b.find(kept.id())).as("used within eight hours").isPresent();
        now.set(now.get().plus(Duration.ofHours(7)));
        assertThat(a.find(kept.id())).as("seven hours after its last use").isPresent();
        now.set(now.get().plus(Duration.ofHours(8)).plusSeconds(1));
        assertThat(b.find(kept.id())).as("idle for more than eight hours").isEmpty();
        assertThat(a.find(kept.id())).as("and gone for every instance").isEmpty();

        Sessions.Session out = a.login(issued.secret()).orElseThrow();
        b.logout(out.id());
        assertThat(a.find(out.id())).as("logged out on the other instance").isEmpty();

        Sessions.Session revoked = a.login(issued.secret()).orElseThrow();
        store.tokens().revokeToken(issued.token().id(), now.get());
        assertThat(b.find(revoked.id())).as("its token was revoked").isEmpty();
    }
}
