package dev.opsbook.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** {@link GameDays} over JDBC: table {@code gamedays} (migration V14). */
final class JdbcGameDays implements GameDays {

    private static final String COLUMNS = "id, name, scenario, started_by, started_at, event_ids";

    private final Jdbc jdbc;

    JdbcGameDays(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public void create(GameDay gameDay) {
        jdbc.query(connection -> {
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO gamedays (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?)")) {
                insert.setString(1, gameDay.id());
                insert.setString(2, gameDay.name());
                insert.setString(3, gameDay.scenario());
                insert.setString(4, gameDay.startedBy());
                Jdbc.setInstant(insert, 5, gameDay.startedAt());
                insert.setString(6, String.join(" ", gameDay.eventIds()));
                return insert.executeUpdate();
            } catch (SQLException e) {
                if (Jdbc.uniqueViolation(e)) {
                    throw new IllegalStateException("game day " + gameDay.id() + " is already stored", e);
                }
                throw e;
            }
        });
    }

    @Override
    public Optional<GameDay> gameDay(String id) {
        return select("SELECT " + COLUMNS + " FROM gamedays WHERE id = ?", id).stream().findFirst();
    }

    @Override
    public List<GameDay> gameDays(int limit) {
        return select("SELECT " + COLUMNS + " FROM gamedays ORDER BY started_at DESC, id DESC" + (limit > 0 ? " LIMIT " + limit : ""), null);
    }

    private List<GameDay> select(String sql, String id) {
        return jdbc.query(connection -> {
            try (PreparedStatement select = connection.prepareStatement(sql)) {
                if (id != null) {
                    select.setString(1, id);
                }
                List<GameDay> found = new ArrayList<>();
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        String events = rows.getString("event_ids");
                        found.add(new GameDay(rows.getString("id"), rows.getString("name"), rows.getString("scenario"),
                                rows.getString("started_by"), Jdbc.instant(rows, "started_at"),
                                events.isBlank() ? List.of() : Arrays.asList(events.split(" "))));
                    }
                }
                return found;
            }
        });
    }
}
