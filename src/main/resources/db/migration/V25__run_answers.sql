-- The answers and resolutions nobody has taken up yet (issue 19): a row per step-answered or step-resolved event, written
-- in that event's transaction. serve's resumer reads the runs whose last event is one of these rows instead of reading
-- the last event of every waiting run each tick, which cost as much as the runs waiting (100,000 parked: seconds a tick).
-- Rows are only inserted and deleted, never updated: a row whose run moved past it is stale for good and is pruned.
CREATE TABLE run_answers (
    run_id VARCHAR NOT NULL,
    seq    BIGINT NOT NULL,
    type   VARCHAR(32) NOT NULL,
    PRIMARY KEY (run_id, seq)
);

-- a store upgraded with answered runs waiting: they are still taken up
INSERT INTO run_answers (run_id, seq, type)
SELECT r.id, r.last_seq, e.type FROM runs r JOIN run_events e ON e.run_id = r.id AND e.seq = r.last_seq
WHERE r.status IN ('WAITING', 'NEEDS_ATTENTION') AND e.type IN ('step-answered', 'step-resolved');
