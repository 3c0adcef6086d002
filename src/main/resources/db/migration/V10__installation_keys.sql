-- Keys this installation signs with (HMAC-SHA256), by purpose: made once, by the first instance
-- that needs one, and shared by every instance of the store. `login-csrf` signs the CSRF token of
-- the login form, so that only a token this installation made, and recently, is taken.
CREATE TABLE installation_keys (
    purpose    VARCHAR NOT NULL PRIMARY KEY,
    key_value  VARCHAR NOT NULL,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL
);
