package dev.opsbook.store;

import dev.opsbook.engine.RunStatus;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The {@code runs} table's summary columns as {@link StoredRun}s: what the run log, the leases and the inbox read. */
final class RunRows {

    static final String COLUMNS = "id, runbook_id, runbook_file, content_hash, status, trigger_kind, started_by, "
            + "event_id, concurrency_key, started_at, ended_at, message, waiting_for, drill, incident, alarm";

    private final Jdbc jdbc;

    RunRows(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    Optional<StoredRun> run(String runId) {
        List<StoredRun> found = select("SELECT " + COLUMNS + " FROM runs WHERE id = ?", List.of(runId), List.of());
        return found.stream().findFirst();
    }

    /** {@code values} bind first, then {@code times}, in the order their placeholders appear. */
    List<StoredRun> select(String sql, List<String> values, List<Instant> times) {
        return jdbc.query(connection -> {
            try (PreparedStatement select = connection.prepareStatement(sql)) {
                for (int i = 0; i < values.size(); i++) {
                    select.setString(i + 1, values.get(i));
                }
                for (int i = 0; i < times.size(); i++) {
                    Jdbc.setInstant(select, values.size() + i + 1, times.get(i));
                }
                List<StoredRun> runs = new ArrayList<>();
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        runs.add(storedRun(rows));
                    }
                }
                return runs;
            }
        });
    }

    static StoredRun storedRun(ResultSet row) throws SQLException {
        return new StoredRun(
                row.getString("id"),
                row.getString("runbook_id"),
                row.getString("runbook_file"),
                row.getString("content_hash"),
                RunStatus.valueOf(row.getString("status")),
                row.getString("trigger_kind"),
                row.getString("started_by"),
                Optional.ofNullable(row.getString("event_id")),
                Optional.ofNullable(row.getString("concurrency_key")),
                Jdbc.instant(row, "started_at"),
                Optional.ofNullable(Jdbc.instant(row, "ended_at")),
                row.getString("message"),
                row.getString("waiting_for"),
                Optional.ofNullable(row.getString("drill")),
                Optional.ofNullable(row.getString("incident")),
                Optional.ofNullable(row.getString("alarm")));
    }
}
