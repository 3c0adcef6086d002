-- Leases: a running run started or taken up by `opsbook serve` is held by one engine instance until
-- lease_expires_at, which that instance's heartbeat keeps pushing forward. When it stops, the lease
-- expires and another instance takes the run over (a conditional update of these columns). Runs
-- started at a terminal have no lease: nobody takes them over. A released lease keeps its owner
-- with an expiry in the past, so whoever takes the run over can say from whom.

ALTER TABLE runs ADD COLUMN lease_owner VARCHAR;
ALTER TABLE runs ADD COLUMN lease_expires_at TIMESTAMP WITH TIME ZONE;

-- takeOverExpired: running runs by lease expiry; renewLeases: an instance's runs.
CREATE INDEX runs_by_lease_expiry ON runs (status, lease_expires_at);
CREATE INDEX runs_by_lease_owner ON runs (lease_owner, status);

-- The engine instances serving this store and when each was last seen: the embedded H2 store
-- refuses a second live instance; with PostgreSQL they are there for people to see.
CREATE TABLE engine_instances (
    name       VARCHAR NOT NULL PRIMARY KEY,
    started_at TIMESTAMP WITH TIME ZONE NOT NULL,
    seen_at    TIMESTAMP WITH TIME ZONE NOT NULL
);
