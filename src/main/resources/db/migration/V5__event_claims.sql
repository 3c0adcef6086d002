-- An event's claim belongs to the instance handling it until claim_expires_at. An instance that
-- stops between claiming an event and settling it leaves the claim to expire, and the event's next
-- delivery takes it up again instead of being acknowledged as a duplicate (which lost the event).
ALTER TABLE received_events ADD COLUMN claimed_by VARCHAR;
ALTER TABLE received_events ADD COLUMN claim_expires_at TIMESTAMP WITH TIME ZONE;

-- At most one run of a runbook per event, in the database, whichever instances race to start it:
-- whoever takes up an orphaned claim finds the runs already started and does not start them again.
CREATE UNIQUE INDEX runs_one_per_event ON runs (event_id, runbook_id);
