package dev.opsbook.record;

import com.fasterxml.jackson.databind.JsonNode;
import dev.opsbook.engine.ChildRuns;
import java.util.Optional;

/**
 * The links between the records of a parent run and its child runs, relative from one record file to the other as a
 * record folder lays them out ({@link RecordWriter#fileFor}: {@code RUNBOOK/RUN.md}), so they work in the folder, in a
 * copy of it, and in the HTML made from it.
 */
final class ChildLinks {

    private ChildLinks() {
    }

    /** The child run a runbook step's execution ran (its result names it), as a link to its record; empty for other steps. */
    static Optional<String> toChild(JsonNode result) {
        if (result == null || !result.hasNonNull("run") || !result.hasNonNull("runbook") || !result.has("status")) {
            return Optional.empty();
        }
        return Optional.of("Child run " + link(result.path("runbook").asText(), result.path("run").asText()));
    }

    /** The parent run a child run's {@code startedBy} names, as a link to its record when its runbook is known. */
    static Optional<String> toParent(String startedBy, Optional<String> parentRunbook) {
        String[] parent = ChildRuns.parentOf(startedBy);
        if (parent == null) {
            return Optional.empty();
        }
        String run = parentRunbook.map(runbook -> link(runbook, parent[0])).orElse(Markdown.code(parent[0]));
        return Optional.of("Child run of " + run + ", step " + Markdown.code(parent[1]));
    }

    private static String link(String runbookId, String runId) {
        return "[" + Markdown.code(runId) + "](../" + safe(runbookId) + "/" + safe(runId) + ".md)";
    }

    /** //why: ids are file names already (RecordWriter uses them as such); anything else is not made into a link target */
    private static String safe(String part) {
        return part.replaceAll("[^A-Za-z0-9._-]", "-");
    }
}
