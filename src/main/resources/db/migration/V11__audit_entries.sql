-- Audit trails as rows: each entry's canonical line (the line a trail file holds, byte for byte),
-- chained by SHA-256 to the one before. A run's entries are written in the transaction of the event
-- they describe, fenced by its lease like the event; the trail's seal in audit_seals moves with
-- them. trail is the run id, or access-INSTANCE for the access decisions of one serve instance.
CREATE TABLE audit_entries (
    trail VARCHAR NOT NULL,
    seq   BIGINT NOT NULL,
    line  TEXT NOT NULL,
    PRIMARY KEY (trail, seq)
);
