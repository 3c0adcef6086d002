package dev.opsbook.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Locale;
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.migration.JavaMigration;

/**
 * A migration written in Java (one whose SQL differs between PostgreSQL and H2, or that reads what only the code can),
 * run in Flyway's transaction beside the SQL files, its checksum its version: it never changes once shipped.
 */
abstract class StoreJavaMigration implements JavaMigration {

    private final int version;
    private final String description;

    StoreJavaMigration(int version, String description) {
        this.version = version;
        this.description = description;
    }

    static boolean postgres(Connection connection) throws SQLException {
        return connection.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT).contains("postgres");
    }

    @Override
    public final MigrationVersion getVersion() {
        return MigrationVersion.fromVersion(String.valueOf(version));
    }

    @Override
    public final String getDescription() {
        return description;
    }

    @Override
    public final Integer getChecksum() {
        return version;
    }

    @Override
    public final boolean canExecuteInTransaction() {
        return true;
    }
}
