package dev.opsbook.runbook;

import java.util.Comparator;

/** One problem found in a runbook, printed the way compilers do: {@code file:line:column: error: message}. */
public record Diagnostic(Severity severity, String file, Position position, String message) {

    public static final Comparator<Diagnostic> IN_FILE_ORDER = Comparator
            .comparing(Diagnostic::file)
            .thenComparingInt((Diagnostic d) -> d.position().line())
            .thenComparingInt(d -> d.position().column());

    public static Diagnostic error(String file, Position position, String message) {
        return new Diagnostic(Severity.ERROR, file, position, message);
    }

    public static Diagnostic warning(String file, Position position, String message) {
        return new Diagnostic(Severity.WARNING, file, position, message);
    }

    public boolean isError() {
        return severity == Severity.ERROR;
    }

    @Override
    public String toString() {
        return file + ":" + position + ": " + severity.label() + ": " + message;
    }
}
