//! Secrets leaving the vault, and the credential helpers' bindings: every hand-out is an
//! event naming who asked (the access log); git's bindings map hosts to tokens, docker's
//! registries to tokens; a tool's report that a token failed flags it for a live check.

use std::collections::HashMap;

use rusqlite::params;
use tokenkeeper_core::{
    Secret,
    clock::rfc3339,
    credential::{ACCESS_EVENTS, AccessEvent, Accessor, GitBinding},
    model::EventKind,
};

use crate::{
    db::{bindings, events, parse_enum},
    error::Result,
    vault::Vault,
};

pub use crate::db::bindings::DockerLogin;

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

    /// Every token's git bindings, by token id.
    pub fn git_bindings(&self) -> Result<HashMap<String, Vec<GitBinding>>> {
        bindings::git_all(&self.conn()).map_err(self.storage())
    }

    /// The hosts git's helper hands token `id` to, as people write them (`github.com/acme`).
    pub fn git_hosts(&self, id: &str) -> Result<Vec<String>> {
        let hosts = bindings::git_for(&self.conn(), id).map_err(self.storage())?;
        Ok(hosts.iter().map(ToString::to_string).collect())
    }

    /// Replaces token `id`'s git bindings (none: it answers only as its provider's one token).
    pub fn set_git_bindings(&self, id: &str, hosts: &[GitBinding], now: i64) -> Result<()> {
        let mut conn = self.conn();
        let tx = conn.transaction().map_err(self.storage())?;
        bindings::replace_git(&tx, id, hosts, now).map_err(self.storage())?;
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
        bindings::docker(&self.conn(), server).map_err(self.storage())
    }

    /// Every registry docker keeps a login for.
    pub fn docker_logins(&self) -> Result<Vec<DockerLogin>> {
        bindings::docker_all(&self.conn()).map_err(self.storage())
    }

    /// Makes token `id` docker's login for `server` (replacing the registry's previous one).
    pub fn bind_docker(&self, id: &str, server: &str, username: &str, now: i64) -> Result<()> {
        let mut conn = self.conn();
        let tx = conn.transaction().map_err(self.storage())?;
        bindings::bind_docker(&tx, id, server, username, now).map_err(self.storage())?;
        tx.commit().map_err(self.storage())
    }

    /// `docker logout`: the registry has no login any more; its token stays in the vault.
    pub fn unbind_docker(&self, server: &str, now: i64) -> Result<Option<String>> {
        let mut conn = self.conn();
        let tx = conn.transaction().map_err(self.storage())?;
        let Some(login) = bindings::docker(&tx, server).map_err(self.storage())? else {
            return Ok(None);
        };
        bindings::unbind_docker(&tx, server).map_err(self.storage())?;
        let detail = format!("docker: logged out of {server}");
        events::append(&tx, &login.token_id, EventKind::Bound, &detail, now)
            .map_err(self.storage())?;
        tx.commit().map_err(self.storage())?;
        Ok(Some(login.token_id))
    }
}
