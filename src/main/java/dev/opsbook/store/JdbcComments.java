package dev.opsbook.store;

import dev.opsbook.audit.AuditFact;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * {@link Comments} over JDBC: table {@code comments} (migration V16), ids from its identity column; each change's audit
 * entry is chained onto the run's trail ({@link JdbcAuditChain}) on the change's transaction.
 */
final class JdbcComments implements Comments {

    static final String COLUMNS = "id, run_id, step, body, author, created_at, edited_at";

    private final Jdbc jdbc;

    JdbcComments(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public Comment add(String runId, Optional<String> step, String text, String author, Instant at, Function<Comment, AuditFact> audit) {
        Comment.checkText(text);
        return jdbc.inTransaction(connection -> {
            JdbcRunSearch.commented(connection, jdbc.postgres(), runId, text);
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO comments (run_id, step, body, author, created_at) VALUES (?, ?, ?, ?, ?)", new String[] {"id"})) {
                insert.setString(1, runId);
                insert.setString(2, step.orElse(null));
                insert.setString(3, text);
                insert.setString(4, author);
                Jdbc.setInstant(insert, 5, at);
                insert.executeUpdate();
                Comment added;
                try (ResultSet keys = insert.getGeneratedKeys()) {
                    keys.next();
                    added = new Comment(Long.toString(keys.getLong(1)), runId, step, text, author,
                            at.truncatedTo(java.time.temporal.ChronoUnit.MICROS), Optional.empty());
                }
                JdbcAuditChain.append(connection, runId, audit.apply(added));
                return added;
            }
        });
    }

    @Override
    public Optional<Comment> edit(String runId, String commentId, String text, Instant at, Function<Comment, AuditFact> audit) {
        Comment.checkText(text);
        Optional<Long> id = id(commentId);
        if (id.isEmpty()) {
            return Optional.empty();
        }
        return jdbc.inTransaction(connection -> {
            try (PreparedStatement update = connection.prepareStatement("UPDATE comments SET body = ?, edited_at = ? WHERE run_id = ? AND id = ?")) {
                update.setString(1, text);
                Jdbc.setInstant(update, 2, at);
                update.setString(3, runId);
                update.setLong(4, id.get());
                if (update.executeUpdate() == 0) {
                    return Optional.empty();
                }
            }
            JdbcRunSearch.reindex(connection, jdbc.postgres(), runId);
            Optional<Comment> edited = one(connection, runId, id.get());
            if (edited.isPresent()) {
                JdbcAuditChain.append(connection, runId, audit.apply(edited.get()));
            }
            return edited;
        });
    }

    @Override
    public boolean delete(String runId, String commentId, Function<Comment, AuditFact> audit) {
        Optional<Long> id = id(commentId);
        return id.isPresent() && jdbc.inTransaction(connection -> {
            Optional<Comment> gone = one(connection, runId, id.get());
            if (gone.isEmpty()) {
                return false;
            }
            try (PreparedStatement delete = connection.prepareStatement("DELETE FROM comments WHERE run_id = ? AND id = ?")) {
                delete.setString(1, runId);
                delete.setLong(2, id.get());
                if (delete.executeUpdate() == 0) {
                    return false;
                }
            }
            JdbcRunSearch.reindex(connection, jdbc.postgres(), runId); // what the comment said is found no more
            JdbcAuditChain.append(connection, runId, audit.apply(gone.get()));
            return true;
        });
    }

    @Override
    public List<Comment> comments(String runId) {
        return jdbc.query(connection -> select(connection, "SELECT " + COLUMNS + " FROM comments WHERE run_id = ? ORDER BY id", runId, null));
    }

    private static Optional<Long> id(String commentId) {
        try {
            return Optional.of(Long.parseLong(commentId));
        } catch (NumberFormatException e) {
            return Optional.empty(); // not an id this store gives out, so no such comment
        }
    }

    private static Optional<Comment> one(java.sql.Connection connection, String runId, long id) throws SQLException {
        return select(connection, "SELECT " + COLUMNS + " FROM comments WHERE run_id = ? AND id = ?", runId, id).stream().findFirst();
    }

    private static List<Comment> select(java.sql.Connection connection, String sql, String runId, Long id) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(sql)) {
            select.setString(1, runId);
            if (id != null) {
                select.setLong(2, id);
            }
            List<Comment> found = new ArrayList<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    found.add(comment(rows));
                }
            }
            return found;
        }
    }

    /** The comment on the row {@code rows} stands on, selected as {@link #COLUMNS}. */
    static Comment comment(ResultSet rows) throws SQLException {
        return new Comment(Long.toString(rows.getLong("id")), rows.getString("run_id"), Optional.ofNullable(rows.getString("step")),
                rows.getString("body"), rows.getString("author"), Jdbc.instant(rows, "created_at"), Optional.ofNullable(Jdbc.instant(rows, "edited_at")));
    }
}
