-- The dashboards' figures of each whole UTC day, runbook and kind of run (real or drill), kept so a request over 100,000
-- runs adds up a few hundred rows instead of every run's facts (JdbcRunStats, StatsDays). A row is a cache, written
-- when a request first needs it: `signature` says which state of that day's runs it was computed from (their count by
-- status and the sum of their facts_changes), and a request that finds another signature computes the day anew.
-- facts_changes grows by one each time something the dashboards count changes on a run or its steps (JdbcStepFacts), so
-- a changed run changes its day's signature; it joins the covering index the signature is read from.
ALTER TABLE runs ADD COLUMN facts_changes BIGINT DEFAULT 0 NOT NULL;
DROP INDEX runs_stats;
CREATE INDEX runs_stats ON runs (drill, started_at, runbook_id, started_day, status, first_step_ms, resolution_ms, facts_changes);

CREATE TABLE stats_days (
    started_day DATE   NOT NULL,
    runbook_id VARCHAR NOT NULL,
    drill      BOOLEAN NOT NULL,
    signature  VARCHAR NOT NULL,
    figures    VARCHAR NOT NULL,
    PRIMARY KEY (started_day, runbook_id, drill)
);
