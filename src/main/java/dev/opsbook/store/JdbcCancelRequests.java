package dev.opsbook.store;

import dev.opsbook.engine.RunStatus;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** Cancellation requests over JDBC: table {@code cancel_requests}, one per run. */
final class JdbcCancelRequests implements CancelRequests {

    private final Jdbc jdbc;

    JdbcCancelRequests(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public boolean requestCancel(CancelRequest request) {
        return jdbc.query(connection -> {
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO cancel_requests (run_id, requested_at, requested_by, reason) VALUES (?, ?, ?, ?)")) {
                insert.setString(1, request.runId());
                Jdbc.setInstant(insert, 2, request.requestedAt());
                insert.setString(3, request.requestedBy());
                insert.setString(4, request.reason());
                insert.executeUpdate();
                return true;
            } catch (SQLException e) {
                if (Jdbc.uniqueViolation(e)) {
                    return false;
                }
                if (e.getSQLState() != null && e.getSQLState().startsWith("23")) {
                    throw new IllegalArgumentException("no run " + request.runId(), e);
                }
                throw e;
            }
        });
    }

    @Override
    public List<CancelRequest> cancelRequestsOfRunningRuns() {
        return cancelRequests(RunStatus.RUNNING);
    }

    @Override
    public List<CancelRequest> cancelRequestsOfWaitingRuns() {
        return cancelRequests(RunStatus.WAITING);
    }

    private List<CancelRequest> cancelRequests(RunStatus status) {
        return jdbc.query(connection -> {
            // //why: from the requests, each run read by its key: joined the other way, H2 read every waiting run each tick
            try (PreparedStatement select = connection.prepareStatement("SELECT c.run_id, c.requested_at, c.requested_by, c.reason "
                    + "FROM cancel_requests c WHERE EXISTS (SELECT 1 FROM runs r WHERE r.id = c.run_id AND r.status = ?) ORDER BY c.requested_at")) {
                select.setString(1, status.name());
                List<CancelRequest> requests = new ArrayList<>();
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        requests.add(new CancelRequest(rows.getString(1), Jdbc.instant(rows, "requested_at"), rows.getString(3), rows.getString(4)));
                    }
                }
                return requests;
            }
        });
    }
}
