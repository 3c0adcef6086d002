package dev.opsbook.engine;

import java.util.List;

/** A run that cannot start: the runbook has errors or its parameters are wrong. Nothing ran. */
public final class InvalidRunException extends Exception {
    private final List<String> problems;

    public InvalidRunException(List<String> problems) {
        super(String.join("\n", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
