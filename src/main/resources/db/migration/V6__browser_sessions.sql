-- Browser sessions in the store, so that every instance behind a load balancer knows them and a
-- restart logs nobody out. Only a SHA-256 of the session id (the cookie, a bearer credential) is
-- kept; the CSRF token is kept as is, since forms must carry it back and it grants nothing alone.
CREATE TABLE browser_sessions (
    id_hash   VARCHAR(64) NOT NULL PRIMARY KEY,
    token_id  VARCHAR NOT NULL REFERENCES api_tokens (id),
    csrf      VARCHAR NOT NULL,
    last_used TIMESTAMP WITH TIME ZONE NOT NULL
);
