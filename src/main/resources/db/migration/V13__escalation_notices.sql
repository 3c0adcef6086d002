-- Each tier of a run's escalation, told once however many instances notice it (issue 16): a row is claimed by the
-- instance that tells the tier first (its primary key), and carries the delivery's attempts, the channels that took
-- it, the last failure, when it is retried, and when (and how) the escalation stopped. An occasion is what the run
-- waits on (a step waiting for a person, a failure, a step needing attention), so a run that waits twice escalates twice.
CREATE TABLE escalation_notices (
    subject    VARCHAR NOT NULL,
    occasion   VARCHAR NOT NULL,
    tier       INTEGER NOT NULL,
    told_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    told_by    VARCHAR NOT NULL,
    attempts   INTEGER NOT NULL,
    delivered  VARCHAR NOT NULL,
    failure    VARCHAR NOT NULL,
    retry_at   TIMESTAMP WITH TIME ZONE,
    closed_at  TIMESTAMP WITH TIME ZONE,
    closed_how VARCHAR,
    PRIMARY KEY (subject, occasion, tier)
);
CREATE INDEX escalation_notices_open ON escalation_notices (closed_how);

-- Who acknowledged an occasion (opsbook ack, the API, the run page): the first acknowledgement stops its escalation.
CREATE TABLE escalation_acks (
    subject   VARCHAR NOT NULL,
    occasion  VARCHAR NOT NULL,
    acked_by  VARCHAR NOT NULL,
    acked_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (subject, occasion)
);
