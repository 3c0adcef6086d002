package dev.opsbook.engine;

import java.util.Locale;

/** Why a step runs: in the normal flow, or as another step's failure handler or rollback, or as one item of a for-each step. */
public enum Role {
    NORMAL, ON_FAILURE, ROLLBACK,
    /** One item of a for-each step ({@link ForEachItems}): key {@code ID[i]}, for the step {@code ID}. */
    ITEM;

    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
