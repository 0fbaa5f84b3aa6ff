-- Live checks: where each fact came from, a token's own API instance, and the last check.
ALTER TABLE tokens ADD COLUMN scopes_source TEXT;   -- jwt | provider | user; NULL: unknown
ALTER TABLE tokens ADD COLUMN account_source TEXT;
ALTER TABLE tokens ADD COLUMN instance_url TEXT;    -- a self-managed GitLab, say; NULL: the catalog's

CREATE TABLE checks (
    token_id   TEXT PRIMARY KEY REFERENCES tokens(id) ON DELETE CASCADE,
    checked_at INTEGER NOT NULL,
    report     TEXT NOT NULL      -- the CheckReport as JSON (never a secret)
);
