//! Queries on `pending_secrets`: keyring writes in flight, so a crash leaves a note naming the
//! entry to clean up.

use rusqlite::{Connection, params};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pending {
    pub account: String,
    pub token_id: String,
    pub purpose: String,
    pub pid: u32,
    pub started_at: i64,
}

pub fn add(
    conn: &Connection,
    account: &str,
    token_id: &str,
    purpose: &str,
    at: i64,
) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT OR REPLACE INTO pending_secrets (account, token_id, purpose, pid, started_at)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![account, token_id, purpose, std::process::id(), at],
    )
    .map(|_| ())
}

pub fn remove(conn: &Connection, account: &str) -> rusqlite::Result<()> {
    conn.execute("DELETE FROM pending_secrets WHERE account = ?1", [account])
        .map(|_| ())
}

pub fn all(conn: &Connection) -> rusqlite::Result<Vec<Pending>> {
    let mut stmt = conn.prepare_cached(
        "SELECT account, token_id, purpose, pid, started_at FROM pending_secrets",
    )?;
    stmt.query_map([], |r| {
        Ok(Pending {
            account: r.get(0)?,
            token_id: r.get(1)?,
            purpose: r.get(2)?,
            pid: r.get(3)?,
            started_at: r.get(4)?,
        })
    })?
    .collect()
}

/// Whether the process that wrote `p` can no longer finish it.
pub fn is_abandoned(p: &Pending, now: i64) -> bool {
    if p.pid == std::process::id() {
        return false;
    }
    if cfg!(target_os = "linux") {
        !std::path::Path::new(&format!("/proc/{}", p.pid)).exists()
    } else {
        // No cheap liveness check elsewhere: a keyring write never takes ten minutes.
        now.saturating_sub(p.started_at) > 600
    }
}
