package dev.opsbook.store;

import io.agroal.api.AgroalDataSource;
import io.agroal.api.configuration.AgroalConnectionPoolConfiguration;
import io.agroal.api.configuration.supplier.AgroalDataSourceConfigurationSupplier;
import io.agroal.api.security.NamePrincipal;
import io.agroal.api.security.SimplePassword;
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
import org.flywaydb.core.Flyway;

/**
 * What every part of the store shares: the connection pool, the schema, a connection per piece of
 * work (plain or in one transaction) and the time columns. Thread-safe.
 *
 * <p>Connections come from a small Agroal pool (the pool Quarkus itself uses, here without any
 * Quarkus datasource, so commands that never touch the store start nothing): at most 8, or as
 * many as {@code serve} sizes it to for its {@code --max-runs}. Every call borrows
 * its own connection, so calls from several threads never share one; a pool rather than a
 * connection per call because PostgreSQL connections are slow to open, and because a pool that
 * holds one connection keeps an embedded H2 database open between calls instead of reopening its
 * file each time. Connections are checked before they are handed out (PostgreSQL's once idle for
 * {@link #CHECK_AFTER_IDLE}) and dropped after a connection error: a second process on the same H2
 * file talks to the first over TCP, and that link goes when the first process exits.
 */
final class Jdbc implements AutoCloseable {

    static final String SQL_UNIQUE_VIOLATION = "23505";
    private static final int STATEMENTS_KEPT = 64;

    private final AgroalDataSource pool;
    private final String description;
    private final boolean postgres;

    private Jdbc(AgroalDataSource pool, String description, boolean postgres) {
        this.pool = pool;
        this.description = description;
        this.postgres = postgres;
    }

    /**
     * Opens a pool on {@code jdbcUrl} and migrates its schema up to {@code schemaVersion} when it is behind.
     *
     * @param description what people are told the store is ("H2 file ...")
     */
    static Jdbc open(String jdbcUrl, String user, String password, String description, int schemaVersion) {
        return open(jdbcUrl, user, password, description, schemaVersion, JdbcRunStore.DEFAULT_CONNECTIONS);
    }

    /** As above, with a pool that keeps at most {@code connections} open at once. */
    static Jdbc open(String jdbcUrl, String user, String password, String description, int schemaVersion, int connections) {
        AgroalDataSource pool = pool(jdbcUrl, user, password, description, connections);
        try {
            int found = schemaVersion(pool);
            if (found > schemaVersion) {
                // //why: this opsbook does not know what the newer schema's writers keep true, so it would break it unseen
                throw new StoreException("the run store at " + description + " has schema version " + found + ", newer than this opsbook's "
                        + schemaVersion + ": a newer opsbook upgraded it; use that opsbook, or a newer one, with this store", null);
            }
            // //why: Flyway costs a CLI command a good part of a second; it runs only when the schema is behind
            if (found < schemaVersion) {
                Flyway.configure().dataSource(pool).locations("classpath:db/migration").javaMigrations(new SearchIndexMigration(), new ActiveRunIndexesMigration()).load().migrate();
            }
        } catch (StoreException e) {
            pool.close();
            throw e;
        } catch (RuntimeException e) {
            pool.close();
            throw new StoreException("cannot prepare the run store at " + description + ": " + reason(e), e);
        }
        return new Jdbc(pool, description, jdbcUrl.startsWith("jdbc:postgresql:"));
    }

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
     * The driver class of the URL's database, from this class's loader, used directly.
     *
     * //why: DriverManager hands a driver only to callers that see the class it registered, so a store opened
     * where a Quarkus application (serve, its tests) registered the drivers first found "no suitable driver"
     */
    private static java.util.Optional<Class<?>> driverOf(String jdbcUrl) {
        String name = jdbcUrl.startsWith("jdbc:h2:") ? "org.h2.Driver" : jdbcUrl.startsWith("jdbc:postgresql:") ? "org.postgresql.Driver" : null;
        if (name == null) {
            return java.util.Optional.empty();
        }
        try {
            return java.util.Optional.of(Class.forName(name, true, Jdbc.class.getClassLoader()));
        } catch (ClassNotFoundException e) {
            return java.util.Optional.empty();
        }
    }

    /**
     * How long a PostgreSQL connection may sit idle in the pool and still be lent without a check. //why: the check is a
     * round trip; on every borrow it was a fifth of a run's round trips. A connection used within the last half second
     * is known to work (HikariCP's window is the same); one the server dropped while in use fails once and is thrown
     * away ({@link #connectionLost}). H2's connections are checked at every borrow: in-process, the check costs nothing.
     */
    static final Duration CHECK_AFTER_IDLE = Duration.ofMillis(500);

    private static AgroalDataSource pool(String jdbcUrl, String user, String password, String description, int connections) {
        boolean postgres = jdbcUrl.startsWith("jdbc:postgresql:");
        AgroalDataSourceConfigurationSupplier configuration = new AgroalDataSourceConfigurationSupplier()
                .connectionPoolConfiguration(pool -> pool
                        .initialSize(1)
                        .minSize(1)
                        .maxSize(connections)
                        .acquisitionTimeout(Duration.ofSeconds(30))
                        .validateOnBorrow(!postgres)
                        .idleValidationTimeout(postgres ? CHECK_AFTER_IDLE : Duration.ZERO)
                        .connectionValidator(AgroalConnectionPoolConfiguration.ConnectionValidator.defaultValidatorWithTimeout(5))
                        .exceptionSorter(Jdbc::connectionLost)
                        .connectionFactoryConfiguration(factory -> {
                            factory.jdbcUrl(statementCache(jdbcUrl)).autoCommit(true);
                            driverOf(jdbcUrl).ifPresent(factory::connectionProviderClass);
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
            throw new StoreException("cannot open the run store at " + description + ": " + e.getMessage(), e);
        }
    }

    /**
     * An H2 URL with a session cache of parsed statements large enough for a step's transaction, unless it names one.
     * //why: H2 parses a statement again at every prepare unless its session keeps it, 8 by default; a step's append
     * prepares about a dozen in turn, so each pushed the next out and every prepare parsed (a sixth of the store's CPU).
     * A database setting, taken by whoever opens the file; another process on it gets the first one's.
     * PostgreSQL's driver keeps its own cache of prepared statements per connection.
     */
    static String statementCache(String jdbcUrl) {
        if (!jdbcUrl.startsWith("jdbc:h2:") || jdbcUrl.toUpperCase(java.util.Locale.ROOT).contains(";QUERY_CACHE_SIZE=")) {
            return jdbcUrl;
        }
        return jdbcUrl + ";QUERY_CACHE_SIZE=" + STATEMENTS_KEPT;
    }

    /** SQL state class 08 is a connection error; H2 says so with its own codes. */
    private static boolean connectionLost(SQLException e) {
        String state = e.getSQLState();
        return state != null && (state.startsWith("08") || state.equals("57P01")
                || state.equals("90067") || state.equals("90098") || state.equals("90121"));
    }

    String description() {
        return description;
    }

    /** PostgreSQL, which several instances may share; else the embedded H2, which serves one. */
    boolean postgres() {
        return postgres;
    }

    /** One piece of work on a connection of its own. */
    interface Work<T> {
        T on(Connection connection) throws SQLException;
    }

    /** Runs {@code work} on a borrowed connection (each statement commits by itself); a database failure becomes {@link StoreException}. */
    <T> T query(Work<T> work) {
        try (Connection connection = pool.getConnection()) {
            return work.on(connection);
        } catch (SQLException e) {
            throw failed(e);
        }
    }

    /** Runs {@code work} in one transaction: committed when it returns, rolled back when it throws. */
    <T> T inTransaction(Work<T> work) {
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

    /** A connection the caller keeps (and closes) beyond one piece of work: a session lock lives as long as it. */
    Connection borrow() {
        try {
            return pool.getConnection();
        } catch (SQLException e) {
            throw failed(e);
        }
    }

    StoreException failed(SQLException e) {
        return new StoreException("the run store (" + description + ") failed: " + e.getMessage(), e);
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

    static boolean uniqueViolation(SQLException e) {
        return SQL_UNIQUE_VIOLATION.equals(e.getSQLState());
    }

    // //why: both databases keep microseconds; cutting here, not rounding there, makes what is read back predictable
    /** Binds {@code texts} as one array parameter, for {@code column = ANY(?)}: as many keys as wanted in one statement. */
    static void setTexts(PreparedStatement statement, int index, java.util.Collection<String> texts) throws SQLException {
        statement.setArray(index, statement.getConnection().createArrayOf("VARCHAR", new java.util.LinkedHashSet<>(texts).toArray(String[]::new)));
    }

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

    /** The single number a {@code SELECT COUNT(*)} answers. */
    static long count(PreparedStatement select) throws SQLException {
        try (ResultSet row = select.executeQuery()) {
            row.next();
            return row.getLong(1);
        }
    }

    static String orEmpty(String text) {
        return text == null ? "" : text;
    }

    @Override
    public void close() {
        pool.close();
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
}
