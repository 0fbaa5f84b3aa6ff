//! Revoking a sign-in at its server (RFC 7009), and what a revocation the server could not
//! take leaves behind: both tokens kept, "revocation pending", a retry time.

use rusqlite::params;
use tokenkeeper_core::{
    Secret,
    model::TokenMeta,
    oauth::{Failed, GrantInfo, MAX_RETRIES, Profile, backoff_secs},
};

use crate::{
    error::{Error, Result},
    vault::Vault,
};

impl Vault {
    /// Revokes the grant token `id` belongs to (RFC 7009): `ask` revokes one token at the
    /// server (the refresh token first, then the access token). Accepted: both are marked
    /// revoked and their secrets deleted. Not accepted: both are kept, the grant is marked
    /// "revocation pending" with a retry time, and the error says so.
    pub fn revoke_grant_with(
        &self,
        id: &str,
        jitter: f64,
        clock: impl Fn() -> i64,
        mut ask: impl FnMut(&Profile, Option<&Secret>, &Secret, bool) -> std::result::Result<(), Failed>,
    ) -> Result<TokenMeta> {
        let g = self
            .grant_row(id)?
            .ok_or_else(|| Error::Unsupported(format!("{id} is not from an OAuth sign-in")))?;
        let (profile, client_secret) = self.profile(&g.profile)?;
        let now = clock();
        let mut tokens = Vec::new();
        if let Some(r) = &g.refresh_id {
            tokens.push((self.secret(r, now)?, true));
        }
        tokens.push((self.secret(&g.token_id, now)?, false));
        for (token, is_refresh) in &tokens {
            if let Err(f) = ask(&profile, client_secret.as_ref(), token, *is_refresh) {
                let info = self.revocation_pending(
                    &g.token_id,
                    &f.detail,
                    f.retry_after,
                    jitter,
                    clock(),
                )?;
                return Err(Error::Provider(format!(
                    "{}; the tokens are kept and marked “revocation pending”{}",
                    f.detail,
                    info.retry_at
                        .map(|at| format!(", next try at {at}"))
                        .unwrap_or_default()
                )));
            }
        }
        let detail = format!("{} accepted the revocation", profile.name);
        self.grant_revoked(&g.token_id, &detail, clock())
    }

    /// The server accepted the revocation of the grant: both tokens are marked revoked and
    /// their secrets deleted.
    pub fn grant_revoked(&self, access_id: &str, detail: &str, now: i64) -> Result<TokenMeta> {
        let g = self.grant_of(access_id)?;
        if let Some(r) = &g.refresh_id
            && self.row(r)?.revoked_at.is_none()
        {
            self.mark_revoked(r, detail, now)?;
        }
        let meta = self.mark_revoked(&g.token_id, detail, now)?;
        self.conn()
            .execute(
                "UPDATE grants SET state = 'ok', detail = NULL, retry_at = NULL WHERE token_id = ?1",
                [&g.token_id],
            )
            .map_err(self.storage())?;
        Ok(meta)
    }

    /// The server could not take the revocation now: the tokens stay, marked pending, and the
    /// revocation is tried again at `retry_at`.
    pub fn revocation_pending(
        &self,
        access_id: &str,
        detail: &str,
        retry_after: Option<i64>,
        jitter: f64,
        now: i64,
    ) -> Result<GrantInfo> {
        let g = self.grant_of(access_id)?;
        let n = g.attempts + 1;
        let at = (n <= MAX_RETRIES).then(|| now + backoff_secs(n, jitter, retry_after));
        self.conn()
            .execute(
                "UPDATE grants SET state = 'revocation_pending', detail = ?2, retry_at = ?3,
                     attempts = ?4 WHERE token_id = ?1",
                params![g.token_id, detail, at, n],
            )
            .map_err(self.storage())?;
        self.grant(access_id, now)?
            .ok_or_else(|| Error::NotFound(access_id.to_owned()))
    }
}
