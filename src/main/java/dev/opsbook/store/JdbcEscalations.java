package dev.opsbook.store;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;

/** Escalations over JDBC: table {@code escalations}, the last time each key was sent. */
final class JdbcEscalations implements Escalations {

    private final Jdbc jdbc;

    JdbcEscalations(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public boolean escalateOnce(String key, Instant now, Instant notBefore) {
        return jdbc.query(connection -> {
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE escalations SET last_at = ? WHERE escalation_key = ? AND last_at < ?")) {
                Jdbc.setInstant(update, 1, now);
                update.setString(2, key);
                Jdbc.setInstant(update, 3, notBefore);
                if (update.executeUpdate() == 1) {
                    return true;
                }
            }
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO escalations (escalation_key, last_at) VALUES (?, ?)")) {
                insert.setString(1, key);
                Jdbc.setInstant(insert, 2, now);
                insert.executeUpdate();
                return true;
            } catch (SQLException e) {
                if (Jdbc.uniqueViolation(e)) {
                    return false; // sent since notBefore, by this instance or another
                }
                throw e;
            }
        });
    }
}
