-- Covering indexes for the dashboards' queries (JdbcRunStats): each reads the rows in the time range from the index
-- alone, in started order, never the run rows themselves (a run row carries its runbook text). They replace V18's
-- two step_facts indexes, whose columns they start with.
CREATE INDEX runs_stats ON runs (started_at, runbook_id, drill, started_day, status, first_step_ms, resolution_ms);
DROP INDEX step_facts_people;
CREATE INDEX step_facts_people ON step_facts (kind, run_started_at, runbook_id, step_id, drill, answer, person_ms);
DROP INDEX step_facts_failed;
CREATE INDEX step_facts_failed ON step_facts (failures, run_started_at, runbook_id, step_id, drill, run_id, last_failed_at);
