package dev.opsbook.rehearsal;

import dev.opsbook.runbook.Diagnostic;
import dev.opsbook.runbook.Position;
import dev.opsbook.runbook.YamlTree;

/**
 * Something wrong in a rehearsal file, at a JSON pointer into the YAML it was read from ({@code /cases/0/aws/1/call});
 * {@link #locate} places it at its line and column.
 */
public record Problem(String pointer, String message) {

    /** At the value the pointer names, else the nearest enclosing value that has a position, else the file's start. */
    public Diagnostic locate(String file, YamlTree tree) {
        String at = pointer;
        while (true) {
            Position position = tree.positions().get(at);
            if (position != null) {
                return Diagnostic.error(file, position, message);
            }
            if (at.isEmpty()) {
                return Diagnostic.error(file, Position.START, message);
            }
            at = at.contains("#") ? at.substring(0, at.indexOf('#')) : at.substring(0, Math.max(0, at.lastIndexOf('/')));
        }
    }
}
