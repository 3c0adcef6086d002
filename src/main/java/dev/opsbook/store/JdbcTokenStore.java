package dev.opsbook.store;

import dev.opsbook.access.ApiToken;
import dev.opsbook.access.Role;
import dev.opsbook.access.TokenStore;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** API tokens, browser sessions and the installation's signing keys in the run store's database (migrations V4, V6, V10). */
final class JdbcTokenStore implements TokenStore {

    private static final String COLUMNS = "id, name, roles, created_at, revoked_at";

    private final Jdbc db;

    JdbcTokenStore(Jdbc db) {
        this.db = db;
    }

    @Override
    public void addToken(ApiToken token, String secretHash) {
        db.query(connection -> {
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO api_tokens (id, name, roles, secret_hash, created_at, revoked_at) VALUES (?, ?, ?, ?, ?, ?)")) {
                insert.setString(1, token.id());
                insert.setString(2, token.name());
                insert.setString(3, String.join(",", token.roles().stream().map(Role::label).sorted().toList()));
                insert.setString(4, secretHash);
                Jdbc.setInstant(insert, 5, token.createdAt());
                Jdbc.setInstant(insert, 6, token.revokedAt().orElse(null));
                insert.executeUpdate();
                return null;
            }
        });
    }

    @Override
    public Optional<ApiToken> tokenByHash(String secretHash) {
        return one("SELECT " + COLUMNS + " FROM api_tokens WHERE secret_hash = ?", secretHash);
    }

    @Override
    public Optional<ApiToken> token(String id) {
        return one("SELECT " + COLUMNS + " FROM api_tokens WHERE id = ?", id);
    }

    @Override
    public List<ApiToken> tokens() {
        return db.query(connection -> {
            try (PreparedStatement select = connection.prepareStatement("SELECT " + COLUMNS + " FROM api_tokens ORDER BY created_at, id");
                 ResultSet rows = select.executeQuery()) {
                List<ApiToken> tokens = new ArrayList<>();
                while (rows.next()) {
                    tokens.add(token(rows));
                }
                return tokens;
            }
        });
    }

    @Override
    public boolean revokeToken(String id, Instant at) {
        return db.query(connection -> {
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL")) {
                Jdbc.setInstant(update, 1, at);
                update.setString(2, id);
                return update.executeUpdate() == 1;
            }
        });
    }

    @Override
    public void addSession(StoredSession session) {
        db.query(connection -> {
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO browser_sessions (id_hash, token_id, csrf, last_used) VALUES (?, ?, ?, ?)")) {
                insert.setString(1, session.idHash());
                insert.setString(2, session.tokenId());
                insert.setString(3, session.csrf());
                Jdbc.setInstant(insert, 4, session.lastUsed());
                insert.executeUpdate();
                return null;
            }
        });
    }

    @Override
    public Optional<StoredSession> session(String idHash) {
        return db.query(connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT id_hash, token_id, csrf, last_used FROM browser_sessions WHERE id_hash = ?")) {
                select.setString(1, idHash);
                try (ResultSet row = select.executeQuery()) {
                    return row.next() ? Optional.of(new StoredSession(row.getString("id_hash"), row.getString("token_id"),
                            row.getString("csrf"), Jdbc.instant(row, "last_used"))) : Optional.<StoredSession>empty();
                }
            }
        });
    }

    @Override
    public void touchSession(String idHash, Instant lastUsed) {
        update("UPDATE browser_sessions SET last_used = ? WHERE id_hash = ?", lastUsed, idHash);
    }

    @Override
    public void removeSession(String idHash) {
        update("DELETE FROM browser_sessions WHERE id_hash = ?", null, idHash);
    }

    @Override
    public String installationKey(String purpose, String candidate, Instant at) {
        Optional<String> kept = installationKey(purpose);
        if (kept.isPresent()) {
            return kept.get();
        }
        try {
            db.query(connection -> {
                try (PreparedStatement insert = connection.prepareStatement(
                        "INSERT INTO installation_keys (purpose, key_value, created_at) VALUES (?, ?, ?)")) {
                    insert.setString(1, purpose);
                    insert.setString(2, candidate);
                    Jdbc.setInstant(insert, 3, at);
                    return insert.executeUpdate();
                }
            });
        } catch (StoreException e) {
            // another instance kept one first: read below
        }
        return installationKey(purpose).orElseThrow(() -> new StoreException("the store keeps no key for " + purpose, null));
    }

    private Optional<String> installationKey(String purpose) {
        return db.query(connection -> {
            try (PreparedStatement select = connection.prepareStatement("SELECT key_value FROM installation_keys WHERE purpose = ?")) {
                select.setString(1, purpose);
                try (ResultSet row = select.executeQuery()) {
                    return row.next() ? Optional.of(row.getString(1)) : Optional.<String>empty();
                }
            }
        });
    }

    private void update(String sql, Instant at, String idHash) {
        db.query(connection -> {
            try (PreparedStatement update = connection.prepareStatement(sql)) {
                int i = 1;
                if (at != null) {
                    Jdbc.setInstant(update, i++, at);
                }
                update.setString(i, idHash);
                return update.executeUpdate();
            }
        });
    }

    private Optional<ApiToken> one(String sql, String value) {
        return db.query(connection -> {
            try (PreparedStatement select = connection.prepareStatement(sql)) {
                select.setString(1, value);
                try (ResultSet row = select.executeQuery()) {
                    return row.next() ? Optional.of(token(row)) : Optional.<ApiToken>empty();
                }
            }
        });
    }

    private static ApiToken token(ResultSet row) throws SQLException {
        Set<Role> roles = EnumSet.noneOf(Role.class);
        Arrays.stream(row.getString("roles").split(",")).map(Role::parse).flatMap(Optional::stream).forEach(roles::add);
        return new ApiToken(row.getString("id"), row.getString("name"), roles, Jdbc.instant(row, "created_at"),
                Optional.ofNullable(Jdbc.instant(row, "revoked_at")));
    }
}
