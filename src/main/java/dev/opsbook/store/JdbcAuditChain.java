package dev.opsbook.store;

import dev.opsbook.audit.AuditChains;
import dev.opsbook.audit.AuditEntry;
import dev.opsbook.audit.AuditFact;
import dev.opsbook.audit.AuditFacts;
import dev.opsbook.audit.AuditSeal;
import dev.opsbook.engine.RunEvent;
import dev.opsbook.engine.RunState;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Audit trails as rows (table {@code audit_entries}, migration V11), each entry chained onto the
 * end its seal in {@code audit_seals} names, the seal moved in the same transaction. A run's entry
 * is written on the connection of the transaction that stores its event ({@link #append(Connection, String, AuditFact)}),
 * so an event refused by the lease writes no entry either.
 */
final class JdbcAuditChain implements AuditChains {

    private final Jdbc db;
    private final String description;

    JdbcAuditChain(Jdbc db, String description) {
        this.db = db;
        this.description = description;
    }

    /** Where the entry of a run's event comes from: given by whoever wrote the event, or derived here from the stored history. */
    interface Source {
        Optional<AuditFact> fact(Connection connection) throws SQLException;
    }

    static Source given(Optional<AuditFact> fact) {
        return connection -> fact;
    }

    /**
     * //why: events appended without their entry (an answer, a cancel, a restart written by a request) still
     * make one: the fold of the run's stored history, read after the event was stored on this transaction, is
     * the state a listener would have seen
     */
    static Source derived(String runId, RunEvent event, String runbookFile) {
        return connection -> {
            List<RunEvent> history = new ArrayList<>();
            if (event instanceof RunEvent.RunStarted) {
                history.add(event);
            } else {
                try (PreparedStatement select = connection.prepareStatement("SELECT body FROM run_events WHERE run_id = ? ORDER BY seq")) {
                    select.setString(1, runId);
                    try (ResultSet rows = select.executeQuery()) {
                        while (rows.next()) {
                            history.add(RunEventJson.read(rows.getString(1)));
                        }
                    }
                }
            }
            // //why: stored events are masked already (the engine masks before anything hears them): no parameter is secret here
            return AuditFacts.of(event, RunState.fold(history), runbookFile, name -> false);
        };
    }

    /**
     * Chains {@code facts} in order onto {@code head}, the sealed end of {@code trail} as the caller read it (or kept it
     * from its last append), and moves the seal once, on the caller's transaction: the seal after them. A head that is
     * no longer the stored one fails with {@link IllegalStateException} (its entries are there already, or the
     * conditional move matches nothing), and the transaction writes nothing.
     */
    static Optional<AuditSeal> appendAll(Connection connection, String trail, List<AuditFact> facts, Optional<AuditSeal> head)
            throws SQLException {
        if (facts.isEmpty()) {
            return head;
        }
        long seq = head.map(AuditSeal::entries).orElse(0L);
        String hash = head.map(AuditSeal::finalHash).orElse(AuditEntry.GENESIS);
        List<AuditEntry> entries = new ArrayList<>();
        for (AuditFact fact : facts) {
            AuditEntry entry = fact.chained(++seq, hash);
            entries.add(entry);
            hash = entry.hash();
        }
        insert(connection, trail, entries);
        AuditSeal sealed = new AuditSeal(seq, hash);
        moveSeal(connection, trail, head, sealed);
        return Optional.of(sealed);
    }

    /** Chains {@code fact} onto the sealed end of {@code trail} and moves the seal, on the caller's transaction. */
    static AuditEntry append(Connection connection, String trail, AuditFact fact) throws SQLException {
        Optional<AuditSeal> head = seal(connection, trail);
        AuditEntry entry = fact.chained(head.map(AuditSeal::entries).orElse(0L) + 1, head.map(AuditSeal::finalHash).orElse(AuditEntry.GENESIS));
        insert(connection, trail, entry);
        moveSeal(connection, trail, head, new AuditSeal(entry.seq(), entry.hash()));
        return entry;
    }

    private static void insert(Connection connection, String trail, AuditEntry entry) throws SQLException {
        insert(connection, trail, List.of(entry));
    }

    /** The entries in one batch (one round trip). */
    private static void insert(Connection connection, String trail, List<AuditEntry> entries) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO audit_entries (trail, seq, line) VALUES (?, ?, ?)")) {
            for (AuditEntry entry : entries) {
                insert.setString(1, trail);
                insert.setLong(2, entry.seq());
                insert.setString(3, entry.toJsonLine());
                insert.addBatch();
            }
            insert.executeBatch();
        } catch (SQLException e) {
            if (Jdbc.uniqueViolation(e) || e.getNextException() != null && Jdbc.uniqueViolation(e.getNextException())) {
                throw new IllegalStateException("the audit trail " + trail + " already has an entry from " + entries.get(0).seq()
                        + " on after its seal: it was written by another writer", e);
            }
            throw e;
        }
    }

    // //why: conditional, like the event's own update: two writers that read the same end cannot both move it
    private static void moveSeal(Connection connection, String trail, Optional<AuditSeal> from, AuditSeal to) throws SQLException {
        if (from.isPresent()) {
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE audit_seals SET entries = ?, final_hash = ? WHERE trail = ? AND entries = ? AND final_hash = ?")) {
                update.setLong(1, to.entries());
                update.setString(2, to.finalHash());
                update.setString(3, trail);
                update.setLong(4, from.get().entries());
                update.setString(5, from.get().finalHash());
                if (update.executeUpdate() != 1) {
                    throw new IllegalStateException("the seal of the audit trail " + trail + " moved while an entry was written");
                }
            }
            return;
        }
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO audit_seals (trail, entries, final_hash) VALUES (?, ?, ?)")) {
            insert.setString(1, trail);
            insert.setLong(2, to.entries());
            insert.setString(3, to.finalHash());
            insert.executeUpdate();
        } catch (SQLException e) {
            if (Jdbc.uniqueViolation(e)) {
                throw new IllegalStateException("the seal of the audit trail " + trail + " was written by another writer", e);
            }
            throw e;
        }
    }

    static Optional<AuditSeal> seal(Connection connection, String trail) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT entries, final_hash FROM audit_seals WHERE trail = ?")) {
            select.setString(1, trail);
            try (ResultSet row = select.executeQuery()) {
                return row.next() ? Optional.of(new AuditSeal(row.getLong(1), row.getString(2))) : Optional.empty();
            }
        }
    }

    private static List<String> lines(Connection connection, String trail, long fromSeq) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT line FROM audit_entries WHERE trail = ? AND seq >= ? ORDER BY seq")) {
            select.setString(1, trail);
            select.setLong(2, fromSeq);
            List<String> lines = new ArrayList<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    lines.add(rows.getString(1));
                }
            }
            return lines;
        }
    }

    @Override
    public AuditEntry append(String trail, AuditFact fact) {
        return db.inTransaction(connection -> append(connection, trail, fact));
    }

    // //why: the seal first: the rows committed with it are all there when the rows are read after it
    @Override
    public Chain read(String trail) {
        return db.query(connection -> {
            Optional<AuditSeal> seal = seal(connection, trail);
            return new Chain(seal, lines(connection, trail, 1));
        });
    }

    @Override
    public Optional<AuditSeal> seal(String trail) {
        return db.query(connection -> seal(connection, trail));
    }

    @Override
    public List<String> trails(String prefix) {
        return db.query(connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT DISTINCT trail FROM audit_entries WHERE trail LIKE ? ESCAPE '!' ORDER BY trail")) {
                select.setString(1, prefix.replace("!", "!!").replace("%", "!%").replace("_", "!_") + "%");
                List<String> trails = new ArrayList<>();
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        trails.add(rows.getString(1));
                    }
                }
                return trails;
            }
        });
    }

    @Override
    public int importEntries(String trail, List<AuditEntry> entries) {
        if (entries.isEmpty()) {
            throw new IllegalStateException("the trail is empty");
        }
        return db.inTransaction(connection -> {
            Optional<AuditSeal> seal = seal(connection, trail);
            List<String> stored = lines(connection, trail, 1);
            java.util.Map<Long, String> byseq = new java.util.HashMap<>();
            for (String line : stored) {
                byseq.put(parse(line).seq(), line);
            }
            AuditEntry last = entries.get(entries.size() - 1);
            int added = 0;
            for (AuditEntry entry : entries) {
                String line = byseq.get(entry.seq());
                if (line == null) {
                    insert(connection, trail, entry);
                    added++;
                } else if (!line.equals(entry.toJsonLine())) {
                    throw new IllegalStateException("its entry " + entry.seq() + " is not the entry " + entry.seq() + " the store holds for "
                            + trail + ": it is another trail, or one of the two was changed");
                }
            }
            if (seal.isEmpty()) {
                moveSeal(connection, trail, Optional.empty(), new AuditSeal(last.seq(), last.hash()));
            } else if (seal.get().entries() < last.seq()) {
                throw new IllegalStateException("the store sealed " + seal.get().entries() + " entries for " + trail + ", the trail has "
                        + last.seq() + ": the entries after " + seal.get().entries() + " were not written by opsbook");
            } else if (seal.get().entries() == last.seq() && !seal.get().finalHash().equals(last.hash())) {
                throw new IllegalStateException("its last entry is not the one the store sealed for " + trail);
            } else if (seal.get().entries() > last.seq()) {
                String next = byseq.get(last.seq() + 1);
                if (next == null || !parse(next).previous().equals(last.hash())) {
                    throw new IllegalStateException("the store sealed " + seal.get().entries() + " entries for " + trail + ", the trail has "
                            + last.seq() + " and the store's chain does not go on from its last: entries were cut from its end");
                }
            }
            return added;
        });
    }

    private static AuditEntry parse(String line) throws SQLException {
        try {
            return AuditEntry.parse(line);
        } catch (com.fasterxml.jackson.core.JsonProcessingException | RuntimeException e) {
            throw new IllegalStateException("an entry the store holds cannot be read (" + e.getMessage().lines().findFirst().orElse("")
                    + "); verify it with opsbook audit verify", e);
        }
    }

    @Override
    public String describe() {
        return "the store (" + description + ")";
    }
}
