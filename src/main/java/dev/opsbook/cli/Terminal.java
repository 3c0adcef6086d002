package dev.opsbook.cli;

import java.io.PrintStream;

/** Where the CLI writes for people, and whether colour is welcome there. */
final class Terminal {
    private final PrintStream out;
    private final boolean colour;

    Terminal(PrintStream out, boolean colour) {
        this.out = out;
        this.colour = colour;
    }

    /** Colour only when the stream is a terminal and NO_COLOR is not set. */
    static Terminal stdout() {
        boolean tty = System.console() != null;
        return new Terminal(System.out, tty && System.getenv("NO_COLOR") == null);
    }

    static Terminal stderr() {
        boolean tty = System.console() != null;
        return new Terminal(System.err, tty && System.getenv("NO_COLOR") == null);
    }

    PrintStream out() {
        return out;
    }

    String green(String text) {
        return paint("32", text);
    }

    String red(String text) {
        return paint("31", text);
    }

    String yellow(String text) {
        return paint("33", text);
    }

    String dim(String text) {
        return paint("2", text);
    }

    String bold(String text) {
        return paint("1", text);
    }

    private String paint(String code, String text) {
        return colour ? "\u001b[" + code + "m" + text + "\u001b[0m" : text;
    }

    synchronized void println(String line) {
        out.println(line);
        out.flush();
    }
}
