package dev.opsbook.access;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Where API tokens live (the run store's database). Only SHA-256 hashes of secrets go in. Thread-safe. */
public interface TokenStore {

    void addToken(ApiToken token, String secretHash);

    /** The token whose secret hashes to this, revoked or not. */
    Optional<ApiToken> tokenByHash(String secretHash);

    Optional<ApiToken> token(String id);

    /** Every token, oldest first. */
    List<ApiToken> tokens();

    /** @return false when there is no such token or it was revoked before */
    boolean revokeToken(String id, Instant at);

    /** A browser session as kept: the hash of its id, the token it was made from, its CSRF token, when it was last used. */
    record StoredSession(String idHash, String tokenId, String csrf, Instant lastUsed) {
    }

    void addSession(StoredSession session);

    Optional<StoredSession> session(String idHash);

    void touchSession(String idHash, Instant lastUsed);

    void removeSession(String idHash);

    /**
     * The installation's signing key for {@code purpose}: the one kept, or else {@code candidate}, kept from now on (when
     * two instances race, the first one kept wins and both get it).
     */
    String installationKey(String purpose, String candidate, Instant at);
}
