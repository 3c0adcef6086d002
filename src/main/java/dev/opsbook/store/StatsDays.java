package dev.opsbook.store;

import dev.opsbook.store.DayFiguresSql.Key;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The {@link DayFigures} of whole UTC days, from {@code stats_days} (V22) where a day's runs have not changed since its
 * row was written, else read anew from the runs and kept. Which state a row was computed from is its signature: the
 * day's runs counted by status and the sum of their {@code facts_changes}, read from the covering index in one scan, so
 * a request over 90 days reads one index range and a few hundred rows, and reads the runs' facts only of days that
 * changed (usually today and yesterday).
 *
 * <p>//why: kept when read, not as events are written, so nothing is added to a step's transaction (the per-step cost is a
 * benchmark row of its own) and no row is written by every run of a runbook at once.
 */
final class StatsDays {

    private record DayKey(LocalDate day, Key key) {
    }

    private final Jdbc jdbc;

    StatsDays(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    /** Where a request's figures go: those read from the runs, or those kept, as text. */
    interface Sink {
        void add(LocalDate day, Key key, DayFigures figures);

        void addText(LocalDate day, Key key, String text);
    }

    /** Gives {@code sink} the figures of the days {@code [first, end)}, of {@code runbook} or all, drills too when {@code drills}. */
    void read(LocalDate first, LocalDate end, Optional<String> runbook, boolean drills, Sink sink) {
        Map<DayKey, String> signatures = jdbc.query(connection -> signatures(connection, first, end, runbook, drills));
        Map<DayKey, String> cached = jdbc.query(connection -> cached(connection, first, end, runbook, drills, signatures));
        Set<LocalDate> stale = new TreeSet<>();
        signatures.keySet().stream().filter(key -> !cached.containsKey(key)).forEach(key -> stale.add(key.day()));
        cached.forEach((key, text) -> {
            if (!stale.contains(key.day())) {
                sink.addText(key.day(), key.key(), text);
            }
        });
        for (LocalDate day : stale) {
            Map<Key, DayFigures> read = jdbc.query(connection -> DayFiguresSql.read(connection, start(day), start(day.plusDays(1)), runbook, drills));
            Map<Key, DayFigures> kept = new HashMap<>();
            read.forEach((key, figures) -> {
                sink.add(day, key, figures);
                DayKey dayKey = new DayKey(day, key);
                if (signatures.containsKey(dayKey) && !cached.containsKey(dayKey)) {
                    kept.put(key, figures);
                }
            });
            keep(day, kept, signatures);
        }
    }

    private static java.time.Instant start(LocalDate day) {
        return day.atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    private static Map<DayKey, String> signatures(Connection connection, LocalDate first, LocalDate end, Optional<String> runbook,
                                                  boolean drills) throws SQLException {
        DayFiguresSql.Range range = new DayFiguresSql.Range("started_at", start(first), start(end), runbook, drills);
        Map<DayKey, Map<String, Long>> counted = new HashMap<>();
        Map<DayKey, Long> changes = new HashMap<>();
        try (PreparedStatement select = connection.prepareStatement("SELECT started_day, runbook_id, CASE WHEN drill IS NULL THEN 0 ELSE 1 END AS d, "
                + "status, COUNT(*), SUM(facts_changes) FROM runs WHERE " + range.where() + " GROUP BY started_day, runbook_id, d, status")) {
            range.bind(select);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    LocalDate day = rows.getObject(1, LocalDate.class);
                    if (day == null) {
                        continue; // //why: not caught up yet (JdbcStepFacts.catchUp runs before): counted once it is
                    }
                    DayKey key = new DayKey(day, new Key(rows.getString(2), rows.getInt(3) == 1));
                    counted.computeIfAbsent(key, k -> new TreeMap<>()).put(rows.getString(4), rows.getLong(5));
                    changes.merge(key, rows.getLong(6), Long::sum);
                }
            }
        }
        Map<DayKey, String> signatures = new HashMap<>();
        counted.forEach((key, byStatus) -> signatures.put(key, byStatus + " changes=" + changes.get(key)));
        return signatures;
    }

    /** The kept rows whose signature is still the runs' own, as text. */
    private static Map<DayKey, String> cached(Connection connection, LocalDate first, LocalDate end, Optional<String> runbook, boolean drills,
                                                  Map<DayKey, String> signatures) throws SQLException {
        Map<DayKey, String> cached = new HashMap<>();
        try (PreparedStatement select = connection.prepareStatement("SELECT started_day, runbook_id, drill, signature, figures FROM stats_days WHERE started_day >= ? "
                + "AND started_day < ?" + (runbook.isPresent() ? " AND runbook_id = ?" : "") + (drills ? "" : " AND drill = FALSE"))) {
            select.setObject(1, first);
            select.setObject(2, end);
            if (runbook.isPresent()) {
                select.setString(3, runbook.get());
            }
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    DayKey key = new DayKey(rows.getObject(1, LocalDate.class), new Key(rows.getString(2), rows.getBoolean(3)));
                    if (rows.getString(4).equals(signatures.get(key))) {
                        cached.put(key, rows.getString(5));
                    }
                }
            }
        }
        return cached;
    }

    /**
     * Keeps a day's figures under the signature they were read after. //why: should the runs change meanwhile, the row's
     * figures may be newer than its signature, never older, so the next request reads the day anew rather than trusting
     * old figures; of two requests keeping one day at once, one row stays and the other request answers all the same.
     */
    private void keep(LocalDate day, Map<Key, DayFigures> figures, Map<DayKey, String> signatures) {
        if (figures.isEmpty()) {
            return;
        }
        try {
            jdbc.inTransaction(connection -> {
                try (PreparedStatement delete = connection.prepareStatement("DELETE FROM stats_days WHERE started_day = ? AND runbook_id = ? AND drill = ?");
                     PreparedStatement insert = connection.prepareStatement(
                             "INSERT INTO stats_days (started_day, runbook_id, drill, signature, figures) VALUES (?, ?, ?, ?, ?)")) {
                    for (Map.Entry<Key, DayFigures> entry : figures.entrySet()) {
                        Key key = entry.getKey();
                        delete.setObject(1, day);
                        delete.setString(2, key.runbookId());
                        delete.setBoolean(3, key.drill());
                        delete.addBatch();
                        insert.setObject(1, day);
                        insert.setString(2, key.runbookId());
                        insert.setBoolean(3, key.drill());
                        insert.setString(4, signatures.get(new DayKey(day, key)));
                        insert.setString(5, entry.getValue().toText());
                        insert.addBatch();
                    }
                    delete.executeBatch();
                    insert.executeBatch();
                }
                return null;
            });
        } catch (StoreException e) {
            if (!(e.getCause() instanceof SQLException cause) || !(Jdbc.uniqueViolation(cause)
                    || cause.getNextException() != null && Jdbc.uniqueViolation(cause.getNextException()))) {
                throw e;
            }
        }
    }
}
