-- Covering indexes for the dashboards' queries (JdbcRunStats): each reads the rows in the time range from the index
-- alone, never the rows themselves (a run row carries its runbook text). drill leads, so the usual question (real runs:
-- drill IS NULL) and the time range are both index bounds, on H2 as on PostgreSQL (H2 bounds an index by an IN list on
-- its first column only, so kind cannot lead). One step_facts index serves the people and failing queries and replaces
-- V18's two.
CREATE INDEX runs_stats ON runs (drill, started_at, runbook_id, started_day, status, first_step_ms, resolution_ms);
DROP INDEX step_facts_people;
DROP INDEX step_facts_failed;
CREATE INDEX step_facts_stats ON step_facts (drill, run_started_at, kind, failures, runbook_id, step_id, answer, person_ms, run_id,
    last_failed_at);
