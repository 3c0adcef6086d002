package dev.opsbook.engine;

import java.util.Locale;

/** Why a step runs: in the normal flow, or as another step's failure handler or rollback. */
public enum Role {
    NORMAL, ON_FAILURE, ROLLBACK;

    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
