-- When serve's escalator looks at a run again (issue 19): each tick reads the runs whose look is due (an indexed range
-- of due_at) and the runs that moved since it last looked (seen_seq below the run's last_seq, or no row yet), instead of
-- reading the events of every waiting run every tick. due_at is the next tier's time, a delivery's retry, a claim's hold
-- or an acknowledgement (at once); NULL when nothing is due until the run moves again.
CREATE TABLE escalation_looks (
    run_id   VARCHAR NOT NULL PRIMARY KEY,
    seen_seq BIGINT NOT NULL,
    due_at   TIMESTAMP WITH TIME ZONE
);
CREATE INDEX escalation_looks_due ON escalation_looks (due_at);
