-- API tokens: only a SHA-256 of each secret is kept; a revoked token stays listed, with when.
CREATE TABLE api_tokens (
    id          VARCHAR NOT NULL PRIMARY KEY,
    name        VARCHAR NOT NULL,
    roles       VARCHAR NOT NULL,
    secret_hash VARCHAR(64) NOT NULL UNIQUE,
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    revoked_at  TIMESTAMP WITH TIME ZONE
);

-- Requests to cancel a running run, from any instance: the instance running it picks them up on its tick.
CREATE TABLE cancel_requests (
    run_id       VARCHAR NOT NULL PRIMARY KEY REFERENCES runs (id),
    requested_at TIMESTAMP WITH TIME ZONE NOT NULL,
    requested_by VARCHAR NOT NULL,
    reason       VARCHAR NOT NULL
);
