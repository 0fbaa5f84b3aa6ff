-- Credential helpers: which token answers git for a host (and a path there), and which one
-- docker keeps for a registry. A token can answer for several; a registry has one token.
CREATE TABLE bindings (
    token_id TEXT NOT NULL REFERENCES tokens(id) ON DELETE CASCADE,
    helper   TEXT NOT NULL CHECK (helper IN ('git', 'docker')),
    host     TEXT NOT NULL,              -- git: host[:port], lower case; docker: the server URL
    path     TEXT NOT NULL DEFAULT '',   -- git: a path prefix ('' = every repository there)
    username TEXT,                       -- docker: the registry username
    PRIMARY KEY (helper, host, path, token_id)
);
CREATE UNIQUE INDEX bindings_one_per_registry ON bindings (host) WHERE helper = 'docker';
CREATE INDEX bindings_by_token ON bindings (token_id);

-- A tool reported that the token failed (git's `erase`): a live check is due.
ALTER TABLE tokens ADD COLUMN check_requested_at INTEGER;

-- The access log reads events by kind.
CREATE INDEX events_by_kind ON events (kind, seq);
