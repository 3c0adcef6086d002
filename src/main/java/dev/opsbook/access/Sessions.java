package dev.opsbook.access;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Browser sessions: a person logs in once with a token and the browser keeps a session cookie.
 * Each session has its own CSRF token that every form POST must carry back. Sessions are kept in
 * the store (only a hash of their id), so every instance knows them and a restart logs nobody out;
 * they end after {@link #IDLE} without use, and with the token they were made from. Thread-safe.
 */
public final class Sessions {

    public static final Duration IDLE = Duration.ofHours(8);
    public static final String COOKIE = "opsbook_session";

    private static final SecureRandom RANDOM = new SecureRandom();

    private final ApiTokens tokens;
    private final Clock clock;
    private final TokenStore store;

    // //why: a session's last use is written at most once a minute, not at every request
    private static final Duration TOUCH = Duration.ofMinutes(1);

    public Sessions(ApiTokens tokens, Clock clock) {
        this.tokens = tokens;
        this.store = tokens.store();
        this.clock = clock;
    }

    /** @param id the cookie's value; @param csrf what forms carry back as {@code _csrf} (or the X-CSRF-Token header) */
    public record Session(String id, String csrf, Principal principal, Instant lastUsed) {

        /** The Set-Cookie value: not readable by scripts, never sent by other sites. */
        public String cookie() {
            return COOKIE + "=" + id + "; Path=/; HttpOnly; SameSite=Strict";
        }
    }

    /** A new session for the holder of this token, or empty when the token is unknown or revoked. */
    public Optional<Session> login(String token) {
        return tokens.authenticate(token).map(principal -> {
            Session session = new Session(random(), random(), principal, clock.instant());
            store.addSession(new TokenStore.StoredSession(ApiTokens.hash(session.id()), principal.tokenId(), session.csrf(),
                    session.lastUsed()));
            return session;
        });
    }

    /** The live session with this id; using it keeps it alive. */
    public Optional<Session> find(String id) {
        if (id == null || id.isEmpty()) {
            return Optional.empty();
        }
        String idHash = ApiTokens.hash(id);
        Optional<TokenStore.StoredSession> stored = store.session(idHash);
        if (stored.isEmpty()) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        Optional<Principal> principal = tokens.holder(stored.get().tokenId());
        if (stored.get().lastUsed().plus(IDLE).isBefore(now) || principal.isEmpty()) {
            store.removeSession(idHash);
            return Optional.empty();
        }
        Instant lastUsed = stored.get().lastUsed();
        if (lastUsed.plus(TOUCH).isBefore(now)) {
            store.touchSession(idHash, now);
            lastUsed = now;
        }
        return Optional.of(new Session(id, stored.get().csrf(), principal.get(), lastUsed));
    }

    public void logout(String id) {
        if (id != null && !id.isEmpty()) {
            store.removeSession(ApiTokens.hash(id));
        }
    }

    /** Compares in constant time, so the comparison's duration says nothing about the token. */
    public static boolean csrfMatches(Session session, String presented) {
        return presented != null && MessageDigest.isEqual(session.csrf().getBytes(StandardCharsets.UTF_8),
                presented.getBytes(StandardCharsets.UTF_8));
    }

    private static String random() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
