package dev.opsbook.runbooktest;

import dev.opsbook.engine.RunResult;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * How one case went.
 *
 * @param run the run, empty when it could not start (the event matched no trigger, a parameter was refused)
 * @param record the run's Markdown record, or empty
 * @param failures each expectation that failed, with what happened instead; empty when the case passed
 */
public record CaseResult(String runbook, TestCase testCase, Duration duration, Optional<RunResult> run, String record,
                         List<Failure> failures) {

    /**
     * @param expected what the case expected, in its own words
     * @param actual what happened instead
     * @param input the rendered input of the step concerned, or empty
     */
    public record Failure(String expected, String actual, Optional<String> input) {
    }

    public boolean passed() {
        return failures.isEmpty();
    }
}
