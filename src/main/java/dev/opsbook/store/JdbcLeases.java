package dev.opsbook.store;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Leases over JDBC: two columns of a run's row ({@code lease_owner}, {@code lease_expires_at}),
 * the {@code engine_instances} table, and PostgreSQL advisory locks for concurrency keys.
 */
final class JdbcLeases implements Leases {

    private final Jdbc jdbc;
    private final RunRows rows;

    JdbcLeases(Jdbc jdbc, RunRows rows) {
        this.jdbc = jdbc;
        this.rows = rows;
    }

    @Override
    public Optional<Lease> lease(String runId) {
        return jdbc.query(connection -> {
            try (PreparedStatement select = connection.prepareStatement("SELECT lease_owner, lease_expires_at FROM runs WHERE id = ?")) {
                select.setString(1, runId);
                try (ResultSet row = select.executeQuery()) {
                    if (!row.next() || row.getString(1) == null) {
                        return Optional.<Lease>empty();
                    }
                    return Optional.of(new Lease(row.getString(1), Jdbc.instant(row, "lease_expires_at")));
                }
            }
        });
    }

    /** The reads of running runs by lease, each able to use its index of active runs ({@link ActiveRunIndexesMigration}). */
    static final String RENEW = "UPDATE runs SET lease_expires_at = ? WHERE lease_owner = ? AND status = 'RUNNING'";
    static final String HELD = "SELECT id FROM runs WHERE lease_owner = ? AND status = 'RUNNING'";
    static final String EXPIRED = "SELECT id, lease_owner FROM runs "
            + "WHERE status = 'RUNNING' AND lease_owner IS NOT NULL AND lease_expires_at < ? ORDER BY lease_expires_at, id LIMIT 10";

    @Override
    public Set<String> renewLeases(String owner, Instant expiresAt) {
        return jdbc.inTransaction(connection -> {
            try (PreparedStatement update = connection.prepareStatement(RENEW)) {
                Jdbc.setInstant(update, 1, expiresAt);
                update.setString(2, owner);
                update.executeUpdate();
            }
            try (PreparedStatement select = connection.prepareStatement(HELD)) {
                select.setString(1, owner);
                Set<String> held = new HashSet<>();
                try (ResultSet found = select.executeQuery()) {
                    while (found.next()) {
                        held.add(found.getString(1));
                    }
                }
                return held;
            }
        });
    }

    /**
     * Candidates first (running runs whose lease has expired, oldest expiry first), then one
     * conditional update per candidate that only matches while the lease is still the expired one
     * it read: the row lock of the update makes a second instance's update match nothing.
     */
    @Override
    public Optional<Takeover> takeOverExpired(String owner, Instant now, Instant expiresAt) {
        List<String[]> candidates = jdbc.query(connection -> {
            try (PreparedStatement select = connection.prepareStatement(EXPIRED)) {
                Jdbc.setInstant(select, 1, now);
                List<String[]> found = new ArrayList<>();
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        found.add(new String[] {rows.getString(1), rows.getString(2)});
                    }
                }
                return found;
            }
        });
        for (String[] candidate : candidates) {
            int updated = jdbc.query(connection -> {
                try (PreparedStatement update = connection.prepareStatement("UPDATE runs SET lease_owner = ?, lease_expires_at = ? "
                        + "WHERE id = ? AND status = 'RUNNING' AND lease_owner = ? AND lease_expires_at < ?")) {
                    update.setString(1, owner);
                    Jdbc.setInstant(update, 2, expiresAt);
                    update.setString(3, candidate[0]);
                    update.setString(4, candidate[1]);
                    Jdbc.setInstant(update, 5, now);
                    return update.executeUpdate();
                }
            });
            if (updated == 1) {
                return rows.run(candidate[0]).map(run -> new Takeover(run, candidate[1]));
            }
        }
        return Optional.empty();
    }

    @Override
    public boolean releaseLease(String runId, String owner) {
        return jdbc.query(connection -> {
            // //why: the owner stays, so whoever takes the run over can say from whom; the expiry in the past frees it at once
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE runs SET lease_expires_at = ? WHERE id = ? AND lease_owner = ?")) {
                Jdbc.setInstant(update, 1, Instant.EPOCH);
                update.setString(2, runId);
                update.setString(3, owner);
                return update.executeUpdate() == 1;
            }
        });
    }

    @Override
    public List<EngineInstance> registerInstance(EngineInstance self, Instant now, Instant aliveSince) {
        return jdbc.inTransaction(connection -> {
            int updated;
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE engine_instances SET seen_at = ?, host = ?, pid = ? WHERE name = ?")) {
                Jdbc.setInstant(update, 1, now);
                update.setString(2, self.host());
                update.setLong(3, self.pid());
                update.setString(4, self.name());
                updated = update.executeUpdate();
            }
            if (updated == 0) {
                try (PreparedStatement insert = connection.prepareStatement(
                        "INSERT INTO engine_instances (name, started_at, seen_at, host, pid) VALUES (?, ?, ?, ?, ?)")) {
                    insert.setString(1, self.name());
                    Jdbc.setInstant(insert, 2, now);
                    Jdbc.setInstant(insert, 3, now);
                    insert.setString(4, self.host());
                    insert.setLong(5, self.pid());
                    insert.executeUpdate();
                }
            }
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT name, host, pid FROM engine_instances WHERE name <> ? AND seen_at >= ? ORDER BY name")) {
                select.setString(1, self.name());
                Jdbc.setInstant(select, 2, aliveSince);
                List<EngineInstance> others = new ArrayList<>();
                try (ResultSet found = select.executeQuery()) {
                    while (found.next()) {
                        String host = found.getString(2);
                        others.add(new EngineInstance(found.getString(1), host == null ? "" : host, found.getLong(3)));
                    }
                }
                return others;
            }
        });
    }

    @Override
    public void unregisterInstance(String name) {
        jdbc.query(connection -> {
            try (PreparedStatement delete = connection.prepareStatement("DELETE FROM engine_instances WHERE name = ?")) {
                delete.setString(1, name);
                return delete.executeUpdate();
            }
        });
    }

    @Override
    public boolean multiInstance() {
        return jdbc.postgres();
    }

    /**
     * PostgreSQL: a session advisory lock on a 64-bit hash of runbook and key, held on a connection
     * of its own until closed (a process that dies loses the connection, and with it the lock). H2
     * serves one instance, whose dispatcher already handles one event at a time: nothing to lock.
     */
    @Override
    public KeyLock lockConcurrencyKey(String runbookId, String key) {
        if (!jdbc.postgres()) {
            return () -> { };
        }
        Connection connection = jdbc.borrow();
        long lockId = advisoryKey(runbookId + "\n" + key);
        try (PreparedStatement lock = connection.prepareStatement("SELECT pg_advisory_lock(?)")) {
            lock.setLong(1, lockId);
            lock.execute();
        } catch (SQLException e) {
            closeQuietly(connection);
            throw new StoreException("cannot lock concurrency key '" + key + "' of " + runbookId + " in " + jdbc.description() + ": " + e.getMessage(), e);
        }
        return () -> {
            try (PreparedStatement unlock = connection.prepareStatement("SELECT pg_advisory_unlock(?)")) {
                unlock.setLong(1, lockId);
                unlock.execute();
            } catch (SQLException e) {
                // the lock goes with the connection, which the pool drops when it is broken
            } finally {
                closeQuietly(connection);
            }
        };
    }

    private static long advisoryKey(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.wrap(digest).getLong();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void closeQuietly(Connection connection) {
        try {
            connection.close();
        } catch (SQLException e) {
            // returned to the pool or dropped: nothing more to do
        }
    }
}
