package dev.opsbook.store;

import dev.opsbook.audit.AuditSeal;
import dev.opsbook.audit.AuditSeals;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/** The seals of audit trails in the run store's database (table {@code audit_seals}, migration V8). */
final class JdbcAuditSeals implements AuditSeals {

    private final Jdbc db;
    private final String description;

    JdbcAuditSeals(Jdbc db, String description) {
        this.db = db;
        this.description = description;
    }

    @Override
    public Optional<AuditSeal> seal(String trail) {
        return db.query(connection -> {
            try (PreparedStatement select = connection.prepareStatement("SELECT entries, final_hash FROM audit_seals WHERE trail = ?")) {
                select.setString(1, trail);
                try (ResultSet row = select.executeQuery()) {
                    return row.next() ? Optional.of(new AuditSeal(row.getLong("entries"), row.getString("final_hash"))) : Optional.<AuditSeal>empty();
                }
            }
        });
    }

    // //why: a conditional update, not an upsert: a writer that does not hold the seal it read (the file was cut
    // and the run went on) cannot move it, so the cut stays visible
    @Override
    public boolean advance(String trail, Optional<AuditSeal> from, AuditSeal to) {
        return db.query(connection -> {
            if (from.isPresent()) {
                try (PreparedStatement update = connection.prepareStatement(
                        "UPDATE audit_seals SET entries = ?, final_hash = ? WHERE trail = ? AND entries = ? AND final_hash = ?")) {
                    update.setLong(1, to.entries());
                    update.setString(2, to.finalHash());
                    update.setString(3, trail);
                    update.setLong(4, from.get().entries());
                    update.setString(5, from.get().finalHash());
                    return update.executeUpdate() == 1;
                }
            }
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO audit_seals (trail, entries, final_hash) VALUES (?, ?, ?)")) {
                insert.setString(1, trail);
                insert.setLong(2, to.entries());
                insert.setString(3, to.finalHash());
                insert.executeUpdate();
                return true;
            } catch (SQLException e) {
                if (Jdbc.uniqueViolation(e)) {
                    return false;
                }
                throw e;
            }
        });
    }

    @Override
    public String describe() {
        return "the store (" + description + ")";
    }
}
