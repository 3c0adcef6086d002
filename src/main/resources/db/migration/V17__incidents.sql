-- Incidents: the incident id a run was launched under (--incident, the API's and the form's field; a child run inherits
-- its parent's), and the CloudWatch alarm whose state change started it (its ARN, or its name), both from the run's start
-- event, so runs that belong together are found by an index instead of by reading every run's events. NULL: none.
ALTER TABLE runs ADD COLUMN incident VARCHAR;
ALTER TABLE runs ADD COLUMN alarm VARCHAR;
CREATE INDEX runs_by_incident ON runs (incident, started_at);
CREATE INDEX runs_by_alarm ON runs (alarm, started_at);
