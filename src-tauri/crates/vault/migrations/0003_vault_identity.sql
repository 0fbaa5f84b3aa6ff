-- A pending note names the writer's lease (a file it holds an OS lock on) instead of its pid:
-- a note is abandoned exactly when that lock can be taken. Old notes keep lease ''.
ALTER TABLE pending_secrets ADD COLUMN lease TEXT NOT NULL DEFAULT '';
