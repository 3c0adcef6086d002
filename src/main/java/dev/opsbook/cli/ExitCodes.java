package dev.opsbook.cli;

/** The CLI's contract with scripts. */
final class ExitCodes {
    static final int OK = 0;
    static final int FAILED = 1;
    static final int INVALID = 2;

    private ExitCodes() {
    }
}
