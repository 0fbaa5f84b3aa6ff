//! The grant behind an OAuth token: reading it, the refresh under its lock, and what a
//! refresh or revocation that failed leaves behind (see `oauth.rs` for the protocol).

use std::fs::{File, OpenOptions};

use rusqlite::{OptionalExtension, params};
use tokenkeeper_core::{
    clock::rfc3339,
    model::{EventKind, SignatureState, TokenMeta},
    oauth::{
        Failed, Failure, Flow, GrantInfo, GrantState, Issued, MAX_RETRIES, backoff_secs,
        refresh_at, refreshed_since,
    },
};

use crate::{
    db::parse_enum,
    error::{Error, Result},
    oauth::{Begin, RefreshLock, RefreshTicket},
    vault::Vault,
};

/// Grants the watcher should act on now (access token id and state), and when the next one
/// falls due.
pub type Due = (Vec<(String, GrantState)>, Option<i64>);

/// A refresh done: the access token now, and whether a request was made for it.
pub struct Refreshed {
    pub meta: TokenMeta,
    pub asked: bool,
}

pub(crate) struct GrantRow {
    pub(crate) token_id: String,
    pub(crate) profile: String,
    pub(crate) flow: Flow,
    pub(crate) refresh_id: Option<String>,
    pub(crate) state: GrantState,
    pub(crate) detail: Option<String>,
    pub(crate) retry_at: Option<i64>,
    pub(crate) attempts: u32,
    pub(crate) id_claims: Option<String>,
    pub(crate) id_verified: bool,
    pub(crate) refreshed_at_ms: Option<i64>,
    pub(crate) access_signature: Option<SignatureState>,
}

const COLUMNS: &str = "token_id, profile, flow, refresh_id, state, detail, retry_at, attempts,
    id_claims, id_verified, refreshed_at_ms, access_signature";

fn grant_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<GrantRow> {
    // A word no version writes is an error naming the row, never a guess (as for `tokens`).
    let token_id: String = r.get(0)?;
    Ok(GrantRow {
        profile: r.get(1)?,
        flow: parse_enum("grants", &token_id, (2, "flow"), &r.get::<_, String>(2)?)?,
        refresh_id: r.get(3)?,
        state: parse_enum("grants", &token_id, (4, "state"), &r.get::<_, String>(4)?)?,
        detail: r.get(5)?,
        retry_at: r.get(6)?,
        attempts: r.get(7)?,
        id_claims: r.get(8)?,
        id_verified: r.get(9)?,
        refreshed_at_ms: r.get(10)?,
        access_signature: r
            .get::<_, Option<String>>(11)?
            .map(|v| parse_enum("grants", &token_id, (11, "access_signature"), &v))
            .transpose()?,
        token_id,
    })
}

impl Vault {
    /// The grant token `id` belongs to, as its access token or its refresh token.
    pub(crate) fn grant_row(&self, id: &str) -> Result<Option<GrantRow>> {
        self.conn()
            .query_row(
                &format!("SELECT {COLUMNS} FROM grants WHERE token_id = ?1 OR refresh_id = ?1"),
                [id],
                grant_row,
            )
            .optional()
            .map_err(self.storage())
    }

    /// The grant token `id` belongs to; NotFound when it has none.
    pub(crate) fn grant_of(&self, id: &str) -> Result<GrantRow> {
        self.grant_row(id)?
            .ok_or_else(|| Error::NotFound(id.to_owned()))
    }

    /// The access token of the grant `id` belongs to (itself, or the token it refreshes).
    pub fn grant_access_id(&self, id: &str) -> Result<Option<String>> {
        Ok(self.grant_row(id)?.map(|g| g.token_id))
    }

    /// What the app shows of token `id`'s grant, if it has one.
    pub fn grant(&self, id: &str, now: i64) -> Result<Option<GrantInfo>> {
        let Some(g) = self.grant_row(id)? else {
            return Ok(None);
        };
        let access = self.row(&g.token_id)?;
        let refresh = g.refresh_id.as_deref().map(|r| self.row(r)).transpose()?;
        let _ = now;
        let profile = self.profile_meta(&g.profile).ok();
        let live = access.revoked_at.is_none() && g.state != GrantState::SignInAgain;
        let can_refresh = live
            && (g.refresh_id.is_some()
                || (g.flow == Flow::ClientCredentials
                    && profile.as_ref().is_some_and(|p| p.has_client_secret)));
        let can_introspect = access.revoked_at.is_none()
            && profile
                .as_ref()
                .is_some_and(|p| p.endpoints.introspection.is_some());
        Ok(Some(GrantInfo {
            access_id: g.token_id.clone(),
            profile: g.profile,
            flow: g.flow,
            state: g.state,
            detail: g.detail,
            retry_at: g.retry_at.and_then(rfc3339),
            refresh_id: g.refresh_id,
            refresh_expires_at: refresh
                .as_ref()
                .and_then(|r| r.expires_at)
                .and_then(rfc3339),
            refresh_expiry_source: refresh.as_ref().and_then(|r| r.expiry_source),
            refresh_at: match (access.issued_at, access.expires_at) {
                (Some(i), Some(e)) => rfc3339(refresh_at(i, e)),
                _ => None,
            },
            id_claims: g.id_claims.and_then(|c| serde_json::from_str(&c).ok()),
            id_verified: g.id_verified,
            access_signature: g.access_signature,
            can_refresh,
            can_introspect,
        }))
    }

    /// Waits (blocking) until no other thread or process refreshes the grant of `access_id`.
    pub(crate) fn lock_refresh(&self, access_id: &str) -> Result<RefreshLock> {
        uuid::Uuid::parse_str(access_id).map_err(|_| Error::NotFound(access_id.to_owned()))?;
        let path = self.refresh_lock_path(access_id);
        let io = |context: String| move |source| Error::Io { context, source };
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(io(format!("Cannot create {}", dir.display())))?;
        }
        let file: File = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(io(format!("Cannot open {}", path.display())))?;
        file.lock()
            .map_err(io(format!("Cannot lock {}", path.display())))?;
        Ok(RefreshLock {
            access_id: access_id.to_owned(),
            _file: file,
        })
    }

    fn refresh_lock_path(&self, access_id: &str) -> std::path::PathBuf {
        self.dir
            .join("locks")
            .join(format!("refresh-{access_id}.lock"))
    }

    /// A removed token's refresh lock file goes with it. A process still waiting on the old
    /// file finds the token gone once it has the lock, so nothing can refresh it twice.
    pub(crate) fn forget_refresh_lock(&self, id: &str) {
        match std::fs::remove_file(self.refresh_lock_path(id)) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                tracing::debug!("the refresh lock of {id} stays: {e}");
            }
            _ => {}
        }
    }

    /// Under the lock: what to refresh with, or the token another caller refreshed moments
    /// ago. A grant that needs a new sign-in is an error, with no request made.
    pub(crate) fn begin_refresh(
        &self,
        lock: &RefreshLock,
        asked_at_ms: i64,
        now: i64,
    ) -> Result<Begin> {
        let id = &lock.access_id;
        let g = self
            .grant_row(id)?
            .filter(|g| &g.token_id == id)
            .ok_or_else(|| Error::Unsupported(format!("{id} is not an OAuth token")))?;
        let access = self.row(id)?;
        let address = format!("{}/{}", access.provider, access.name);
        if access.revoked_at.is_some() {
            return Err(Error::Revoked { token: address });
        }
        if g.state == GrantState::SignInAgain {
            return Err(Error::SignInAgain {
                token: address,
                profile: g.profile,
                detail: g.detail.unwrap_or_else(|| "the server ended it".into()),
            });
        }
        if refreshed_since(g.refreshed_at_ms, asked_at_ms) {
            return Ok(Begin::Fresh(Box::new(self.meta(id, now)?)));
        }
        let (profile, client_secret) = self.profile(&g.profile)?;
        let refresh = match &g.refresh_id {
            Some(r) => Some(self.secret(r, now)?),
            None if g.flow == Flow::ClientCredentials => None,
            None => {
                return Err(Error::SignInAgain {
                    token: address,
                    profile: g.profile,
                    detail: "the server gave no refresh token".into(),
                });
            }
        };
        Ok(Begin::Ask(Box::new(RefreshTicket {
            access_id: id.clone(),
            refresh_id: g.refresh_id,
            refresh,
            profile,
            client_secret,
            flow: g.flow,
        })))
    }

    /// Stores a refresh's result: the new refresh token first (the old one stays when none
    /// came), then the access token; the grant is well again.
    pub(crate) fn finish_refresh(
        &self,
        t: &RefreshTicket,
        issued: &Issued,
        now_ms: i64,
    ) -> Result<TokenMeta> {
        let now = now_ms / 1000;
        let mut refresh_id = t.refresh_id.clone();
        if let Some(new) = &issued.refresh {
            match &refresh_id {
                Some(r) => {
                    self.replace_secret(r, new, now)?;
                    self.set_refresh_expiry(r, new, issued, &t.profile, now)?;
                }
                None => {
                    let name = self.row(&t.access_id)?.name;
                    refresh_id = Some(self.add_refresh(&t.profile, &name, new, issued, now)?);
                }
            }
        }
        self.replace_secret(&t.access_id, &issued.access, now)?;
        self.set_lifetime(&t.access_id, issued.expires_in, now)?;
        let conn = self.conn();
        conn.execute(
            "UPDATE grants SET state = 'ok', detail = NULL, retry_at = NULL, attempts = 0,
                 refreshed_at_ms = ?2, refresh_id = ?3, access_signature = ?4,
                 id_verified = CASE WHEN ?5 THEN 1 ELSE id_verified END WHERE token_id = ?1",
            params![
                t.access_id,
                now_ms,
                refresh_id,
                issued.access_signature.map(|s| s.as_ref().to_owned()),
                issued.id_verified
            ],
        )
        .map_err(self.storage())?;
        let rotated = if issued.refresh.is_some() {
            "with a new refresh token"
        } else {
            "refresh token kept"
        };
        crate::db::events::append(&conn, &t.access_id, EventKind::Refreshed, rotated, now)
            .map_err(self.storage())?;
        drop(conn);
        self.meta(&t.access_id, now)
    }

    /// The whole refresh of `access_id`, asked for at `asked_at_ms`: waits for the lock, skips
    /// the request when another caller's refresh finished after this one asked, calls `ask`
    /// (the token request) and stores its result, or records its failure (the current tokens
    /// stay). `clock_ms` (unix ms) dates what is stored.
    pub fn refresh_with(
        &self,
        access_id: &str,
        asked_at_ms: i64,
        clock_ms: impl Fn() -> i64,
        jitter: f64,
        ask: impl FnOnce(&RefreshTicket) -> std::result::Result<Issued, Failed>,
    ) -> Result<Refreshed> {
        let lock = self.lock_refresh(access_id)?;
        let clock = || clock_ms() / 1000;
        let ticket = match self.begin_refresh(&lock, asked_at_ms, clock())? {
            Begin::Fresh(meta) => {
                return Ok(Refreshed {
                    meta: *meta,
                    asked: false,
                });
            }
            Begin::Ask(t) => t,
        };
        match ask(&ticket) {
            Ok(issued) => Ok(Refreshed {
                meta: self.finish_refresh(&ticket, &issued, clock_ms())?,
                asked: true,
            }),
            Err(f) => {
                let now = clock();
                let info = self.refresh_failed(
                    access_id,
                    f.failure,
                    &f.detail,
                    f.retry_after,
                    jitter,
                    now,
                )?;
                let row = self.row(access_id)?;
                let token = format!("{}/{}", row.provider, row.name);
                Err(match f.failure {
                    Failure::SignInAgain => Error::SignInAgain {
                        token,
                        profile: info.profile,
                        detail: f.detail,
                    },
                    _ => Error::Provider(match info.retry_at {
                        Some(at) => format!("{}; the tokens are kept, next try at {at}", f.detail),
                        None => format!("{}; the tokens are kept", f.detail),
                    }),
                })
            }
        }
    }

    /// Records a refresh that failed. `invalid_grant` ends the grant (sign in again, no
    /// retry); a transient failure schedules a retry with backoff and jitter, up to
    /// [`MAX_RETRIES`] in a row; the current tokens stay either way.
    pub fn refresh_failed(
        &self,
        access_id: &str,
        failure: Failure,
        detail: &str,
        retry_after: Option<i64>,
        jitter: f64,
        now: i64,
    ) -> Result<GrantInfo> {
        let g = self.grant_of(access_id)?;
        let (state, retry_at, attempts) = match failure {
            Failure::SignInAgain => (GrantState::SignInAgain, None, g.attempts),
            Failure::Fatal => (GrantState::Retrying, None, g.attempts),
            Failure::Transient => {
                let n = g.attempts + 1;
                let at = (n <= MAX_RETRIES).then(|| now + backoff_secs(n, jitter, retry_after));
                (GrantState::Retrying, at, n)
            }
        };
        self.conn()
            .execute(
                "UPDATE grants SET state = ?2, detail = ?3, retry_at = ?4, attempts = ?5
                 WHERE token_id = ?1",
                params![g.token_id, state.as_ref(), detail, retry_at, attempts],
            )
            .map_err(self.storage())?;
        self.grant(access_id, now)?
            .ok_or_else(|| Error::NotFound(access_id.to_owned()))
    }

    /// What the watcher should do about grants: the access tokens due by `now` (a refresh at
    /// 80% of the lifetime, a scheduled retry, or a pending revocation), and when the next one
    /// falls due. Grants that need a sign-in, and retries that gave up, are left alone.
    pub fn grants_due(&self, now: i64) -> Result<Due> {
        let conn = self.conn();
        // The grant's columns are unambiguous beside the token's: one row reader serves both.
        let mut stmt = conn
            .prepare(&format!(
                "SELECT {COLUMNS}, t.issued_at, t.expires_at
                 FROM grants g JOIN tokens t ON t.id = g.token_id
                 WHERE t.revoked_at IS NULL AND g.state != 'sign_in_again'"
            ))
            .map_err(self.storage())?;
        let rows = stmt
            .query_map([], |r| Ok((grant_row(r)?, r.get(12)?, r.get(13)?)))
            .map_err(self.storage())?
            .collect::<rusqlite::Result<Vec<(GrantRow, Option<i64>, Option<i64>)>>>()
            .map_err(self.storage())?;
        let mut due = Vec::new();
        let mut next: Option<i64> = None;
        for (g, iat, exp) in rows {
            let (id, state, retry_at) = (g.token_id, g.state, g.retry_at);
            let renewable = g.refresh_id.is_some() || g.flow == Flow::ClientCredentials;
            let at = match state {
                GrantState::RevocationPending | GrantState::Retrying => retry_at,
                _ if renewable => match (iat, exp) {
                    (Some(i), Some(e)) => Some(refresh_at(i, e)),
                    _ => None,
                },
                _ => None,
            };
            match at {
                Some(at) if at <= now => due.push((id, state)),
                Some(at) => next = Some(next.map_or(at, |n| n.min(at))),
                None => {}
            }
        }
        Ok((due, next))
    }
}
