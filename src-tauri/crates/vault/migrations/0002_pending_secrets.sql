-- Keyring writes in flight. A row is committed before a new secret generation is written (or
-- after an old one is retired) and removed once the keyring matches the tokens table again.
-- A row left by a process that died names exactly the keyring entry to clean up, so start-up
-- needs no scan of the whole keyring.
CREATE TABLE pending_secrets (
    account    TEXT PRIMARY KEY,
    token_id   TEXT NOT NULL,
    purpose    TEXT NOT NULL CHECK (purpose IN ('new', 'retire')),
    pid        INTEGER NOT NULL,
    started_at INTEGER NOT NULL
);
