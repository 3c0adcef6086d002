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
    public java.util.Optional<RecordParts> recordParts(String runId) {
        return jdbc.query(connection -> {
            StoredRun run;
            String text;
            try (PreparedStatement select = connection.prepareStatement("SELECT " + RunRows.COLUMNS + ", runbook_text FROM runs WHERE id = ?")) {
                select.setString(1, runId);
                try (ResultSet row = select.executeQuery()) {
                    if (!row.next()) {
                        return java.util.Optional.<RecordParts>empty();
                    }
                    run = RunRows.storedRun(row);
                    text = row.getString("runbook_text");
                }
            }
            // //why: the history first: the trail read after it holds at least the entries of the events shown (they commit together)
            return java.util.Optional.of(new RecordParts(run, text == null ? "" : text, EventAppends.events(connection, runId),
                    JdbcAuditChain.read(connection, runId), JdbcEscalations.notices(connection, runId),
                    JdbcEscalations.acknowledgements(connection, runId), JdbcComments.comments(connection, runId)));
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
