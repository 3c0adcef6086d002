package dev.opsbook.store;

import dev.opsbook.audit.AuditChains;
import dev.opsbook.audit.AuditSeal;
import dev.opsbook.engine.RunEvent;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@link RecordExports} as a column of the run's row ({@code exported_seq}, migration V12), and the reads a record is made
 * of, for several runs at once: each table once, its rows matched to the run ids given as one array parameter.
 */
final class JdbcRecordExports implements RecordExports {

    /** How the rows of one table, for all runs asked, are read: the first column is the run id each row belongs to. */
    @FunctionalInterface
    private interface Row<T> {
        T read(ResultSet rows) throws SQLException;
    }

    /** A run's row as a record shows it, and the runbook text it ran. */
    private record Head(StoredRun run, String runbookText) {
    }

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
    public Map<String, RecordParts> recordParts(Collection<String> runIds) {
        if (runIds.isEmpty()) {
            return Map.of();
        }
        return jdbc.query(connection -> {
            Map<String, List<Head>> heads = byRun(connection, "SELECT " + RunRows.COLUMNS + ", runbook_text FROM runs WHERE id = ANY(?)",
                    runIds, rows -> new Head(RunRows.storedRun(rows), java.util.Objects.requireNonNullElse(rows.getString("runbook_text"), "")));
            if (heads.isEmpty()) {
                return Map.<String, RecordParts>of();
            }
            Collection<String> stored = heads.keySet();
            // //why: the history first: the trails read after it hold at least the entries of the events shown (they commit
            // together); a trail's seal before its lines, so the lines it seals are all there
            Map<String, List<RunEvent>> events = byRun(connection, "SELECT run_id, body FROM run_events WHERE run_id = ANY(?) ORDER BY run_id, seq",
                    stored, rows -> RunEventJson.read(rows.getString("body")));
            Map<String, List<AuditSeal>> seals = byRun(connection, "SELECT trail, entries, final_hash FROM audit_seals WHERE trail = ANY(?)",
                    stored, rows -> new AuditSeal(rows.getLong("entries"), rows.getString("final_hash")));
            Map<String, List<String>> lines = byRun(connection, "SELECT trail, line FROM audit_entries WHERE trail = ANY(?) ORDER BY trail, seq",
                    stored, rows -> rows.getString("line"));
            Map<String, List<Escalations.Notice>> notices = byRun(connection, "SELECT " + JdbcEscalations.NOTICE_COLUMNS
                    + " FROM escalation_notices WHERE subject = ANY(?) ORDER BY subject, told_at, occasion, tier", stored, JdbcEscalations::notice);
            Map<String, List<Escalations.Acknowledgement>> acks = byRun(connection, "SELECT subject, occasion, acked_by, acked_at"
                    + " FROM escalation_acks WHERE subject = ANY(?) ORDER BY subject, acked_at", stored, JdbcEscalations::acknowledgement);
            Map<String, List<Comment>> comments = byRun(connection, "SELECT run_id, " + JdbcComments.COLUMNS
                    + " FROM comments WHERE run_id = ANY(?) ORDER BY run_id, id", stored, JdbcComments::comment);
            Map<String, RecordParts> parts = new LinkedHashMap<>();
            heads.forEach((runId, head) -> parts.put(runId, new RecordParts(head.get(0).run(), head.get(0).runbookText(), events.getOrDefault(runId, List.of()),
                    new AuditChains.Chain(seals.getOrDefault(runId, List.of()).stream().findFirst(), lines.getOrDefault(runId, List.of())),
                    notices.getOrDefault(runId, List.of()), acks.getOrDefault(runId, List.of()), comments.getOrDefault(runId, List.of()))));
            return parts;
        });
    }

    /** The rows {@code sql} selects for the runs named (its one parameter, an array of them), by run id, in the order read. */
    private static <T> Map<String, List<T>> byRun(Connection connection, String sql, Collection<String> runIds, Row<T> row) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(sql)) {
            Jdbc.setTexts(select, 1, runIds);
            Map<String, List<T>> found = new HashMap<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    found.computeIfAbsent(rows.getString(1), id -> new ArrayList<>()).add(row.read(rows));
                }
            }
            return found;
        }
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
