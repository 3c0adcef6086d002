package dev.opsbook.store;

import dev.opsbook.audit.AuditFact;
import dev.opsbook.engine.RunEvent;
import dev.opsbook.engine.RunState;
import dev.opsbook.engine.RunStatus;
import dev.opsbook.engine.StepExecution;
import dev.opsbook.engine.StepStatus;
import io.agroal.api.AgroalDataSource;
import io.agroal.api.configuration.AgroalConnectionPoolConfiguration;
import io.agroal.api.configuration.supplier.AgroalDataSourceConfigurationSupplier;
import io.agroal.api.security.NamePrincipal;
import io.agroal.api.security.SimplePassword;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.flywaydb.core.Flyway;

/**
 * The run store over plain JDBC: embedded H2 by default, PostgreSQL in production. The schema is
 * Flyway's migrations under {@code db/migration}, applied when the store opens.
 *
 * <p>Connections come from a small Agroal pool (the pool Quarkus itself uses, here without any
 * Quarkus datasource, so commands that never touch the store start nothing). Every call borrows
 * its own connection, so calls from several threads never share one; a pool rather than a
 * connection per call because PostgreSQL connections are slow to open, and because a pool that
 * holds one connection keeps an embedded H2 database open between calls instead of reopening its
 * file each time. Connections are checked before they are handed out and dropped after a
 * connection error: a second process on the same H2 file talks to the first over TCP, and that
 * link goes when the first process exits.
 *
 * <p>Row timestamps keep microseconds (both databases store no more); the events themselves are
 * stored as {@link RunEventJson} documents and keep their exact instants. Misuse is refused with
 * {@link IllegalArgumentException} (an unknown run or event id) or {@link IllegalStateException}
 * (an event out of order, or after the run finished); a failing database with {@link StoreException}.
 */
public final class JdbcRunStore implements RunStore {

    private static final String SQL_UNIQUE_VIOLATION = "23505";
    /** A null timestamp among the values of an update, told apart from a null text by its type. */
    private static final Instant NO_INSTANT = Instant.MIN;
    private static final int POOL_SIZE = 8;
    private static final String RUN_COLUMNS = "id, runbook_id, runbook_file, content_hash, status, trigger_kind, started_by, "
            + "event_id, concurrency_key, started_at, ended_at, message, waiting_for";
    private static final String RECEIVED_COLUMNS = "event_id, received_at, channel, source, detail_type, outcome, reason, run_ids, body";

    private final AgroalDataSource pool;
    private final String description;
    private final JdbcTokenStore tokens = new JdbcTokenStore(this::query);
    private final JdbcAuditSeals seals;
    private final JdbcAuditChain chains;
    private final boolean postgres;

    private JdbcRunStore(AgroalDataSource pool, String description, boolean postgres) {
        this.pool = pool;
        this.description = description;
        this.postgres = postgres;
        this.seals = new JdbcAuditSeals(this::query, description);
        this.chains = new JdbcAuditChain(this::query, description);
    }

    /**
     * Opens the store at {@code jdbcUrl} and brings its schema up to date.
     *
     * @param user may be null when the URL says who connects
     * @param password may be null
     */
    public static JdbcRunStore open(String jdbcUrl, String user, String password) {
        AgroalDataSource pool = pool(jdbcUrl, user, password);
        try {
            // //why: Flyway costs a CLI command a good part of a second; it runs only when the schema is behind
            if (schemaVersion(pool) < SCHEMA_VERSION) {
                Flyway.configure().dataSource(pool).locations("classpath:db/migration").load().migrate();
            }
        } catch (RuntimeException e) {
            pool.close();
            throw new StoreException("cannot prepare the run store at " + describe(jdbcUrl) + ": " + reason(e), e);
        }
        return new JdbcRunStore(pool, describe(jdbcUrl), jdbcUrl.startsWith("jdbc:postgresql:"));
    }

    /** The highest migration this code ships (db/migration/V{n}__*.sql). */
    static final int SCHEMA_VERSION = 11;

    /** The schema version Flyway recorded, 0 when it never ran here. */
    private static int schemaVersion(AgroalDataSource pool) {
        try (var connection = pool.getConnection()) {
            try (var tables = connection.getMetaData().getTables(null, null, "flyway_schema_history", null)) {
                if (!tables.next()) {
                    return 0; // a new database: asking would only leave an error in H2's trace file
                }
            }
            try (var statement = connection.createStatement();
                 var rows = statement.executeQuery("SELECT MAX(CAST(\"version\" AS INTEGER)) FROM \"flyway_schema_history\" WHERE \"success\" = TRUE")) {
                return rows.next() ? rows.getInt(1) : 0;
            }
        } catch (SQLException e) {
            return 0; // no history table yet
        }
    }

    /** The database's own words when it has some: Flyway's message around them is a table of several lines. */
    private static String reason(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLException && cause.getMessage() != null) {
                return cause.getMessage();
            }
        }
        return e.getMessage();
    }

    /**
     * The embedded store in {@code dir}: an H2 file that a second process (say {@code opsbook approve}
     * while {@code opsbook serve} runs) can use at the same time, the first one serving it to the others.
     */
    public static String embeddedUrl(Path dir) {
        return "jdbc:h2:file:" + dir.toAbsolutePath().normalize().resolve("store") + ";AUTO_SERVER=TRUE";
    }

    private static AgroalDataSource pool(String jdbcUrl, String user, String password) {
        AgroalDataSourceConfigurationSupplier configuration = new AgroalDataSourceConfigurationSupplier()
                .connectionPoolConfiguration(pool -> pool
                        .initialSize(1)
                        .minSize(1)
                        .maxSize(POOL_SIZE)
                        .acquisitionTimeout(Duration.ofSeconds(30))
                        .validateOnBorrow(true)
                        .connectionValidator(AgroalConnectionPoolConfiguration.ConnectionValidator.defaultValidatorWithTimeout(5))
                        .exceptionSorter(JdbcRunStore::connectionLost)
                        .connectionFactoryConfiguration(factory -> {
                            factory.jdbcUrl(jdbcUrl).autoCommit(true);
                            if (user != null) {
                                factory.principal(new NamePrincipal(user));
                            }
                            if (password != null) {
                                factory.credential(new SimplePassword(password));
                            }
                            return factory;
                        }));
        try {
            return AgroalDataSource.from(configuration);
        } catch (SQLException e) {
            throw new StoreException("cannot open the run store at " + describe(jdbcUrl) + ": " + e.getMessage(), e);
        }
    }

    /** SQL state class 08 is a connection error; H2 says so with its own codes. */
    private static boolean connectionLost(SQLException e) {
        String state = e.getSQLState();
        return state != null && (state.startsWith("08") || state.equals("57P01")
                || state.equals("90067") || state.equals("90098") || state.equals("90121"));
    }

    /** "H2 file /home/me/.opsbook/store (single instance)", "PostgreSQL opsbook at db.internal:5432". */
    static String describe(String jdbcUrl) {
        if (jdbcUrl.startsWith("jdbc:h2:")) {
            String rest = jdbcUrl.substring("jdbc:h2:".length()).split(";", 2)[0];
            if (rest.startsWith("file:")) {
                return "H2 file " + rest.substring("file:".length()) + " (single instance)";
            }
            if (rest.startsWith("mem:")) {
                return "H2 in memory " + rest.substring("mem:".length()) + " (single instance)";
            }
            return "H2 " + rest + " (single instance)";
        }
        if (jdbcUrl.startsWith("jdbc:postgresql:")) {
            String rest = jdbcUrl.substring("jdbc:postgresql:".length()).split("\\?", 2)[0];
            if (rest.startsWith("//")) {
                String[] hostAndDb = rest.substring(2).split("/", 2);
                String db = hostAndDb.length > 1 && !hostAndDb[1].isEmpty() ? hostAndDb[1] : "(default database)";
                return "PostgreSQL " + db + " at " + hostAndDb[0];
            }
            return "PostgreSQL " + rest + " at localhost";
        }
        return jdbcUrl.split("[;?]", 2)[0];
    }

    @Override
    public String describe() {
        return description;
    }

    // ---- runs ---------------------------------------------------------------------------

    @Override
    public void create(StoredRun run, String runbookText, RunEvent.RunStarted started, Optional<Lease> lease) {
        create(run, runbookText, started, lease, JdbcAuditChain.derived(run.id(), started, run.runbookFile()));
    }

    @Override
    public void create(StoredRun run, String runbookText, RunEvent.RunStarted started, Optional<Lease> lease, Optional<AuditFact> audit) {
        create(run, runbookText, started, lease, JdbcAuditChain.given(audit));
    }

    private void create(StoredRun run, String runbookText, RunEvent.RunStarted started, Optional<Lease> lease, JdbcAuditChain.Source audit) {
        if (!run.id().equals(started.runId())) {
            throw new IllegalArgumentException("run " + run.id() + " cannot start with the start event of run " + started.runId());
        }
        inTransaction(connection -> {
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO runs (" + RUN_COLUMNS
                    + ", runbook_text, last_seq, lease_owner, lease_expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)")) {
                insert.setString(1, run.id());
                insert.setString(2, run.runbookId());
                insert.setString(3, run.runbookFile());
                insert.setString(4, run.contentHash());
                insert.setString(5, run.status().name());
                insert.setString(6, run.trigger());
                insert.setString(7, run.startedBy());
                insert.setString(8, run.eventId().orElse(null));
                insert.setString(9, run.concurrencyKey().orElse(null));
                setInstant(insert, 10, run.startedAt());
                setInstant(insert, 11, run.endedAt().orElse(null));
                insert.setString(12, orEmpty(run.message()));
                insert.setString(13, orEmpty(run.waitingFor()));
                insert.setString(14, runbookText);
                insert.setString(15, lease.map(Lease::owner).orElse(null));
                setInstant(insert, 16, lease.map(Lease::expiresAt).orElse(null));
                insert.executeUpdate();
            } catch (SQLException e) {
                if (SQL_UNIQUE_VIOLATION.equals(e.getSQLState()) && String.valueOf(e.getMessage()).toLowerCase(java.util.Locale.ROOT)
                        .contains("runs_one_per_event")) {
                    throw new IllegalStateException("event " + run.eventId().orElse("") + " already started a run of " + run.runbookId(), e);
                }
                if (SQL_UNIQUE_VIOLATION.equals(e.getSQLState())) {
                    throw new IllegalStateException("run " + run.id() + " is already stored", e);
                }
                throw e;
            }
            insertEvent(connection, run.id(), 1, started);
            JdbcAuditChain.append(connection, run.id(), audit);
            return null;
        });
    }

    /**
     * Appends in one transaction with the row's update. The update goes first and only matches the
     * row while {@code seq} follows the last stored event and the run is in a status that takes the
     * event: it locks the row, so two writers of one run (two processes resuming it) cannot both
     * append the same seq. With a {@code holder} it also only matches while that instance holds the
     * run's lease: an instance that lost its lease can write nothing more (fencing).
     */
    @Override
    public void append(String runId, long seq, RunEvent event, Optional<String> holder, Optional<Lease> lease) {
        append(runId, seq, event, holder, lease, JdbcAuditChain.derived(runId, event, ""));
    }

    @Override
    public void append(String runId, long seq, RunEvent event, Optional<String> holder, Optional<Lease> lease, Optional<AuditFact> audit) {
        append(runId, seq, event, holder, lease, JdbcAuditChain.given(audit));
    }

    private void append(String runId, long seq, RunEvent event, Optional<String> holder, Optional<Lease> lease, JdbcAuditChain.Source audit) {
        if (event instanceof RunEvent.RunStarted) {
            throw new IllegalArgumentException("run " + runId + ": a run starts once, with create()");
        }
        inTransaction(connection -> {
            List<Object> values = new ArrayList<>();
            String sets;
            String from;
            if (event instanceof RunEvent.RunFinished finished) {
                sets = "status = ?, ended_at = ?, message = ?, waiting_for = ''";
                values.addAll(Arrays.asList(finished.status().name(), finished.at(), orEmpty(finished.message())));
                from = "'RUNNING', 'WAITING'";
            } else if (event instanceof RunEvent.RunRestarted) {
                // //why: the one event that may follow a finished run: a person resumes a failed run from a step; whoever restarts it holds it
                sets = "status = 'RUNNING', ended_at = NULL, waiting_for = '', message = '', lease_owner = ?, lease_expires_at = ?";
                values.add(lease.map(Lease::owner).orElse(null));
                values.add(lease.map(Lease::expiresAt).orElse(NO_INSTANT));
                from = "'FAILED'";
            } else if (event instanceof RunEvent.StepAnswered) {
                // //why: an answer alone does not resume a run: it stays waiting until a process takes it up (RunResumed)
                sets = null;
                from = "'RUNNING', 'WAITING'";
            } else if (event instanceof RunEvent.StepResolved) {
                // //why: likewise a resolution: the run needs attention until a process takes it up
                sets = null;
                from = "'NEEDS_ATTENTION'";
            } else if (event instanceof RunEvent.RunResumed) {
                // //why: whoever takes a run up holds it from now on: serve with a lease, a terminal without (nobody takes that over)
                sets = "status = 'RUNNING', ended_at = NULL, waiting_for = '', message = '', lease_owner = ?, lease_expires_at = ?";
                values.add(lease.map(Lease::owner).orElse(null));
                values.add(lease.map(Lease::expiresAt).orElse(NO_INSTANT));
                from = "'RUNNING', 'WAITING', 'NEEDS_ATTENTION'";
            } else {
                // //why: any event but the last means the run goes on; a waiting run that gets one was resumed
                sets = "status = 'RUNNING', ended_at = NULL, waiting_for = '', message = CASE WHEN status = 'WAITING' THEN '' ELSE message END";
                from = "'RUNNING', 'WAITING'";
            }
            String sql = "UPDATE runs SET last_seq = ?" + (sets == null ? "" : ", " + sets)
                    + " WHERE id = ? AND last_seq = ? AND status IN (" + from + ")" + (holder.isPresent() ? " AND lease_owner = ?" : "");
            int updated;
            try (PreparedStatement update = connection.prepareStatement(sql)) {
                int i = 1;
                update.setLong(i++, seq);
                for (Object value : values) {
                    if (value instanceof Instant instant) {
                        setInstant(update, i++, instant == NO_INSTANT ? null : instant);
                    } else {
                        update.setString(i++, (String) value);
                    }
                }
                update.setString(i++, runId);
                update.setLong(i++, seq - 1);
                if (holder.isPresent()) {
                    update.setString(i, holder.get());
                }
                updated = update.executeUpdate();
            }
            if (updated == 0) {
                throw refusal(connection, runId, seq, holder);
            }
            insertEvent(connection, runId, seq, event);
            JdbcAuditChain.append(connection, runId, audit);
            if (event instanceof RunEvent.RunFinished finished
                    && (finished.status() == RunStatus.WAITING || finished.status() == RunStatus.NEEDS_ATTENTION)) {
                StepStatus stoppedAt = finished.status() == RunStatus.WAITING ? StepStatus.WAITING : StepStatus.NEEDS_ATTENTION;
                try (PreparedStatement update = connection.prepareStatement("UPDATE runs SET waiting_for = ? WHERE id = ?")) {
                    update.setString(1, stoppedAt(events(connection, runId), stoppedAt));
                    update.setString(2, runId);
                    update.executeUpdate();
                }
            }
            return null;
        });
    }

    /** The steps a stopped run waits for: those whose last word was "waiting" (or "needs attention"). */
    private static String stoppedAt(List<RunEvent> events, StepStatus status) {
        return String.join(",", RunState.fold(events).executions().values().stream()
                .filter(x -> x.status() == status).map(StepExecution::stepId).distinct().toList());
    }

    private static RuntimeException refusal(Connection connection, String runId, long seq, Optional<String> holder) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT status, last_seq, lease_owner FROM runs WHERE id = ?")) {
            select.setString(1, runId);
            try (ResultSet row = select.executeQuery()) {
                if (!row.next()) {
                    return new IllegalArgumentException("no run " + runId);
                }
                String status = row.getString(1);
                long last = row.getLong(2);
                String owner = row.getString(3);
                if (holder.isPresent() && !holder.get().equals(owner)) {
                    return new LeaseLost("run " + runId + " is no longer held by " + holder.get() + " but by "
                            + (owner == null ? "nobody" : owner) + ": " + holder.get() + " lost its lease and writes nothing more to it");
                }
                if (last != seq - 1) {
                    return new IllegalStateException("run " + runId + ": event " + seq + " does not follow the last stored event, " + last);
                }
                RunStatus now = RunStatus.valueOf(status);
                if (now == RunStatus.SUCCEEDED || now == RunStatus.FAILED || now == RunStatus.CANCELLED) {
                    return new IllegalStateException("run " + runId + " has finished (" + now.label() + "): no event can follow");
                }
                return new IllegalStateException("run " + runId + " is " + now.label() + ": this event cannot follow");
            }
        }
    }

    private static void insertEvent(Connection connection, String runId, long seq, RunEvent event) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO run_events (run_id, seq, at, type, body) VALUES (?, ?, ?, ?, ?)")) {
            insert.setString(1, runId);
            insert.setLong(2, seq);
            setInstant(insert, 3, event.at());
            insert.setString(4, RunEventJson.type(event));
            insert.setString(5, RunEventJson.write(event));
            insert.executeUpdate();
        }
    }

    // ---- leases ---------------------------------------------------------------------------------

    @Override
    public Optional<Lease> lease(String runId) {
        return query(connection -> {
            try (PreparedStatement select = connection.prepareStatement("SELECT lease_owner, lease_expires_at FROM runs WHERE id = ?")) {
                select.setString(1, runId);
                try (ResultSet row = select.executeQuery()) {
                    if (!row.next() || row.getString(1) == null) {
                        return Optional.<Lease>empty();
                    }
                    return Optional.of(new Lease(row.getString(1), instant(row, "lease_expires_at")));
                }
            }
        });
    }

    @Override
    public Set<String> renewLeases(String owner, Instant expiresAt) {
        return inTransaction(connection -> {
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE runs SET lease_expires_at = ? WHERE lease_owner = ? AND status = 'RUNNING'")) {
                setInstant(update, 1, expiresAt);
                update.setString(2, owner);
                update.executeUpdate();
            }
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT id FROM runs WHERE lease_owner = ? AND status = 'RUNNING'")) {
                select.setString(1, owner);
                Set<String> held = new HashSet<>();
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        held.add(rows.getString(1));
                    }
                }
                return held;
            }
        });
    }

    /**
     * Candidates first (running runs whose lease has expired, oldest expiry first), then one
     * conditional update per candidate that only matches while the lease is still the expired one
     * it read: the row lock of the update makes a second instance's update match nothing.
     */
    @Override
    public Optional<Takeover> takeOverExpired(String owner, Instant now, Instant expiresAt) {
        List<String[]> candidates = query(connection -> {
            try (PreparedStatement select = connection.prepareStatement("SELECT id, lease_owner FROM runs "
                    + "WHERE status = 'RUNNING' AND lease_owner IS NOT NULL AND lease_expires_at < ? ORDER BY lease_expires_at, id LIMIT 10")) {
                setInstant(select, 1, now);
                List<String[]> found = new ArrayList<>();
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        found.add(new String[] {rows.getString(1), rows.getString(2)});
                    }
                }
                return found;
            }
        });
        for (String[] candidate : candidates) {
            int updated = query(connection -> {
                try (PreparedStatement update = connection.prepareStatement("UPDATE runs SET lease_owner = ?, lease_expires_at = ? "
                        + "WHERE id = ? AND status = 'RUNNING' AND lease_owner = ? AND lease_expires_at < ?")) {
                    update.setString(1, owner);
                    setInstant(update, 2, expiresAt);
                    update.setString(3, candidate[0]);
                    update.setString(4, candidate[1]);
                    setInstant(update, 5, now);
                    return update.executeUpdate();
                }
            });
            if (updated == 1) {
                return run(candidate[0]).map(run -> new Takeover(run, candidate[1]));
            }
        }
        return Optional.empty();
    }

    @Override
    public boolean releaseLease(String runId, String owner) {
        return query(connection -> {
            // //why: the owner stays, so whoever takes the run over can say from whom; the expiry in the past frees it at once
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE runs SET lease_expires_at = ? WHERE id = ? AND lease_owner = ?")) {
                setInstant(update, 1, Instant.EPOCH);
                update.setString(2, runId);
                update.setString(3, owner);
                return update.executeUpdate() == 1;
            }
        });
    }

    @Override
    public List<EngineInstance> registerInstance(EngineInstance self, Instant now, Instant aliveSince) {
        return inTransaction(connection -> {
            int updated;
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE engine_instances SET seen_at = ?, host = ?, pid = ? WHERE name = ?")) {
                setInstant(update, 1, now);
                update.setString(2, self.host());
                update.setLong(3, self.pid());
                update.setString(4, self.name());
                updated = update.executeUpdate();
            }
            if (updated == 0) {
                try (PreparedStatement insert = connection.prepareStatement(
                        "INSERT INTO engine_instances (name, started_at, seen_at, host, pid) VALUES (?, ?, ?, ?, ?)")) {
                    insert.setString(1, self.name());
                    setInstant(insert, 2, now);
                    setInstant(insert, 3, now);
                    insert.setString(4, self.host());
                    insert.setLong(5, self.pid());
                    insert.executeUpdate();
                }
            }
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT name, host, pid FROM engine_instances WHERE name <> ? AND seen_at >= ? ORDER BY name")) {
                select.setString(1, self.name());
                setInstant(select, 2, aliveSince);
                List<EngineInstance> others = new ArrayList<>();
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        String host = rows.getString(2);
                        others.add(new EngineInstance(rows.getString(1), host == null ? "" : host, rows.getLong(3)));
                    }
                }
                return others;
            }
        });
    }

    @Override
    public void unregisterInstance(String name) {
        query(connection -> {
            try (PreparedStatement delete = connection.prepareStatement("DELETE FROM engine_instances WHERE name = ?")) {
                delete.setString(1, name);
                return delete.executeUpdate();
            }
        });
    }

    @Override
    public boolean multiInstance() {
        return postgres;
    }

    /**
     * PostgreSQL: a session advisory lock on a 64-bit hash of runbook and key, held on a connection
     * of its own until closed (a process that dies loses the connection, and with it the lock). H2
     * serves one instance, whose dispatcher already handles one event at a time: nothing to lock.
     */
    @Override
    public KeyLock lockConcurrencyKey(String runbookId, String key) {
        if (!postgres) {
            return () -> { };
        }
        Connection connection;
        try {
            connection = pool.getConnection();
        } catch (SQLException e) {
            throw new StoreException("the run store (" + description + ") failed: " + e.getMessage(), e);
        }
        long lockId = advisoryKey(runbookId + "\n" + key);
        try (PreparedStatement lock = connection.prepareStatement("SELECT pg_advisory_lock(?)")) {
            lock.setLong(1, lockId);
            lock.execute();
        } catch (SQLException e) {
            closeQuietly(connection);
            throw new StoreException("cannot lock concurrency key '" + key + "' of " + runbookId + " in " + description + ": " + e.getMessage(), e);
        }
        return () -> {
            try (PreparedStatement unlock = connection.prepareStatement("SELECT pg_advisory_unlock(?)")) {
                unlock.setLong(1, lockId);
                unlock.execute();
            } catch (SQLException e) {
                // the lock goes with the connection, which the pool drops when it is broken
            } finally {
                closeQuietly(connection);
            }
        };
    }

    private static long advisoryKey(String text) {
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return java.nio.ByteBuffer.wrap(digest).getLong();
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void closeQuietly(Connection connection) {
        try {
            connection.close();
        } catch (SQLException e) {
            // returned to the pool or dropped: nothing more to do
        }
    }

    @Override
    public Optional<StoredRun> run(String runId) {
        return query(connection -> {
            try (PreparedStatement select = connection.prepareStatement("SELECT " + RUN_COLUMNS + " FROM runs WHERE id = ?")) {
                select.setString(1, runId);
                try (ResultSet row = select.executeQuery()) {
                    return row.next() ? Optional.of(storedRun(row)) : Optional.<StoredRun>empty();
                }
            }
        });
    }

    @Override
    public Optional<String> runbookText(String runId) {
        return query(connection -> {
            try (PreparedStatement select = connection.prepareStatement("SELECT runbook_text FROM runs WHERE id = ?")) {
                select.setString(1, runId);
                try (ResultSet row = select.executeQuery()) {
                    return row.next() ? Optional.of(row.getString(1)) : Optional.<String>empty();
                }
            }
        });
    }

    /** Newest first; a limit of zero or less lists them all. */
    @Override
    public List<StoredRun> runs(RunQuery query) {
        StringBuilder sql = new StringBuilder("SELECT " + RUN_COLUMNS + " FROM runs WHERE 1 = 1");
        List<String> values = new ArrayList<>();
        query.runbookId().ifPresent(id -> {
            sql.append(" AND runbook_id = ?");
            values.add(id);
        });
        query.status().ifPresent(status -> {
            sql.append(" AND status = ?");
            values.add(status.name());
        });
        query.trigger().ifPresent(trigger -> {
            sql.append(" AND trigger_kind = ?");
            values.add(trigger);
        });
        List<Instant> times = new ArrayList<>();
        query.since().ifPresent(since -> {
            sql.append(" AND started_at >= ?");
            times.add(since);
        });
        query.until().ifPresent(until -> {
            sql.append(" AND started_at < ?");
            times.add(until);
        });
        sql.append(" ORDER BY started_at DESC, id DESC");
        if (query.limit() > 0) {
            sql.append(" LIMIT ").append(query.limit());
        }
        if (query.offset() > 0) {
            sql.append(" OFFSET ").append(query.offset());
        }
        return selectRuns(sql.toString(), values, times);
    }

    private List<StoredRun> selectRuns(String sql, List<String> values) {
        return selectRuns(sql, values, List.of());
    }

    /** {@code values} bind first, then {@code times}, in the order their placeholders appear. */
    private List<StoredRun> selectRuns(String sql, List<String> values, List<Instant> times) {
        return query(connection -> {
            try (PreparedStatement select = connection.prepareStatement(sql)) {
                for (int i = 0; i < values.size(); i++) {
                    select.setString(i + 1, values.get(i));
                }
                for (int i = 0; i < times.size(); i++) {
                    setInstant(select, values.size() + i + 1, times.get(i));
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

    @Override
    public List<StoredRun> answeredRuns(int limit) {
        String columns = String.join(", ", Arrays.stream(RUN_COLUMNS.split(", ")).map(c -> "r." + c).toList());
        String sql = "SELECT " + columns + " FROM runs r JOIN run_events e ON e.run_id = r.id AND e.seq = r.last_seq "
                + "WHERE (r.status = 'WAITING' AND e.type = ? OR r.status = 'NEEDS_ATTENTION' AND e.type = ?) ORDER BY r.started_at, r.id"
                + (limit > 0 ? " LIMIT " + limit : "");
        String answered = RunEventJson.type(new RunEvent.StepAnswered(Instant.EPOCH, "", null));
        String resolved = RunEventJson.type(new RunEvent.StepResolved(Instant.EPOCH, "", null, "", ""));
        return selectRuns(sql, List.of(answered, resolved));
    }

    @Override
    public List<RunEvent> events(String runId) {
        return query(connection -> events(connection, runId));
    }

    private static List<RunEvent> events(Connection connection, String runId) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT body FROM run_events WHERE run_id = ? ORDER BY seq")) {
            select.setString(1, runId);
            List<RunEvent> events = new ArrayList<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    events.add(RunEventJson.read(rows.getString(1)));
                }
            }
            return events;
        }
    }

    @Override
    public long runsStartedSince(String runbookId, Instant since) {
        return query(connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT COUNT(*) FROM runs WHERE runbook_id = ? AND started_at >= ?")) {
                select.setString(1, runbookId);
                setInstant(select, 2, since);
                return count(select);
            }
        });
    }

    @Override
    public long activeRuns(String runbookId, String concurrencyKey) {
        String key = concurrencyKey == null ? "concurrency_key IS NULL" : "concurrency_key = ?";
        return query(connection -> {
            try (PreparedStatement select = connection.prepareStatement("SELECT COUNT(*) FROM runs WHERE runbook_id = ? AND "
                    + key + " AND status IN ('RUNNING', 'WAITING', 'NEEDS_ATTENTION')")) {
                select.setString(1, runbookId);
                if (concurrencyKey != null) {
                    select.setString(2, concurrencyKey);
                }
                return count(select);
            }
        });
    }

    @Override
    public long countRuns(RunStatus status) {
        return query(connection -> {
            try (PreparedStatement select = connection.prepareStatement("SELECT COUNT(*) FROM runs WHERE status = ?")) {
                select.setString(1, status.name());
                return count(select);
            }
        });
    }

    private static long count(PreparedStatement select) throws SQLException {
        try (ResultSet row = select.executeQuery()) {
            row.next();
            return row.getLong(1);
        }
    }

    private static StoredRun storedRun(ResultSet row) throws SQLException {
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
                instant(row, "started_at"),
                Optional.ofNullable(instant(row, "ended_at")),
                row.getString("message"),
                row.getString("waiting_for"));
    }

    // ---- cancellation requests and tokens ----------------------------------------------------

    @Override
    public boolean requestCancel(CancelRequest request) {
        return query(connection -> {
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO cancel_requests (run_id, requested_at, requested_by, reason) VALUES (?, ?, ?, ?)")) {
                insert.setString(1, request.runId());
                setInstant(insert, 2, request.requestedAt());
                insert.setString(3, request.requestedBy());
                insert.setString(4, request.reason());
                insert.executeUpdate();
                return true;
            } catch (SQLException e) {
                if (SQL_UNIQUE_VIOLATION.equals(e.getSQLState())) {
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
        return query(connection -> {
            try (PreparedStatement select = connection.prepareStatement("SELECT c.run_id, c.requested_at, c.requested_by, c.reason "
                    + "FROM cancel_requests c JOIN runs r ON r.id = c.run_id WHERE r.status = '" + status.name() + "' ORDER BY c.requested_at");
                 ResultSet rows = select.executeQuery()) {
                List<CancelRequest> requests = new ArrayList<>();
                while (rows.next()) {
                    requests.add(new CancelRequest(rows.getString(1), instant(rows, "requested_at"), rows.getString(3), rows.getString(4)));
                }
                return requests;
            }
        });
    }

    @Override
    public dev.opsbook.audit.AuditSeals auditSeals() {
        return seals;
    }

    @Override
    public dev.opsbook.audit.AuditChains auditChains() {
        return chains;
    }

    @Override
    public dev.opsbook.access.TokenStore tokens() {
        return tokens;
    }

    // ---- events received from outside --------------------------------------------------

    @Override
    public boolean claim(ReceivedEvent event) {
        return claim(event, null, null);
    }

    @Override
    public boolean claim(ReceivedEvent event, String claimant, Instant expiresAt) {
        return query(connection -> {
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO received_events (" + RECEIVED_COLUMNS + ", claimed_by, claim_expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                insert.setString(10, claimant);
                setInstant(insert, 11, expiresAt);
                insert.setString(1, event.eventId());
                setInstant(insert, 2, event.receivedAt());
                insert.setString(3, event.channel());
                insert.setString(4, event.source());
                insert.setString(5, event.detailType());
                insert.setString(6, event.outcome().name());
                insert.setString(7, event.reason());
                insert.setString(8, String.join(",", event.runIds()));
                insert.setString(9, event.body());
                insert.executeUpdate();
                return true;
            } catch (SQLException e) {
                // //why: the primary key decides, in the database, so two processes cannot both claim one event
                if (SQL_UNIQUE_VIOLATION.equals(e.getSQLState())) {
                    return false;
                }
                throw e;
            }
        });
    }

    @Override
    public boolean reclaim(String eventId, String claimant, Instant now, Instant expiresAt) {
        return query(connection -> {
            try (PreparedStatement update = connection.prepareStatement("UPDATE received_events SET claimed_by = ?, claim_expires_at = ? "
                    + "WHERE event_id = ? AND outcome = 'RECEIVED' AND (claim_expires_at IS NULL OR claim_expires_at < ? OR claimed_by = ?)")) {
                update.setString(1, claimant);
                setInstant(update, 2, expiresAt);
                update.setString(3, eventId);
                setInstant(update, 4, now);
                update.setString(5, claimant);
                return update.executeUpdate() == 1;
            }
        });
    }

    @Override
    public boolean escalateOnce(String key, Instant now, Instant notBefore) {
        return query(connection -> {
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE escalations SET last_at = ? WHERE escalation_key = ? AND last_at < ?")) {
                setInstant(update, 1, now);
                update.setString(2, key);
                setInstant(update, 3, notBefore);
                if (update.executeUpdate() == 1) {
                    return true;
                }
            }
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO escalations (escalation_key, last_at) VALUES (?, ?)")) {
                insert.setString(1, key);
                setInstant(insert, 2, now);
                insert.executeUpdate();
                return true;
            } catch (SQLException e) {
                if (SQL_UNIQUE_VIOLATION.equals(e.getSQLState())) {
                    return false; // sent since notBefore, by this instance or another
                }
                throw e;
            }
        });
    }

    @Override
    public List<StoredRun> runsOfEvent(String eventId) {
        return selectRuns("SELECT " + RUN_COLUMNS + " FROM runs WHERE event_id = ? ORDER BY started_at, id", List.of(eventId));
    }

    @Override
    public void settle(String eventId, EventOutcome outcome, String reason, List<String> runIds) {
        int updated = query(connection -> {
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE received_events SET outcome = ?, reason = ?, run_ids = ? WHERE event_id = ?")) {
                update.setString(1, outcome.name());
                update.setString(2, reason);
                update.setString(3, String.join(",", runIds));
                update.setString(4, eventId);
                return update.executeUpdate();
            }
        });
        if (updated == 0) {
            throw new IllegalArgumentException("no event " + eventId + " was claimed");
        }
    }

    @Override
    public Optional<ReceivedEvent> receivedEvent(String eventId) {
        return query(connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT " + RECEIVED_COLUMNS + " FROM received_events WHERE event_id = ?")) {
                select.setString(1, eventId);
                try (ResultSet row = select.executeQuery()) {
                    return row.next() ? Optional.of(receivedEvent(row)) : Optional.<ReceivedEvent>empty();
                }
            }
        });
    }

    /** Newest first; a limit of zero or less lists them all. */
    @Override
    public List<ReceivedEvent> receivedEvents(int limit) {
        String sql = "SELECT " + RECEIVED_COLUMNS + " FROM received_events ORDER BY received_at DESC, event_id DESC"
                + (limit > 0 ? " LIMIT " + limit : "");
        return query(connection -> {
            try (PreparedStatement select = connection.prepareStatement(sql)) {
                List<ReceivedEvent> events = new ArrayList<>();
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        events.add(receivedEvent(rows));
                    }
                }
                return events;
            }
        });
    }

    private static ReceivedEvent receivedEvent(ResultSet row) throws SQLException {
        String runIds = row.getString("run_ids");
        return new ReceivedEvent(
                row.getString("event_id"),
                instant(row, "received_at"),
                row.getString("channel"),
                row.getString("source"),
                row.getString("detail_type"),
                EventOutcome.valueOf(row.getString("outcome")),
                row.getString("reason"),
                runIds.isEmpty() ? List.of() : Arrays.asList(runIds.split(",")),
                row.getString("body"));
    }

    // ---- plumbing ---------------------------------------------------------------------------

    @Override
    public void close() {
        pool.close();
    }

    interface Work<T> {
        T on(Connection connection) throws SQLException;
    }

    /** A connection lent for one piece of work: what the token store shares with this one. */
    interface Db {
        <T> T query(Work<T> work);
    }

    private <T> T query(Work<T> work) {
        try (Connection connection = pool.getConnection()) {
            return work.on(connection);
        } catch (SQLException e) {
            throw new StoreException("the run store (" + description + ") failed: " + e.getMessage(), e);
        }
    }

    private <T> T inTransaction(Work<T> work) {
        return query(connection -> {
            connection.setAutoCommit(false);
            try {
                T result = work.on(connection);
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                rollback(connection, e);
                throw e;
            } finally {
                autoCommit(connection);
            }
        });
    }

    // //why: a connection that cannot even take this back is broken; the pool checks it before lending it again
    private static void autoCommit(Connection connection) {
        try {
            connection.setAutoCommit(true);
        } catch (SQLException e) {
            // the pool validates it on the next borrow
        }
    }

    private static void rollback(Connection connection, Exception cause) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }

    // //why: both databases keep microseconds; cutting here, not rounding there, makes what is read back predictable
    static void setInstant(PreparedStatement statement, int index, Instant instant) throws SQLException {
        if (instant == null) {
            statement.setNull(index, Types.TIMESTAMP_WITH_TIMEZONE);
        } else {
            statement.setObject(index, OffsetDateTime.ofInstant(instant.truncatedTo(ChronoUnit.MICROS), ZoneOffset.UTC));
        }
    }

    static Instant instant(ResultSet row, String column) throws SQLException {
        OffsetDateTime value = row.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    private static String orEmpty(String text) {
        return text == null ? "" : text;
    }
}
