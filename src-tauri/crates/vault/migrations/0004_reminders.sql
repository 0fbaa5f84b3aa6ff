-- Reminders: per-token lead times and rotation policy, and which reminders have fired, so each
-- fires once per (token, expiry or rotation date, lead) across restarts and processes.
ALTER TABLE tokens ADD COLUMN remind TEXT;            -- JSON array of lead seconds; NULL: the app's
ALTER TABLE tokens ADD COLUMN rotate_every INTEGER;   -- seconds; NULL: no rotation policy
ALTER TABLE tokens ADD COLUMN secret_set_at INTEGER;  -- when the current secret was stored
UPDATE tokens SET secret_set_at = created_at;

CREATE TABLE reminders (
    token_id   TEXT NOT NULL REFERENCES tokens(id) ON DELETE CASCADE,
    target     TEXT NOT NULL,     -- expiry | rotation
    target_at  INTEGER NOT NULL,  -- the expiry or rotation date it is about
    lead       INTEGER NOT NULL,  -- seconds before target_at
    claimed_at INTEGER NOT NULL,  -- a process took it (mutual exclusion between app and CLI)
    fired_at   INTEGER,           -- announced (or folded into a later one); NULL while sending
    PRIMARY KEY (token_id, target, target_at, lead)
);
