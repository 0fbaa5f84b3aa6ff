//! The `bindings` table: which token a credential helper hands out where. git's bind a token
//! to a host (and optionally a path under it); docker's make a token the login for a registry.

use std::collections::HashMap;

use rusqlite::{Connection, OptionalExtension, params};
use tokenkeeper_core::{credential::GitBinding, model::EventKind};

use super::events;

/// A registry docker keeps a login for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DockerLogin {
    pub server: String,
    pub username: String,
    pub token_id: String,
}

fn git_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<GitBinding> {
    Ok(GitBinding {
        host: r.get(0)?,
        path: r.get(1)?,
    })
}

/// Every token's git bindings, by token id.
pub fn git_all(conn: &Connection) -> rusqlite::Result<HashMap<String, Vec<GitBinding>>> {
    let mut stmt = conn.prepare_cached(
        "SELECT host, path, token_id FROM bindings WHERE helper = 'git'
         ORDER BY token_id, host, path",
    )?;
    let mut out: HashMap<String, Vec<GitBinding>> = HashMap::new();
    for row in stmt.query_map([], |r| Ok((r.get::<_, String>(2)?, git_row(r)?)))? {
        let (id, b) = row?;
        out.entry(id).or_default().push(b);
    }
    Ok(out)
}

/// Token `id`'s git bindings.
pub fn git_for(conn: &Connection, id: &str) -> rusqlite::Result<Vec<GitBinding>> {
    conn.prepare_cached(
        "SELECT host, path FROM bindings WHERE helper = 'git' AND token_id = ?1
         ORDER BY host, path",
    )?
    .query_map(params![id], git_row)?
    .collect()
}

/// Replaces token `id`'s git bindings inside the caller's transaction; a change is an event
/// (`git: github.com, gitlab.example.com/group`).
pub fn replace_git(
    tx: &Connection,
    id: &str,
    hosts: &[GitBinding],
    now: i64,
) -> rusqlite::Result<()> {
    let before = git_for(tx, id)?;
    tx.execute(
        "DELETE FROM bindings WHERE helper = 'git' AND token_id = ?1",
        params![id],
    )?;
    for b in hosts {
        tx.execute(
            "INSERT OR IGNORE INTO bindings (token_id, helper, host, path)
             VALUES (?1, 'git', ?2, ?3)",
            params![id, b.host, b.path],
        )?;
    }
    let after = git_for(tx, id)?;
    if after == before {
        return Ok(());
    }
    let list: Vec<String> = after.iter().map(ToString::to_string).collect();
    let detail = match list.as_slice() {
        [] => "git: no host".to_owned(),
        l => format!("git: {}", l.join(", ")),
    };
    events::append(tx, id, EventKind::Bound, &detail, now)
}

fn docker_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<DockerLogin> {
    Ok(DockerLogin {
        server: r.get(0)?,
        username: r.get::<_, Option<String>>(1)?.unwrap_or_default(),
        token_id: r.get(2)?,
    })
}

/// The login docker keeps for `server`, if any.
pub fn docker(conn: &Connection, server: &str) -> rusqlite::Result<Option<DockerLogin>> {
    conn.query_row(
        "SELECT host, username, token_id FROM bindings WHERE helper = 'docker' AND host = ?1",
        params![server],
        docker_row,
    )
    .optional()
}

/// Every registry docker keeps a login for.
pub fn docker_all(conn: &Connection) -> rusqlite::Result<Vec<DockerLogin>> {
    conn.prepare_cached(
        "SELECT host, username, token_id FROM bindings WHERE helper = 'docker' ORDER BY host",
    )?
    .query_map([], docker_row)?
    .collect()
}

/// Makes token `id` docker's login for `server`, replacing the registry's previous one.
pub fn bind_docker(
    tx: &Connection,
    id: &str,
    server: &str,
    username: &str,
    now: i64,
) -> rusqlite::Result<()> {
    unbind_docker(tx, server)?;
    tx.execute(
        "INSERT INTO bindings (token_id, helper, host, path, username)
         VALUES (?1, 'docker', ?2, '', ?3)",
        params![id, server, username],
    )?;
    events::append(tx, id, EventKind::Bound, &format!("docker: {server}"), now)
}

/// Forgets docker's login for `server`.
pub fn unbind_docker(tx: &Connection, server: &str) -> rusqlite::Result<()> {
    tx.execute(
        "DELETE FROM bindings WHERE helper = 'docker' AND host = ?1",
        params![server],
    )
    .map(|_| ())
}
