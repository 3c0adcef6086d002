package dev.opsbook.graph;

import dev.opsbook.runbook.Diagnostic;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runbooks read together (the files {@code validate} is given, the folders {@code serve} watches) are
 * told apart by their ids, so one id may name one runbook only. Pure: the caller says which comes first.
 */
public final class RunbookIds {

    /** {@code refused} has the id of {@code kept}, which came first. */
    public record Duplicate(LoadedRunbook refused, LoadedRunbook kept) {

        public String id() {
            return refused.runbook().id();
        }

        /** An error in the refused file, naming the other one. */
        public Diagnostic diagnostic() {
            return Diagnostic.error(refused.runbook().file(), refused.runbook().positionOf("/id"),
                    "runbook id '" + id() + "' is also the id of " + kept.runbook().file()
                            + "; runbooks read together need distinct ids: give one of them another id: in its front matter"
                            + " (the id defaults to the file name)");
        }
    }

    /** @param kept the first runbook of each id, in the order given */
    public record Checked(List<LoadedRunbook> kept, List<Duplicate> duplicates) {
    }

    private RunbookIds() {
    }

    /** Keeps the first runbook of each id, in the order given, and names each later one that has the same id. */
    public static Checked check(List<LoadedRunbook> inOrder) {
        Map<String, LoadedRunbook> byId = new LinkedHashMap<>();
        List<Duplicate> duplicates = new ArrayList<>();
        for (LoadedRunbook loaded : inOrder) {
            LoadedRunbook first = byId.putIfAbsent(loaded.runbook().id(), loaded);
            if (first != null) {
                duplicates.add(new Duplicate(loaded, first));
            }
        }
        return new Checked(List.copyOf(byId.values()), duplicates);
    }
}
