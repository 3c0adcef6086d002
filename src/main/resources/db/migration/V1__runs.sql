-- Runs: a summary row per run, and the run's events in order (its state is their fold).
-- Portable between H2 2.x and PostgreSQL: VARCHAR without a length (H2: up to 1,000,000 characters,
-- PostgreSQL: unlimited), TEXT for documents (H2 reads it as a CLOB), timestamps with a time zone
-- (both keep microseconds; event bodies keep the exact instants).

CREATE TABLE runs (
    id              VARCHAR NOT NULL PRIMARY KEY,
    runbook_id      VARCHAR NOT NULL,
    runbook_file    VARCHAR NOT NULL,
    content_hash    VARCHAR NOT NULL,
    runbook_text    TEXT NOT NULL,
    status          VARCHAR(16) NOT NULL,
    trigger_kind    VARCHAR NOT NULL,
    started_by      VARCHAR NOT NULL,
    event_id        VARCHAR,
    concurrency_key VARCHAR,
    started_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    ended_at        TIMESTAMP WITH TIME ZONE,
    message         VARCHAR NOT NULL,
    waiting_for     VARCHAR NOT NULL,
    last_seq        BIGINT NOT NULL
);

-- runs() lists newest first, filtered by runbook, status or trigger; runsStartedSince counts per runbook.
CREATE INDEX runs_by_started_at ON runs (started_at);
CREATE INDEX runs_by_runbook ON runs (runbook_id, started_at);
CREATE INDEX runs_by_status ON runs (status, started_at);
-- activeRuns: a runbook's unfinished runs with one concurrency key.
CREATE INDEX runs_by_concurrency ON runs (runbook_id, concurrency_key, status);

CREATE TABLE run_events (
    run_id VARCHAR NOT NULL REFERENCES runs (id),
    seq    BIGINT NOT NULL,
    at     TIMESTAMP WITH TIME ZONE NOT NULL,
    type   VARCHAR(32) NOT NULL,
    body   TEXT NOT NULL,
    PRIMARY KEY (run_id, seq)
);
