-- Events received from outside, keyed by their id: the primary key is what makes one event start at most one run.

CREATE TABLE received_events (
    event_id    VARCHAR NOT NULL PRIMARY KEY,
    received_at TIMESTAMP WITH TIME ZONE NOT NULL,
    channel     VARCHAR NOT NULL,
    source      VARCHAR,
    detail_type VARCHAR,
    outcome     VARCHAR(16) NOT NULL,
    reason      VARCHAR,
    run_ids     VARCHAR NOT NULL,
    body        TEXT
);

CREATE INDEX received_events_by_received_at ON received_events (received_at);
