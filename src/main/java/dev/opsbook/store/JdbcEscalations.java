package dev.opsbook.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Escalations over JDBC: table {@code escalations}, the last time each key was sent (V7); {@code escalation_notices}, each
 * tier told of each occasion, claimed by its primary key and moved on by conditional updates, and {@code escalation_acks} (V13).
 */
final class JdbcEscalations implements Escalations {

    static final String NOTICE_COLUMNS =
            "subject, occasion, tier, told_at, told_by, attempts, delivered, failure, retry_at, closed_at, closed_how";

    private final Jdbc jdbc;
    private final JdbcEscalationLooks looks;

    JdbcEscalations(Jdbc jdbc) {
        this.jdbc = jdbc;
        this.looks = new JdbcEscalationLooks(jdbc);
    }

    // //why: a claim's hold, a retry and an acknowledgement each make the run's next look due by then, so a tick reads only due runs
    @Override
    public void lookAgain(String runId, long seenSeq, Optional<Instant> at) {
        looks.lookAgain(runId, seenSeq, at);
    }

    @Override
    public void lookAgain(List<Look> all) {
        looks.lookAgain(all);
    }

    @Override
    public void forgetLook(String runId) {
        looks.forget(runId);
    }

    @Override
    public java.util.Set<String> forgetLooksOfUntold(java.util.Collection<String> runIds) {
        if (runIds.isEmpty()) {
            return java.util.Set.of();
        }
        return jdbc.inTransaction(connection -> {
            java.util.Set<String> told = new java.util.HashSet<>();
            try (PreparedStatement select = connection.prepareStatement("SELECT DISTINCT subject FROM escalation_notices WHERE subject = ANY(?)")) {
                Jdbc.setTexts(select, 1, runIds);
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        told.add(rows.getString(1));
                    }
                }
            }
            List<String> untold = runIds.stream().filter(id -> !told.contains(id)).toList();
            looks.forget(connection, untold);
            return told;
        });
    }

    @Override
    public List<String> dueLooks(Instant now, int limit) {
        return looks.due(now, limit);
    }

    @Override
    public List<String> unlooked(Instant failedSince, int offset, int limit) {
        return looks.unlooked(failedSince, offset, limit);
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
            return insertOnce(connection, "INSERT INTO escalations (escalation_key, last_at) VALUES (?, ?)", key, now);
        });
    }

    @Override
    public boolean claimTier(String subject, String occasion, int tier, String instance, Instant now, Instant holdUntil) {
        return jdbc.query(connection -> {
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO escalation_notices (" + NOTICE_COLUMNS
                    + ") VALUES (?, ?, ?, ?, ?, 1, '', '', ?, NULL, NULL)")) {
                insert.setString(1, subject);
                insert.setString(2, occasion);
                insert.setInt(3, tier);
                Jdbc.setInstant(insert, 4, now);
                insert.setString(5, instance);
                Jdbc.setInstant(insert, 6, holdUntil);
                insert.executeUpdate();
                looks.lookBy(subject, holdUntil);
                return true;
            } catch (SQLException e) {
                if (Jdbc.uniqueViolation(e)) {
                    return false; // told already, by this instance or another
                }
                throw e;
            }
        });
    }

    @Override
    public void attempted(String subject, String occasion, int tier, List<String> delivered, String failure, Optional<Instant> retryAt) {
        jdbc.query(connection -> {
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE escalation_notices SET delivered = ?, failure = ?, retry_at = ? WHERE subject = ? AND occasion = ? AND tier = ?")) {
                update.setString(1, String.join(",", delivered));
                update.setString(2, failure.length() > 2000 ? failure.substring(0, 2000) : failure);
                Jdbc.setInstant(update, 3, retryAt.orElse(null));
                update.setString(4, subject);
                update.setString(5, occasion);
                update.setInt(6, tier);
                return update.executeUpdate();
            }
        });
        retryAt.ifPresent(at -> looks.lookBy(subject, at));
    }

    @Override
    public boolean claimRetry(String subject, String occasion, int tier, int attempts, Instant now, Instant holdUntil) {
        return jdbc.query(connection -> {
            try (PreparedStatement update = connection.prepareStatement("UPDATE escalation_notices SET attempts = attempts + 1, retry_at = ?"
                    + " WHERE subject = ? AND occasion = ? AND tier = ? AND attempts = ? AND retry_at <= ? AND closed_how IS NULL")) {
                Jdbc.setInstant(update, 1, holdUntil);
                update.setString(2, subject);
                update.setString(3, occasion);
                update.setInt(4, tier);
                update.setInt(5, attempts);
                Jdbc.setInstant(update, 6, now);
                return update.executeUpdate() == 1;
            }
        });
    }

    @Override
    public List<Notice> notices(String subject) {
        return select("SELECT " + NOTICE_COLUMNS + " FROM escalation_notices WHERE subject = ? ORDER BY told_at, occasion, tier", subject, 1000);
    }

    @Override
    public List<Notice> open(int limit) {
        return select("SELECT " + NOTICE_COLUMNS + " FROM escalation_notices WHERE closed_how IS NULL OR closed_how = ?"
                + " ORDER BY told_at", "acknowledged", limit);
    }

    @Override
    public boolean close(String subject, String occasion, Optional<String> fromHow, String toHow, Instant at) {
        return jdbc.query(connection -> {
            try (PreparedStatement update = connection.prepareStatement("UPDATE escalation_notices SET closed_how = ?, closed_at = ?"
                    + " WHERE subject = ? AND occasion = ? AND " + (fromHow.isPresent() ? "closed_how = ?" : "closed_how IS NULL"))) {
                update.setString(1, toHow);
                Jdbc.setInstant(update, 2, at);
                update.setString(3, subject);
                update.setString(4, occasion);
                if (fromHow.isPresent()) {
                    update.setString(5, fromHow.get());
                }
                return update.executeUpdate() > 0;
            }
        });
    }

    @Override
    public boolean acknowledge(String subject, String occasion, String by, Instant at, dev.opsbook.audit.AuditFact audit) {
        try {
            jdbc.inTransaction(connection -> {
                try (PreparedStatement insert = connection.prepareStatement(
                        "INSERT INTO escalation_acks (subject, occasion, acked_by, acked_at) VALUES (?, ?, ?, ?)")) {
                    insert.setString(1, subject);
                    insert.setString(2, occasion);
                    insert.setString(3, by);
                    Jdbc.setInstant(insert, 4, at);
                    insert.executeUpdate();
                }
                // //why: on the ack's transaction, so an acknowledgement is never kept without the entry that says who gave it
                return JdbcAuditChain.append(connection, subject, audit);
            });
        } catch (StoreException e) {
            if (e.getCause() instanceof SQLException cause && Jdbc.uniqueViolation(cause)) {
                return false; // someone acknowledged it first; their transaction holds the entry
            }
            throw e;
        }
        // //why: after the commit, on its own: a look row another instance wrote meanwhile would abort the ack's transaction on
        // PostgreSQL, and a look lost with the process only waits for the escalator's next due look
        looks.lookBy(subject, at);
        return true;
    }

    @Override
    public List<Acknowledgement> acknowledgements(String subject) {
        return jdbc.query(connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT subject, occasion, acked_by, acked_at FROM escalation_acks WHERE subject = ? ORDER BY acked_at")) {
                select.setString(1, subject);
                List<Acknowledgement> acks = new ArrayList<>();
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        acks.add(acknowledgement(rows));
                    }
                }
                return acks;
            }
        });
    }

    private List<Notice> select(String sql, String argument, int limit) {
        return jdbc.query(connection -> {
            try (PreparedStatement select = connection.prepareStatement(sql)) {
                select.setString(1, argument);
                select.setMaxRows(limit);
                List<Notice> notices = new ArrayList<>();
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        notices.add(notice(rows));
                    }
                }
                return notices;
            }
        });
    }

    /** The notice on the row {@code rows} stands on, selected as {@link #NOTICE_COLUMNS}. */
    static Notice notice(ResultSet rows) throws SQLException {
        String delivered = rows.getString("delivered");
        return new Notice(rows.getString("subject"), rows.getString("occasion"), rows.getInt("tier"), Jdbc.instant(rows, "told_at"),
                rows.getString("told_by"), rows.getInt("attempts"), delivered.isEmpty() ? List.of() : Arrays.asList(delivered.split(",")),
                rows.getString("failure"), Optional.ofNullable(Jdbc.instant(rows, "retry_at")), Optional.ofNullable(Jdbc.instant(rows, "closed_at")),
                Optional.ofNullable(rows.getString("closed_how")));
    }

    /** The acknowledgement on the row {@code rows} stands on, selected as subject, occasion, acked_by, acked_at. */
    static Acknowledgement acknowledgement(ResultSet rows) throws SQLException {
        return new Acknowledgement(rows.getString("subject"), rows.getString("occasion"), rows.getString("acked_by"), Jdbc.instant(rows, "acked_at"));
    }

    private static boolean insertOnce(java.sql.Connection connection, String sql, String key, Instant now) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(sql)) {
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
    }
}
