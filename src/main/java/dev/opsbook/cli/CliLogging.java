package dev.opsbook.cli;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Library logs for commands that run without Quarkus: warnings and worse, on stderr, as
 * {@code application.properties} sets them for {@code serve}. What a command tells its user is
 * printed, not logged.
 */
final class CliLogging {

    private CliLogging() {
    }

    static void quiet() {
        Logger root = Logger.getLogger("");
        root.setLevel(Level.WARNING);
        for (var handler : root.getHandlers()) {
            handler.setLevel(Level.WARNING);
        }
        //why: Flyway says on every start that H2 is newer than the versions it was verified with
        Logger.getLogger("org.flywaydb.core.internal.database.base.Database").setLevel(Level.SEVERE);
    }
}
