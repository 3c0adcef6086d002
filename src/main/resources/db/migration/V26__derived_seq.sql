-- Where a run's derived rows (its search words and the dashboards' step facts) have caught up to (issue 19): they are
-- written for every event since when the run stops (waits, needs attention, ends), when 256 events are pending, or once
-- it has been quiet for a second, not in each step's own transaction. A process killed in between leaves this behind
-- last_seq; whoever appends to the run next writes the rest from the stored events. NULL: every event's rows are
-- written (runs stored before this version, whose rows were written with each event).
ALTER TABLE runs ADD COLUMN derived_seq BIGINT;
