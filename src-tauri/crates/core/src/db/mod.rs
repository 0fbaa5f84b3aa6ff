//! The metadata database: SQLite in WAL mode with embedded, append-only migrations. One query
//! module per table. It never holds a secret.

pub mod events;
pub mod pending;
pub mod settings;
pub mod tokens;

use std::path::Path;

use rusqlite::Connection;

use crate::error::{Error, Result};

/// Embedded migrations, applied in order; `PRAGMA user_version` counts how many ran.
const MIGRATIONS: &[&str] = &[
    include_str!("../../migrations/0001_init.sql"),
    include_str!("../../migrations/0002_pending_secrets.sql"),
];

/// The snake_case word serde gives a unit enum variant: how enums are stored.
pub(crate) fn enum_to_sql<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

pub(crate) fn enum_from_sql<T: serde::de::DeserializeOwned>(s: &str) -> Option<T> {
    serde_json::from_value(serde_json::Value::String(s.to_owned())).ok()
}

pub fn open(path: &Path) -> Result<Connection> {
    let conn = Connection::open(path).map_err(Error::storage(path))?;
    configure(&conn).map_err(Error::storage(path))?;
    migrate(&conn).map_err(Error::storage(path))?;
    Ok(conn)
}

fn configure(conn: &Connection) -> rusqlite::Result<()> {
    conn.busy_timeout(std::time::Duration::from_secs(10))?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    // FULL: a committed row survives power loss, not only a killed process.
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    Ok(())
}

fn migrate(conn: &Connection) -> rusqlite::Result<()> {
    let applied: usize = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(applied) {
        let tx = conn.unchecked_transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", i + 1)?;
        tx.commit()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_apply_once_and_are_idempotent() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("t.db");
        drop(open(&path).expect("first open migrates"));
        let conn = open(&path).expect("second open is a no-op");
        let v: usize = conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .expect("v");
        assert_eq!(v, MIGRATIONS.len());
        let mode: String = conn
            .pragma_query_value(None, "journal_mode", |r| r.get(0))
            .expect("m");
        assert_eq!(mode, "wal");
    }

    #[test]
    fn event_log_rejects_updates_and_deletes() {
        let dir = tempfile::tempdir().expect("tempdir");
        let conn = open(&dir.path().join("t.db")).expect("open");
        conn.execute(
            "INSERT INTO events (token_id, at, kind) VALUES ('x', 1, 'added')",
            [],
        )
        .expect("insert");
        assert!(
            conn.execute("UPDATE events SET kind = 'edited'", [])
                .is_err()
        );
        assert!(conn.execute("DELETE FROM events", []).is_err());
    }
}
