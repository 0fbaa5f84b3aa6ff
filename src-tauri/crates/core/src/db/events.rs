//! Queries on the append-only `events` table.

use rusqlite::{Connection, params};

use super::{enum_from_sql, enum_to_sql};
use crate::{
    clock::rfc3339,
    model::{EventKind, TokenEvent},
};

pub fn append(
    conn: &Connection,
    token_id: &str,
    kind: EventKind,
    detail: &str,
    at: i64,
) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO events (token_id, at, kind, detail) VALUES (?1, ?2, ?3, ?4)",
        params![token_id, at, enum_to_sql(&kind), detail],
    )
    .map(|_| ())
}

/// Newest first.
pub fn for_token(
    conn: &Connection,
    token_id: &str,
    limit: u32,
) -> rusqlite::Result<Vec<TokenEvent>> {
    let mut stmt = conn.prepare_cached(
        "SELECT seq, token_id, at, kind, detail FROM events WHERE token_id = ?1
         ORDER BY seq DESC LIMIT ?2",
    )?;
    let rows = stmt.query_map(params![token_id, limit], |r| {
        let kind: String = r.get(3)?;
        Ok(TokenEvent {
            seq: r.get(0)?,
            token_id: r.get(1)?,
            at: rfc3339(r.get(2)?).unwrap_or_default(),
            kind: enum_from_sql(&kind).unwrap_or(EventKind::Edited),
            detail: r.get(4)?,
        })
    })?;
    rows.collect()
}
