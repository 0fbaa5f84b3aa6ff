//! Queries on the `reminders` table: which reminders a process has taken or announced.

use std::collections::HashSet;

use rusqlite::{Connection, params};
use tokenkeeper_core::remind::{ReminderKey, Target};

use super::parse_enum;

/// Every reminder taken by any process (of one token, or of all), announced or still being
/// sent: none of them is announced again. (A sender killed between taking and announcing
/// leaves its row: the reminder is then lost rather than repeated; reminders must never nag.)
pub fn taken(conn: &Connection, token: Option<&str>) -> rusqlite::Result<HashSet<ReminderKey>> {
    let mut stmt = conn.prepare_cached(
        "SELECT token_id, target, target_at, lead FROM reminders
         WHERE ?1 IS NULL OR token_id = ?1",
    )?;
    stmt.query_map([token], |r| {
        let token_id: String = r.get(0)?;
        let target: String = r.get(1)?;
        Ok(ReminderKey {
            target: parse_enum::<Target>("reminders", &token_id, (1, "target"), &target)?,
            token_id,
            target_at: r.get(2)?,
            lead: r.get(3)?,
        })
    })?
    .collect()
}

/// Takes `key` for this process; false when another already has it (or the token is gone).
pub fn take(conn: &Connection, key: &ReminderKey, now: i64) -> rusqlite::Result<bool> {
    let n = conn.execute(
        "INSERT OR IGNORE INTO reminders (token_id, target, target_at, lead, claimed_at)
         SELECT ?1, ?2, ?3, ?4, ?5 WHERE EXISTS (SELECT 1 FROM tokens WHERE id = ?1)",
        params![
            key.token_id,
            key.target.as_ref(),
            key.target_at,
            key.lead,
            now
        ],
    )?;
    Ok(n == 1)
}

pub fn mark_fired(conn: &Connection, key: &ReminderKey, now: i64) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE reminders SET fired_at = ?5
         WHERE token_id = ?1 AND target = ?2 AND target_at = ?3 AND lead = ?4",
        params![
            key.token_id,
            key.target.as_ref(),
            key.target_at,
            key.lead,
            now
        ],
    )
    .map(|_| ())
}

/// Gives a taken reminder back (its notification could not be sent), so it is tried again.
pub fn release(conn: &Connection, key: &ReminderKey) -> rusqlite::Result<()> {
    conn.execute(
        "DELETE FROM reminders
         WHERE token_id = ?1 AND target = ?2 AND target_at = ?3 AND lead = ?4 AND fired_at IS NULL",
        params![key.token_id, key.target.as_ref(), key.target_at, key.lead],
    )
    .map(|_| ())
}
