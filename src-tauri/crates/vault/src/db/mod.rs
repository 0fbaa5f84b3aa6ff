//! The metadata database: SQLite in WAL mode with embedded, append-only migrations. One query
//! module per table. It never holds a secret.

pub mod bindings;
pub mod events;
pub mod pending;
pub mod reminders;
pub mod settings;
pub mod tokens;

use std::{path::Path, str::FromStr};

use rusqlite::{Connection, types::Type};

use crate::error::{Error, Result};

/// Embedded migrations, applied in order; `PRAGMA user_version` counts how many ran.
const MIGRATIONS: &[&str] = &[
    include_str!("../../migrations/0001_init.sql"),
    include_str!("../../migrations/0002_pending_secrets.sql"),
    include_str!("../../migrations/0003_vault_identity.sql"),
    include_str!("../../migrations/0004_reminders.sql"),
    include_str!("../../migrations/0005_checks.sql"),
    include_str!("../../migrations/0006_oauth.sql"),
    include_str!("../../migrations/0007_helpers.sql"),
];

/// A stored word that names no variant: carried out of a row closure inside rusqlite's error
/// and turned into [`Error::Corrupt`] with the row it came from.
#[derive(Debug)]
pub struct CorruptValue {
    pub table: &'static str,
    pub row: String,
    pub column: &'static str,
    pub value: String,
}

impl std::fmt::Display for CorruptValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} row `{}` has {} `{}`",
            self.table, self.row, self.column, self.value
        )
    }
}

impl std::error::Error for CorruptValue {}

/// Parses an enum column, or fails naming the table, row and column.
pub(crate) fn parse_enum<T: FromStr>(
    table: &'static str,
    row: &str,
    (index, column): (usize, &'static str),
    value: &str,
) -> rusqlite::Result<T> {
    T::from_str(value).map_err(|_| {
        rusqlite::Error::FromSqlConversionFailure(
            index,
            Type::Text,
            Box::new(CorruptValue {
                table,
                row: row.to_owned(),
                column,
                value: value.to_owned(),
            }),
        )
    })
}

/// Maps a rusqlite error to the vault's, keeping a corrupt row's details.
pub(crate) fn storage_error(path: &Path, source: rusqlite::Error) -> Error {
    if let rusqlite::Error::FromSqlConversionFailure(_, _, inner) = &source
        && let Some(c) = inner.downcast_ref::<CorruptValue>()
    {
        return Error::Corrupt {
            path: path.display().to_string(),
            table: c.table,
            row: c.row.clone(),
            column: c.column,
            value: c.value.clone(),
        };
    }
    Error::Storage {
        path: path.display().to_string(),
        source,
    }
}

pub fn open(path: &Path) -> Result<Connection> {
    let conn = Connection::open(path).map_err(|e| storage_error(path, e))?;
    configure(&conn).map_err(|e| storage_error(path, e))?;
    migrate(&conn).map_err(|e| storage_error(path, e))?;
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
