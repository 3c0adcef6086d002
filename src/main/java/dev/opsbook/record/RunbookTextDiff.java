package dev.opsbook.record;

import com.github.difflib.DiffUtils;
import com.github.difflib.UnifiedDiffUtils;
import com.github.difflib.patch.Patch;
import dev.opsbook.engine.RunResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The runbook's own text, from the version run A ran to the one run B ran, as a unified diff (java-diff-utils), each
 * side's text shown through its run's redactor as its record shows it. Pure.
 *
 * @param changed whether the two runs ran different runbook texts (their content hashes differ)
 * @param unified the unified diff's lines ({@code ---}, {@code +++}, {@code @@} hunks); empty when unchanged or missing
 * @param missing why there is no diff although the runbook changed: a run whose text the store does not keep
 */
public record RunbookTextDiff(boolean changed, List<String> unified, Optional<String> missing) {

    /** Lines of context around each change. */
    private static final int CONTEXT = 3;

    public RunbookTextDiff {
        unified = List.copyOf(unified);
    }

    static RunbookTextDiff of(RunResult a, RunResult b) {
        String textA = a.runbook().text();
        String textB = b.runbook().text();
        boolean changed = !a.state().contentHash().equals(b.state().contentHash()) || !textA.equals(textB);
        if (!changed) {
            return new RunbookTextDiff(false, List.of(), Optional.empty());
        }
        List<String> notKept = new ArrayList<>();
        for (RunResult run : List.of(a, b)) {
            if (run.runbook().text().isBlank()) {
                notKept.add(run.state().runId());
            }
        }
        if (!notKept.isEmpty()) {
            return new RunbookTextDiff(true, List.of(), Optional.of("the store keeps no runbook text for run "
                    + String.join(" nor for run ", notKept) + ", so the text cannot be compared; its content hash differs"));
        }
        List<String> linesA = lines(a.redactor().text(textA));
        List<String> linesB = lines(b.redactor().text(textB));
        Patch<String> patch = DiffUtils.diff(linesA, linesB);
        String file = a.runbook().file();
        List<String> unified = UnifiedDiffUtils.generateUnifiedDiff(label(file, a), label(b.runbook().file(), b), linesA, patch, CONTEXT);
        return new RunbookTextDiff(true, unified, Optional.empty());
    }

    private static String label(String file, RunResult run) {
        return file + " (run " + run.state().runId() + ")";
    }

    private static List<String> lines(String text) {
        return List.of(text.replace("\r\n", "\n").split("\n", -1));
    }
}
