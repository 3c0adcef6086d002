package dev.opsbook.cli;

/** The CLI's contract with scripts. */
final class ExitCodes {
    static final int OK = 0;
    static final int FAILED = 1;
    static final int INVALID = 2;
    /** {@code audit verify}: every chain intact, but a trail has no seal in the store that could show a cut tail. */
    static final int UNSEALED = 3;

    private ExitCodes() {
    }
}
