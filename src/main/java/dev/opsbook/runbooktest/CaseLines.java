package dev.opsbook.runbooktest;

import java.util.ArrayList;
import java.util.List;

/** What {@code opsbook test} prints of a case: one line, and for a failure what was expected, what happened, the input. */
public final class CaseLines {

    private CaseLines() {
    }

    public static String line(CaseResult result) {
        return (result.passed() ? "✅ " : "❌ ") + result.runbook() + ": " + result.testCase().name() + " (" + result.duration().toMillis() + " ms)";
    }

    public static List<String> failures(CaseResult result) {
        List<String> lines = new ArrayList<>();
        for (CaseResult.Failure failure : result.failures()) {
            lines.add("expected " + failure.expected());
            lines.add("     got " + failure.actual());
            failure.input().ifPresent(input -> lines.add("   input " + input));
        }
        return lines;
    }
}
