-- Facts the dashboards add up, written with the events that make them (JdbcStepFacts), so a figure over 100,000 runs is
-- one aggregate query rather than every run's events folded. Durations are whole milliseconds (BIGINT), so the sums,
-- medians and differences are the same SQL on H2 and PostgreSQL.
-- On each run: the UTC day it started (runs per day), when the event that started it was received (epoch ms; NULL for a
-- run no event started), event to first step, and start to end once it ended for good. facts_version is NULL on runs
-- stored before V18: a catch-up folds their events once (JdbcStepFacts.catchUp).
ALTER TABLE runs ADD COLUMN started_day DATE;
ALTER TABLE runs ADD COLUMN event_ms BIGINT;
ALTER TABLE runs ADD COLUMN first_step_ms BIGINT;
ALTER TABLE runs ADD COLUMN resolution_ms BIGINT;
ALTER TABLE runs ADD COLUMN facts_version INT;

-- One row for each execution in a run (step id, for-each item, handler): when it was first reached, how it ended, how
-- often it failed; for those a person answers (kind approve, manual, or person while the kind is not yet known) when
-- and how they answered and the person-time between. runbook_id, run_started_at and drill are the run's, copied so the
-- dashboards read this table alone.
CREATE TABLE step_facts (
    run_id         VARCHAR NOT NULL REFERENCES runs (id),
    step_key       VARCHAR NOT NULL,
    step_id        VARCHAR NOT NULL,
    runbook_id     VARCHAR NOT NULL,
    run_started_at TIMESTAMP WITH TIME ZONE NOT NULL,
    drill          VARCHAR,
    kind           VARCHAR(16),
    reached_at     TIMESTAMP WITH TIME ZONE,
    reached_ms     BIGINT,
    done_at        TIMESTAMP WITH TIME ZONE,
    person_ms      BIGINT,
    outcome        VARCHAR(16),
    answered_by    VARCHAR,
    answer         VARCHAR(16),
    failures       INT DEFAULT 0 NOT NULL,
    last_failed_at TIMESTAMP WITH TIME ZONE,
    PRIMARY KEY (run_id, step_key)
);

CREATE INDEX step_facts_people ON step_facts (kind, run_started_at);
CREATE INDEX step_facts_failed ON step_facts (failures, run_started_at);
