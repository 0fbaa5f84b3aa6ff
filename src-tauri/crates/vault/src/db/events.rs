//! Queries on the append-only `events` table.

use rusqlite::{Connection, params};
use tokenkeeper_core::{
    clock::rfc3339,
    model::{EventKind, TokenEvent},
};

use super::parse_enum;

pub fn append(
    conn: &Connection,
    token_id: &str,
    kind: EventKind,
    detail: &str,
    at: i64,
) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO events (token_id, at, kind, detail) VALUES (?1, ?2, ?3, ?4)",
        params![token_id, at, kind.as_ref(), detail],
    )
    .map(|_| ())
}

/// Newest first. An event kind no version writes is an error naming the event.
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
        let seq: i64 = r.get(0)?;
        let kind: String = r.get(3)?;
        Ok(TokenEvent {
            seq,
            token_id: r.get(1)?,
            at: rfc3339(r.get(2)?).unwrap_or_default(),
            kind: parse_enum("events", &seq.to_string(), (3, "kind"), &kind)?,
            detail: r.get(4)?,
        })
    })?;
    rows.collect()
}
