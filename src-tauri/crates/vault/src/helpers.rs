//! Secrets leaving the vault, and the credential helpers' bindings: every hand-out is an
//! event naming who asked (the access log); git's bindings map hosts to tokens, docker's
//! registries to tokens; a tool's report that a token failed flags it for a live check.

use std::collections::HashMap;

use rusqlite::{OptionalExtension, params};
use tokenkeeper_core::{
    Secret,
    clock::rfc3339,
    credential::{ACCESS_EVENTS, AccessEvent, Accessor, GitBinding},
    model::EventKind,
};

use crate::{
    db::{events, parse_enum},
    error::Result,
    vault::Vault,
};

/// A registry docker keeps a login for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DockerLogin {
    pub server: String,
    pub username: String,
    pub token_id: String,
}

impl Vault {
    /// The secret of token `id`, handed to `to`: the access log records it first, so no
    /// secret leaves without its event (a vault that cannot write the event hands nothing).
    pub fn hand_out(&self, id: &str, to: &Accessor, now: i64) -> Result<Secret> {
        let secret = self.secret(id, now)?;
        self.record_access(id, to, now)?;
        Ok(secret)
    }

    /// Records that token `id`'s secret went to `to` (a copy, once it is on the clipboard).
    pub fn record_access(&self, id: &str, to: &Accessor, now: i64) -> Result<()> {
        self.record(id, to.event(), &to.label(), now)
    }

    /// Every time a secret left the vault (of token `id`, or of all), newest first.
    pub fn access_log(&self, id: Option<&str>, limit: u32) -> Result<Vec<AccessEvent>> {
        let conn = self.conn();
        let mut stmt = conn
            .prepare_cached(
                "SELECT e.seq, e.token_id, t.provider || '/' || t.name, e.at, e.kind, e.detail
                 FROM events e LEFT JOIN tokens t ON t.id = e.token_id
                 WHERE e.kind IN (?1, ?2, ?3) AND (?4 IS NULL OR e.token_id = ?4)
                 ORDER BY e.seq DESC LIMIT ?5",
            )
            .map_err(self.storage())?;
        let [a, b, c] = ACCESS_EVENTS.map(|k| k.as_ref().to_owned());
        let rows = stmt
            .query_map(params![a, b, c, id, limit], |r| {
                let seq: i64 = r.get(0)?;
                let kind: String = r.get(4)?;
                Ok(AccessEvent {
                    seq,
                    token_id: r.get(1)?,
                    token: r.get(2)?,
                    at: rfc3339(r.get(3)?).unwrap_or_default(),
                    kind: parse_enum("events", &seq.to_string(), (4, "kind"), &kind)?,
                    by: r.get(5)?,
                })
            })
            .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
            .map_err(self.storage())?;
        Ok(rows)
    }

    /// Every token's git bindings.
    pub fn git_bindings(&self) -> Result<HashMap<String, Vec<GitBinding>>> {
        let conn = self.conn();
        let mut stmt = conn
            .prepare_cached(
                "SELECT token_id, host, path FROM bindings WHERE helper = 'git'
                 ORDER BY token_id, host, path",
            )
            .map_err(self.storage())?;
        let mut out: HashMap<String, Vec<GitBinding>> = HashMap::new();
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    GitBinding {
                        host: r.get(1)?,
                        path: r.get(2)?,
                    },
                ))
            })
            .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
            .map_err(self.storage())?;
        for (id, b) in rows {
            out.entry(id).or_default().push(b);
        }
        Ok(out)
    }

    /// Replaces token `id`'s git bindings (none: it answers only as its provider's one token).
    pub fn set_git_bindings(&self, id: &str, hosts: &[GitBinding], now: i64) -> Result<()> {
        let mut conn = self.conn();
        let tx = conn.transaction().map_err(self.storage())?;
        tx.execute(
            "DELETE FROM bindings WHERE helper = 'git' AND token_id = ?1",
            params![id],
        )
        .map_err(self.storage())?;
        for b in hosts {
            tx.execute(
                "INSERT OR IGNORE INTO bindings (token_id, helper, host, path)
                 VALUES (?1, 'git', ?2, ?3)",
                params![id, b.host, b.path],
            )
            .map_err(self.storage())?;
        }
        let list: Vec<String> = hosts.iter().map(ToString::to_string).collect();
        let detail = match list.as_slice() {
            [] => "git: no host".to_owned(),
            l => format!("git: {}", l.join(", ")),
        };
        events::append(&tx, id, EventKind::Bound, &detail, now).map_err(self.storage())?;
        tx.commit().map_err(self.storage())
    }

    /// A tool reported that token `id` failed (`by`: `git-credential github.com`): the event
    /// says so, and the token is flagged for a live check. Nothing is deleted.
    pub fn report_rejected(&self, id: &str, by: &str, now: i64) -> Result<()> {
        let mut conn = self.conn();
        let tx = conn.transaction().map_err(self.storage())?;
        tx.execute(
            "UPDATE tokens SET check_requested_at = ?2 WHERE id = ?1",
            params![id, now],
        )
        .map_err(self.storage())?;
        events::append(
            &tx,
            id,
            EventKind::Rejected,
            &format!("{by} reported it failed"),
            now,
        )
        .map_err(self.storage())?;
        tx.commit().map_err(self.storage())
    }

    /// Tokens a tool reported failing since their last live check, oldest report first.
    pub fn checks_requested(&self) -> Result<Vec<String>> {
        let conn = self.conn();
        let mut stmt = conn
            .prepare_cached(
                "SELECT id FROM tokens WHERE check_requested_at IS NOT NULL
                 AND revoked_at IS NULL ORDER BY check_requested_at",
            )
            .map_err(self.storage())?;
        stmt.query_map([], |r| r.get(0))
            .and_then(|rows| rows.collect())
            .map_err(self.storage())
    }

    /// A live check ran (or was found impossible): the request is answered.
    pub fn clear_check_request(&self, id: &str) -> Result<()> {
        self.conn()
            .execute(
                "UPDATE tokens SET check_requested_at = NULL WHERE id = ?1",
                params![id],
            )
            .map(|_| ())
            .map_err(self.storage())
    }

    /// The login docker keeps for `server`, if any.
    pub fn docker_login(&self, server: &str) -> Result<Option<DockerLogin>> {
        self.conn()
            .query_row(
                "SELECT host, username, token_id FROM bindings
                 WHERE helper = 'docker' AND host = ?1",
                params![server],
                docker_row,
            )
            .optional()
            .map_err(self.storage())
    }

    /// Every registry docker keeps a login for.
    pub fn docker_logins(&self) -> Result<Vec<DockerLogin>> {
        let conn = self.conn();
        let mut stmt = conn
            .prepare_cached(
                "SELECT host, username, token_id FROM bindings WHERE helper = 'docker'
                 ORDER BY host",
            )
            .map_err(self.storage())?;
        stmt.query_map([], docker_row)
            .and_then(|rows| rows.collect())
            .map_err(self.storage())
    }

    /// Makes token `id` docker's login for `server` (replacing the registry's previous one).
    pub fn bind_docker(&self, id: &str, server: &str, username: &str, now: i64) -> Result<()> {
        let mut conn = self.conn();
        let tx = conn.transaction().map_err(self.storage())?;
        tx.execute(
            "DELETE FROM bindings WHERE helper = 'docker' AND host = ?1",
            params![server],
        )
        .map_err(self.storage())?;
        tx.execute(
            "INSERT INTO bindings (token_id, helper, host, path, username)
             VALUES (?1, 'docker', ?2, '', ?3)",
            params![id, server, username],
        )
        .map_err(self.storage())?;
        events::append(&tx, id, EventKind::Bound, &format!("docker: {server}"), now)
            .map_err(self.storage())?;
        tx.commit().map_err(self.storage())
    }

    /// `docker logout`: the registry has no login any more; its token stays in the vault.
    pub fn unbind_docker(&self, server: &str, now: i64) -> Result<Option<String>> {
        let Some(login) = self.docker_login(server)? else {
            return Ok(None);
        };
        let mut conn = self.conn();
        let tx = conn.transaction().map_err(self.storage())?;
        tx.execute(
            "DELETE FROM bindings WHERE helper = 'docker' AND host = ?1",
            params![server],
        )
        .map_err(self.storage())?;
        let detail = format!("docker: logged out of {server}");
        events::append(&tx, &login.token_id, EventKind::Bound, &detail, now)
            .map_err(self.storage())?;
        tx.commit().map_err(self.storage())?;
        Ok(Some(login.token_id))
    }
}

fn docker_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<DockerLogin> {
    Ok(DockerLogin {
        server: r.get(0)?,
        username: r.get::<_, Option<String>>(1)?.unwrap_or_default(),
        token_id: r.get(2)?,
    })
}
