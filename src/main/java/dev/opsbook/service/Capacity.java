package dev.opsbook.service;

/** How many runs an instance executes at once ({@code --max-runs}), and the store connections that takes. */
public final class Capacity {

    /**
     * Runs an instance executes at once unless {@code --max-runs} says otherwise. //why: on two cores and PostgreSQL, 8 runs at
     * once started 189 runs/s of quick steps against 142 at 16 and 114 at 32 (bench row 4, 2026-12-03); more only pays for
     * runs that mostly wait on slow calls, which is the operator's call.
     */
    public static final int DEFAULT_MAX_RUNS = 8;

    /**
     * The store connections an instance running {@code maxRuns} runs at once keeps at most: one per two runs (a run holds
     * one only while it commits) and four for the rest (heartbeat, escalator, record exports, the API), at least as many as
     * any store opens.
     */
    public static int storeConnections(int maxRuns) {
        return Math.max(dev.opsbook.store.JdbcRunStore.DEFAULT_CONNECTIONS, maxRuns / 2 + 4);
    }

    private Capacity() {
    }
}
