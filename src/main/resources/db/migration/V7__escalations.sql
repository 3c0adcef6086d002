-- When each escalation was last sent, so that several instances (or one restarted) tell people
-- once: "limit:<runbook>" at most once an hour, "wait:<run>/<step>" once ever.
CREATE TABLE escalations (
    escalation_key VARCHAR NOT NULL PRIMARY KEY,
    last_at        TIMESTAMP WITH TIME ZONE NOT NULL
);
