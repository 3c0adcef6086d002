package dev.opsbook.access;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;

/**
 * Issues tokens and checks them. A secret is 32 random bytes; the store keeps its SHA-256 only.
 *
 * //why: plain SHA-256, not a password hash: the secrets are random and long, so there is nothing
 * to guess, and every request checks one; a slow hash would only slow the service down.
 */
public final class ApiTokens {

    /** Secrets start with this, so a scanner (or a person) can tell one when it leaks. */
    public static final String PREFIX = "opsbook_";

    private static final SecureRandom RANDOM = new SecureRandom();

    private final TokenStore store;
    private final Clock clock;

    public ApiTokens(TokenStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** A new token and its secret, which is shown once and never stored. */
    public record Issued(ApiToken token, String secret) {
    }

    public Issued issue(String name, Set<Role> roles) {
        if (roles.isEmpty()) {
            throw new IllegalArgumentException("a token needs at least one role: " + Role.labels());
        }
        byte[] id = new byte[4];
        byte[] secret = new byte[32];
        RANDOM.nextBytes(id);
        RANDOM.nextBytes(secret);
        String tokenId = "tok-" + HexFormat.of().formatHex(id);
        String text = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        ApiToken token = new ApiToken(tokenId, name == null || name.isBlank() ? tokenId : name.strip(), roles, clock.instant(), Optional.empty());
        store.addToken(token, hash(text));
        return new Issued(token, text);
    }

    /** The holder of an active token with this secret. */
    public Optional<Principal> authenticate(String secret) {
        if (secret == null || !secret.startsWith(PREFIX)) {
            return Optional.empty();
        }
        return store.tokenByHash(hash(secret)).filter(ApiToken::active).map(ApiToken::principal);
    }

    /** The holder of an active token with this id: a browser session made from a revoked token ends with it. */
    public Optional<Principal> holder(String tokenId) {
        return store.token(tokenId).filter(ApiToken::active).map(ApiToken::principal);
    }

    TokenStore store() {
        return store;
    }

    /** Whether the token is still active: a browser session made from a revoked token ends with it. */
    public boolean active(String tokenId) {
        return store.token(tokenId).map(ApiToken::active).orElse(false);
    }

    public static String hash(String secret) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
