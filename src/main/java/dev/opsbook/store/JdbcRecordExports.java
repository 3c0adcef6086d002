package dev.opsbook.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;

/** {@link RecordExports} as a column of the run's row ({@code exported_seq}, migration V12). */
final class JdbcRecordExports implements RecordExports {

    private final Jdbc jdbc;

    JdbcRecordExports(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public void exported(String runId, long seq) {
        jdbc.query(connection -> {
            try (PreparedStatement update = connection.prepareStatement("UPDATE runs SET exported_seq = ? WHERE id = ? AND exported_seq < ?")) {
                update.setLong(1, seq);
                update.setString(2, runId);
                update.setLong(3, seq);
                return update.executeUpdate();
            }
        });
    }

    @Override
    public List<String> unexported(int limit) {
        return jdbc.query(connection -> {
            try (PreparedStatement select = connection.prepareStatement("SELECT id FROM runs WHERE status <> 'RUNNING' AND exported_seq < last_seq"
                    + " ORDER BY started_at, id LIMIT " + Math.max(1, limit))) {
                List<String> ids = new ArrayList<>();
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        ids.add(rows.getString(1));
                    }
                }
                return ids;
            }
        });
    }
}
