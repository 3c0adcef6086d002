package dev.opsbook.access;

import java.security.GeneralSecurityException;
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
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Browser sessions: a person logs in once with a token and the browser keeps a session cookie.
 * Each session has its own CSRF token that every form POST must carry back. Sessions are kept in
 * the store (only a hash of their id), so every instance knows them and a restart logs nobody out;
 * they end after {@link #IDLE} without use, and with the token they were made from. Thread-safe.
 */
public final class Sessions {

    public static final Duration IDLE = Duration.ofHours(8);
    public static final String COOKIE = "opsbook_session";
    /** The pre-session CSRF cookie of the login form (double submit: the form carries the same value back). */
    public static final String LOGIN_COOKIE = "opsbook_login";

    /** How long a login form's CSRF token is taken after the form was shown. */
    public static final Duration LOGIN_FORM = Duration.ofHours(2);

    private static final SecureRandom RANDOM = new SecureRandom();
    /** The purpose of the installation key that signs login forms' CSRF tokens. */
    private static final String LOGIN_KEY = "login-csrf";

    private final ApiTokens tokens;
    private final Clock clock;
    private final TokenStore store;
    private final byte[] loginKey;

    // //why: a session's last use is written at most once a minute, not at every request
    private static final Duration TOUCH = Duration.ofMinutes(1);

    public Sessions(ApiTokens tokens, Clock clock) {
        this.tokens = tokens;
        this.store = tokens.store();
        this.clock = clock;
        this.loginKey = Base64.getUrlDecoder().decode(store.installationKey(LOGIN_KEY, random(), clock.instant()));
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

    /**
     * A fresh CSRF token for a login form, which has no session yet: the page sets it as a cookie ({@link #loginCookie})
     * and in a hidden field, and {@code POST /login} takes a token only when both match and it is one of ours: a random
     * nonce, when it expires ({@link #LOGIN_FORM} from now) and an HMAC-SHA256 of both with this installation's key.
     *
     * //why: login CSRF: without it another site can post its own token to /login and the person's browser works,
     * unaware, in the attacker's session (what they launch or approve is done, and recorded, as someone else); signed,
     * so that a pair of equal values an attacker chose and planted (a cookie set from a sibling domain) is not enough
     */
    public String newLoginCsrf() {
        String payload = random() + "." + clock.instant().plus(LOGIN_FORM).getEpochSecond();
        return payload + "." + loginMac(payload);
    }

    /** The Set-Cookie value for a login form's CSRF token: only for /login, not readable by scripts, never sent by other sites. */
    public static String loginCookie(String csrf) {
        return LOGIN_COOKIE + "=" + csrf + "; Path=/login; HttpOnly; SameSite=Strict";
    }

    /** Whether a login form came back with the token its cookie holds, signed by this installation and not expired; in constant time. */
    public boolean loginCsrfMatches(String cookie, String presented) {
        if (cookie == null || presented == null || cookie.isEmpty()
                || !MessageDigest.isEqual(cookie.getBytes(StandardCharsets.UTF_8), presented.getBytes(StandardCharsets.UTF_8))) {
            return false;
        }
        int mac = presented.lastIndexOf('.');
        int expiry = mac < 0 ? -1 : presented.lastIndexOf('.', mac - 1);
        if (expiry < 1) {
            return false;
        }
        String payload = presented.substring(0, mac);
        if (!MessageDigest.isEqual(loginMac(payload).getBytes(StandardCharsets.UTF_8),
                presented.substring(mac + 1).getBytes(StandardCharsets.UTF_8))) {
            return false;
        }
        try {
            return clock.instant().getEpochSecond() <= Long.parseLong(payload.substring(expiry + 1));
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private String loginMac(String payload) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(loginKey, "HmacSHA256"));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal(payload.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
        }
    }

    private static String random() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
