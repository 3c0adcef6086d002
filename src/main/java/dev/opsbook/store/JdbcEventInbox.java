package dev.opsbook.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** The event inbox over JDBC: table {@code received_events}, keyed by the event's id. */
final class JdbcEventInbox implements EventInbox {

    private static final String COLUMNS = "event_id, received_at, channel, source, detail_type, outcome, reason, run_ids, body";

    private final Jdbc jdbc;
    private final RunRows rows;

    JdbcEventInbox(Jdbc jdbc, RunRows rows) {
        this.jdbc = jdbc;
        this.rows = rows;
    }

    @Override
    public boolean claim(ReceivedEvent event) {
        return claim(event, null, null);
    }

    @Override
    public boolean claim(ReceivedEvent event, String claimant, Instant expiresAt) {
        return jdbc.query(connection -> {
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO received_events (" + COLUMNS + ", claimed_by, claim_expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                insert.setString(1, event.eventId());
                Jdbc.setInstant(insert, 2, event.receivedAt());
                insert.setString(3, event.channel());
                insert.setString(4, event.source());
                insert.setString(5, event.detailType());
                insert.setString(6, event.outcome().name());
                insert.setString(7, event.reason());
                insert.setString(8, String.join(",", event.runIds()));
                insert.setString(9, event.body());
                insert.setString(10, claimant);
                Jdbc.setInstant(insert, 11, expiresAt);
                insert.executeUpdate();
                return true;
            } catch (SQLException e) {
                // //why: the primary key decides, in the database, so two processes cannot both claim one event
                if (Jdbc.uniqueViolation(e)) {
                    return false;
                }
                throw e;
            }
        });
    }

    @Override
    public boolean reclaim(String eventId, String claimant, Instant now, Instant expiresAt) {
        return jdbc.query(connection -> {
            try (PreparedStatement update = connection.prepareStatement("UPDATE received_events SET claimed_by = ?, claim_expires_at = ? "
                    + "WHERE event_id = ? AND outcome = 'RECEIVED' AND (claim_expires_at IS NULL OR claim_expires_at < ? OR claimed_by = ?)")) {
                update.setString(1, claimant);
                Jdbc.setInstant(update, 2, expiresAt);
                update.setString(3, eventId);
                Jdbc.setInstant(update, 4, now);
                update.setString(5, claimant);
                return update.executeUpdate() == 1;
            }
        });
    }

    @Override
    public List<StoredRun> runsOfEvent(String eventId) {
        return rows.select("SELECT " + RunRows.COLUMNS + " FROM runs WHERE event_id = ? ORDER BY started_at, id", List.of(eventId), List.of());
    }

    @Override
    public void settle(String eventId, EventOutcome outcome, String reason, List<String> runIds) {
        int updated = jdbc.query(connection -> {
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE received_events SET outcome = ?, reason = ?, run_ids = ? WHERE event_id = ?")) {
                update.setString(1, outcome.name());
                update.setString(2, reason);
                update.setString(3, String.join(",", runIds));
                update.setString(4, eventId);
                return update.executeUpdate();
            }
        });
        if (updated == 0) {
            throw new IllegalArgumentException("no event " + eventId + " was claimed");
        }
    }

    @Override
    public Optional<ReceivedEvent> receivedEvent(String eventId) {
        return jdbc.query(connection -> {
            try (PreparedStatement select = connection.prepareStatement("SELECT " + COLUMNS + " FROM received_events WHERE event_id = ?")) {
                select.setString(1, eventId);
                try (ResultSet row = select.executeQuery()) {
                    return row.next() ? Optional.of(receivedEvent(row)) : Optional.<ReceivedEvent>empty();
                }
            }
        });
    }

    @Override
    public List<ReceivedEvent> receivedEvents(int limit) {
        String sql = "SELECT " + COLUMNS + " FROM received_events ORDER BY received_at DESC, event_id DESC" + (limit > 0 ? " LIMIT " + limit : "");
        return jdbc.query(connection -> {
            try (PreparedStatement select = connection.prepareStatement(sql)) {
                List<ReceivedEvent> events = new ArrayList<>();
                try (ResultSet found = select.executeQuery()) {
                    while (found.next()) {
                        events.add(receivedEvent(found));
                    }
                }
                return events;
            }
        });
    }

    private static ReceivedEvent receivedEvent(ResultSet row) throws SQLException {
        String runIds = row.getString("run_ids");
        return new ReceivedEvent(
                row.getString("event_id"),
                Jdbc.instant(row, "received_at"),
                row.getString("channel"),
                row.getString("source"),
                row.getString("detail_type"),
                EventOutcome.valueOf(row.getString("outcome")),
                row.getString("reason"),
                runIds.isEmpty() ? List.of() : Arrays.asList(runIds.split(",")),
                row.getString("body"));
    }
}
