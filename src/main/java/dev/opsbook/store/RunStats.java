package dev.opsbook.store;

import dev.opsbook.stats.Stats;
import dev.opsbook.stats.StatsQuery;

/** The figures the dashboards show, added up by the database from facts kept as runs are stored. */
public interface RunStats {

    Stats stats(StatsQuery query);
}
