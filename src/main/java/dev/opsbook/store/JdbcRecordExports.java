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
    public void exported(java.util.Map<String, Long> seqs) {
        if (seqs.isEmpty()) {
            return;
        }
        jdbc.inTransaction(connection -> {
            try (PreparedStatement update = connection.prepareStatement("UPDATE runs SET exported_seq = ? WHERE id = ? AND exported_seq < ?")) {
                // //why: in the order of the ids, so two instances noting the same runs lock their rows in one order
                for (var seq : new java.util.TreeMap<>(seqs).entrySet()) {
                    update.setLong(1, seq.getValue());
                    update.setString(2, seq.getKey());
                    update.setLong(3, seq.getValue());
                    update.addBatch();
                }
                return update.executeBatch();
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
