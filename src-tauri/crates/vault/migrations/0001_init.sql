-- Tokenkeeper's first schema. Migrations are append-only: never edit a released file.
CREATE TABLE providers (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    config     TEXT NOT NULL DEFAULT '{}',
    created_at INTEGER NOT NULL
);

CREATE TABLE tokens (
    id                TEXT PRIMARY KEY,
    provider          TEXT NOT NULL,
    name              TEXT NOT NULL,
    kind              TEXT NOT NULL,
    format            TEXT NOT NULL,
    scopes            TEXT NOT NULL DEFAULT '[]',
    account           TEXT,
    created_at        INTEGER NOT NULL,
    issued_at         INTEGER,
    not_before        INTEGER,
    expires_at        INTEGER,
    expiry_source     TEXT,
    notes             TEXT NOT NULL DEFAULT '',
    tags              TEXT NOT NULL DEFAULT '[]',
    revoked_at        INTEGER,
    last_copied_at    INTEGER,
    refresh_token_id  TEXT REFERENCES tokens(id) ON DELETE SET NULL,
    secret_generation INTEGER NOT NULL,
    secret_missing    INTEGER NOT NULL DEFAULT 0,
    UNIQUE (provider, name)
);
CREATE INDEX tokens_by_expiry ON tokens (expires_at);

CREATE TABLE events (
    seq      INTEGER PRIMARY KEY AUTOINCREMENT,
    token_id TEXT NOT NULL,
    at       INTEGER NOT NULL,
    kind     TEXT NOT NULL,
    detail   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX events_by_token ON events (token_id, seq);
CREATE TRIGGER events_append_only_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;
CREATE TRIGGER events_append_only_delete BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
