-- OAuth: provider profiles and the grant each OAuth token belongs to.
-- A profile is a row of `providers` (0001): id = the profile's name, config = the Profile as
-- JSON. Its client secret, when it has one, is in the keyring under `client_key`, never here.
ALTER TABLE providers ADD COLUMN client_key TEXT;

CREATE TABLE grants (
    token_id    TEXT PRIMARY KEY REFERENCES tokens(id) ON DELETE CASCADE, -- the access token
    profile     TEXT NOT NULL,
    flow        TEXT NOT NULL,                 -- code | device | client-credentials
    refresh_id  TEXT REFERENCES tokens(id) ON DELETE SET NULL,
    state       TEXT NOT NULL DEFAULT 'ok',    -- ok | sign_in_again | retrying | revocation_pending
    detail      TEXT,                          -- the last failure, in words (never a secret)
    retry_at    INTEGER,
    attempts    INTEGER NOT NULL DEFAULT 0,
    id_claims   TEXT,                          -- the ID token's claims as JSON, never the token
    id_verified INTEGER NOT NULL DEFAULT 0,
    access_signature TEXT,                     -- a JWT access token checked against the issuer's keys
    refreshed_at_ms INTEGER                    -- when its last refresh was stored (unix ms)
);
CREATE INDEX grants_by_refresh ON grants (refresh_id);
