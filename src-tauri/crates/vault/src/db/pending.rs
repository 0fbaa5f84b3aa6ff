//! Queries on `pending_secrets`: keyring writes in flight, so a crash leaves a note naming the
//! item to clean up, and the lease of the writer that may still finish it.

use rusqlite::{Connection, params};

use super::parse_enum;

/// Why a note exists: an item about to be written, or one about to be deleted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::EnumString, strum::AsRefStr)]
#[strum(serialize_all = "snake_case")]
pub enum Purpose {
    New,
    Retire,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pending {
    pub account: String,
    pub token_id: String,
    pub purpose: Purpose,
    /// The writer's lease id; `""` for notes written before leases existed.
    pub lease: String,
    pub started_at: i64,
}

pub fn add(conn: &Connection, note: &Pending) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT OR REPLACE INTO pending_secrets (account, token_id, purpose, pid, started_at, lease)
         VALUES (?1, ?2, ?3, 0, ?4, ?5)",
        params![
            note.account,
            note.token_id,
            note.purpose.as_ref(),
            note.started_at,
            note.lease
        ],
    )
    .map(|_| ())
}

pub fn remove(conn: &Connection, account: &str) -> rusqlite::Result<()> {
    conn.execute("DELETE FROM pending_secrets WHERE account = ?1", [account])
        .map(|_| ())
}

pub fn all(conn: &Connection) -> rusqlite::Result<Vec<Pending>> {
    let mut stmt = conn.prepare_cached(
        "SELECT account, token_id, purpose, lease, started_at FROM pending_secrets",
    )?;
    stmt.query_map([], |r| {
        let account: String = r.get(0)?;
        let purpose: String = r.get(2)?;
        Ok(Pending {
            purpose: parse_enum("pending_secrets", &account, (2, "purpose"), &purpose)?,
            account,
            token_id: r.get(1)?,
            lease: r.get(3)?,
            started_at: r.get(4)?,
        })
    })?
    .collect()
}

/// The highest secret generation any note names for `token_id` (0 when none does).
pub fn max_generation(conn: &Connection, token_id: &str) -> rusqlite::Result<i64> {
    let mut stmt =
        conn.prepare_cached("SELECT account FROM pending_secrets WHERE token_id = ?1")?;
    let accounts = stmt.query_map([token_id], |r| r.get::<_, String>(0))?;
    let mut max = 0;
    for account in accounts {
        if let Some((_, g)) = super::tokens::parse_account_key(&account?) {
            max = max.max(g);
        }
    }
    Ok(max)
}
