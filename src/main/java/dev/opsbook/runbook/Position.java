package dev.opsbook.runbook;

/** A place in a source file, 1-based, as editors and compilers print it. */
public record Position(int line, int column) {
    public static final Position START = new Position(1, 1);

    public Position {
        if (line < 1 || column < 1) {
            throw new IllegalArgumentException("positions are 1-based: " + line + ":" + column);
        }
    }

    public Position plusColumns(int columns) {
        return new Position(line, column + columns);
    }

    @Override
    public String toString() {
        return line + ":" + column;
    }
}
