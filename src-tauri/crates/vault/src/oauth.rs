//! What the vault keeps of OAuth: provider profiles (their client secret in the keyring), the
//! grant each OAuth token belongs to (its paired refresh token, the state of the grant, the ID
//! token's claims), and the single-flight, rotation-safe refresh.
//!
//! Refresh: one process at a time per token, across threads and processes, by an OS lock on
//! `locks/refresh-<id>.lock` ([`Vault::lock_refresh`]). Under the lock the grant is read again:
//! a token refreshed moments ago (by the app while the CLI waited, say) is not refreshed again,
//! so many callers make one token request. A new refresh token is stored before the old one is
//! let go; when the server sends none, the old one stays.

use std::fs::File;

use rusqlite::{OptionalExtension, params};

use tokenkeeper_core::{
    Secret, inspect,
    model::{ExpirySource, NewTokenMeta, TokenKind, TokenMeta},
    oauth::{Flow, Issued, Profile, refresh_expiry, validate_profile_name},
};

use crate::{
    error::{Error, Result},
    keyring::ItemTag,
    vault::Vault,
};

/// The keyring account of a profile's client secret. It has no `.gN` suffix, so the
/// token reconcile never takes it for a token's.
fn client_key(profile: &str) -> String {
    format!("client.{profile}")
}

/// Held while one refresh of one token is under way.
pub struct RefreshLock {
    pub(crate) access_id: String,
    pub(crate) _file: File,
}

/// What a refresh under the lock has to work with.
pub struct RefreshTicket {
    pub access_id: String,
    pub refresh_id: Option<String>,
    /// None for a client-credentials grant: it is renewed by asking again.
    pub refresh: Option<Secret>,
    pub profile: Profile,
    pub client_secret: Option<Secret>,
    pub flow: Flow,
}

/// The first step of a refresh.
pub(crate) enum Begin {
    /// Go ahead and ask the server.
    Ask(Box<RefreshTicket>),
    /// Refreshed moments ago by someone else: here it is, no request needed.
    Fresh(Box<TokenMeta>),
}

impl Vault {
    /// Stores a profile, and its client secret in the keyring when given (read back before
    /// the profile is committed). Saving a profile again replaces it.
    pub fn save_profile(
        &self,
        profile: &Profile,
        client_secret: Option<&Secret>,
        now: i64,
    ) -> Result<Profile> {
        validate_profile_name(&profile.name).map_err(Error::invalid)?;
        if profile.client_id.trim().is_empty() {
            return Err(Error::invalid("Give the client id the server issued"));
        }
        let mut p = profile.clone().with_flows();
        let key = client_key(&p.name);
        if let Some(s) = client_secret {
            let tag = ItemTag {
                vault: self.id().to_owned(),
                token_id: key.clone(),
                name: format!("{} client secret", p.name),
            };
            self.secrets.set(&key, &tag, s)?;
            if self.secrets.get(&key)?.as_ref().map(Secret::expose) != Some(s.expose()) {
                return Err(Error::invalid(
                    "The keyring did not give back the client secret just stored; nothing saved",
                ));
            }
            p.has_client_secret = true;
            p = p.with_flows();
        }
        let config = serde_json::to_string(&p).map_err(|e| Error::invalid(e.to_string()))?;
        let has_key = p.has_client_secret.then_some(key);
        self.conn()
            .execute(
                "INSERT INTO providers (id, name, config, created_at, client_key)
                 VALUES (?1, ?1, ?2, ?3, ?4)
                 ON CONFLICT (id) DO UPDATE SET config = ?2, client_key = ?4",
                params![p.name, config, now, has_key],
            )
            .map_err(self.storage())?;
        Ok(p)
    }

    pub fn profiles(&self) -> Result<Vec<Profile>> {
        let conn = self.conn();
        let mut stmt = conn
            .prepare("SELECT config FROM providers ORDER BY id")
            .map_err(self.storage())?;
        let rows = stmt
            .query_map([], |r| r.get::<_, String>(0))
            .map_err(self.storage())?
            .collect::<rusqlite::Result<Vec<_>>>()
            .map_err(self.storage())?;
        Ok(rows
            .iter()
            .filter_map(|c| serde_json::from_str::<Profile>(c).ok())
            .map(Profile::with_flows)
            .collect())
    }

    /// A profile, without touching the keyring.
    pub fn profile_meta(&self, name: &str) -> Result<Profile> {
        let config: Option<String> = self
            .conn()
            .query_row("SELECT config FROM providers WHERE id = ?1", [name], |r| {
                r.get(0)
            })
            .optional()
            .map_err(self.storage())?;
        let config = config.ok_or_else(|| {
            Error::invalid(format!(
                "No provider profile `{name}`: add it with `tokenkeeper provider add {name} --issuer URL --client-id ID`"
            ))
        })?;
        Ok(serde_json::from_str::<Profile>(&config)
            .map_err(|e| Error::invalid(format!("The profile `{name}` cannot be read: {e}")))?
            .with_flows())
    }

    /// A profile and its client secret.
    pub fn profile(&self, name: &str) -> Result<(Profile, Option<Secret>)> {
        let p = self.profile_meta(name)?;
        let secret = if p.has_client_secret {
            Some(self.secrets.get(&client_key(name))?.ok_or_else(|| {
                Error::invalid(format!(
                    "The client secret of `{name}` is missing from the keyring: add the profile again with --client-secret-stdin"
                ))
            })?)
        } else {
            None
        };
        Ok((p, secret))
    }

    /// The keyring accounts that profiles hold (so the reconcile leaves them be).
    pub(crate) fn profile_keys(&self) -> Result<Vec<String>> {
        let conn = self.conn();
        let mut stmt = conn
            .prepare("SELECT client_key FROM providers WHERE client_key IS NOT NULL")
            .map_err(self.storage())?;
        let keys = stmt
            .query_map([], |r| r.get(0))
            .map_err(self.storage())?
            .collect::<rusqlite::Result<Vec<String>>>()
            .map_err(self.storage())?;
        Ok(keys)
    }

    /// Stores what a flow gave: the access token as `PROFILE/NAME`, its refresh token as
    /// `PROFILE/NAME (refresh)`, and the grant that pairs them. `name` None: one from the ID
    /// token (email, login) or the flow.
    pub fn store_grant(
        &self,
        profile: &Profile,
        flow: Flow,
        name: Option<&str>,
        issued: &Issued,
        now: i64,
    ) -> Result<TokenMeta> {
        let id_claims = issued
            .id_token
            .as_ref()
            .and_then(|t| inspect::decode(t.expose(), now).ok())
            .and_then(|i| i.inspection.claims);
        let name = match name.map(str::trim).filter(|n| !n.is_empty()) {
            Some(n) => n.to_owned(),
            None => {
                let from_id = id_claims.as_ref().and_then(|c| {
                    ["email", "preferred_username", "sub"]
                        .iter()
                        .find_map(|k| c[*k].as_str().map(str::to_owned))
                });
                let stem = from_id.unwrap_or_else(|| flow.to_string());
                self.free_name(&profile.name, &format!("{stem} (1"))
                    .map(|n| n.replace(" (1)", ""))?
            }
        };
        // The same name again from the same profile is a new sign-in for that token: its
        // secrets are replaced in place (same id, same history), and the grant is well again.
        let existing = crate::db::tokens::by_name(&self.conn(), Some(&profile.name), &name)
            .map_err(self.storage())?;
        if let Some(row) = existing.first()
            && self.grant_access_id(&row.id)?.as_deref() == Some(row.id.as_str())
        {
            return self.sign_in_again(&row.id, profile, flow, issued, id_claims, now);
        }
        let scopes = issued
            .scopes
            .clone()
            .unwrap_or_else(|| profile.scopes.clone());
        let access = self.add(
            &issued.access,
            NewTokenMeta {
                provider: Some(profile.name.clone()),
                name: name.clone(),
                kind: Some(TokenKind::Access),
                scopes: Some(scopes),
                account: None,
                expires_at: None,
                notes: None,
                tags: None,
                remind: None,
                rotate_every_secs: None,
                instance_url: None,
            },
            now,
        )?;
        self.set_lifetime(&access.id, issued.expires_in, now)?;
        let refresh_id = match &issued.refresh {
            Some(r) => Some(self.add_refresh(profile, &name, r, issued, now)?),
            None => None,
        };
        self.conn()
            .execute(
                "INSERT INTO grants (token_id, profile, flow, refresh_id, id_claims, id_verified,
                     access_signature)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![
                    access.id,
                    profile.name,
                    flow.as_ref(),
                    refresh_id,
                    id_claims.map(|c| c.to_string()),
                    issued.id_verified,
                    issued.access_signature.map(|s| s.as_ref().to_owned())
                ],
            )
            .map_err(self.storage())?;
        self.meta(&access.id, now)
    }

    fn sign_in_again(
        &self,
        access_id: &str,
        profile: &Profile,
        flow: Flow,
        issued: &Issued,
        id_claims: Option<serde_json::Value>,
        now: i64,
    ) -> Result<TokenMeta> {
        let refresh_id = self.grant(access_id, now)?.and_then(|g| g.refresh_id);
        // A sign-in revoked earlier comes back to life with the new one; its history keeps the
        // revocation.
        self.conn()
            .execute(
                "UPDATE tokens SET revoked_at = NULL WHERE id = ?1 OR id = ?2",
                params![access_id, refresh_id],
            )
            .map_err(self.storage())?;
        let ticket = RefreshTicket {
            access_id: access_id.to_owned(),
            refresh_id,
            refresh: None,
            profile: profile.clone(),
            client_secret: None,
            flow,
        };
        self.finish_refresh(&ticket, issued, now * 1000)?;
        self.conn()
            .execute(
                "UPDATE grants SET flow = ?2, id_claims = COALESCE(?3, id_claims) WHERE token_id = ?1",
                params![access_id, flow.as_ref(), id_claims.map(|c| c.to_string())],
            )
            .map_err(self.storage())?;
        self.record(
            access_id,
            tokenkeeper_core::model::EventKind::Edited,
            "signed in again",
            now,
        )?;
        self.meta(access_id, now)
    }

    pub(crate) fn add_refresh(
        &self,
        profile: &Profile,
        name: &str,
        secret: &Secret,
        issued: &Issued,
        now: i64,
    ) -> Result<String> {
        let meta = self.add(
            secret,
            NewTokenMeta {
                provider: Some(profile.name.clone()),
                name: format!("{name} (refresh)"),
                kind: Some(TokenKind::Refresh),
                scopes: Some(vec![]),
                account: None,
                expires_at: None,
                notes: Some(format!("The refresh token of {}/{name}.", profile.name)),
                tags: None,
                // Its expiry is the session's end: remind only at the end, not days before.
                remind: None,
                rotate_every_secs: None,
                instance_url: None,
            },
            now,
        )?;
        self.set_refresh_expiry(&meta.id, secret, issued, profile, now)?;
        Ok(meta.id)
    }

    pub(crate) fn set_refresh_expiry(
        &self,
        id: &str,
        secret: &Secret,
        issued: &Issued,
        profile: &Profile,
        now: i64,
    ) -> Result<()> {
        let jwt_exp = inspect::decode(secret.expose(), now)
            .ok()
            .and_then(|i| i.lifetime.expires_at);
        let (at, source) = match refresh_expiry(
            issued.refresh_expires_in,
            jwt_exp,
            profile.refresh_lifetime_secs,
            now,
        ) {
            Some((at, s)) => (Some(at), Some(s)),
            None => (None, None),
        };
        self.conn()
            .execute(
                "UPDATE tokens SET issued_at = ?2, expires_at = ?3, expiry_source = ?4 WHERE id = ?1",
                params![id, now, at, source.map(|s| s.as_ref().to_owned())],
            )
            .map_err(self.storage())?;
        Ok(())
    }

    /// An access token's lifetime from `expires_in` (else what its JWT says stays).
    pub(crate) fn set_lifetime(&self, id: &str, expires_in: Option<i64>, now: i64) -> Result<()> {
        if let Some(secs) = expires_in.filter(|s| *s > 0) {
            self.conn()
                .execute(
                    "UPDATE tokens SET issued_at = ?2, expires_at = ?3, expiry_source = ?4 WHERE id = ?1",
                    params![id, now, now + secs, ExpirySource::ExpiresIn.as_ref()],
                )
                .map_err(self.storage())?;
        } else {
            self.conn()
                .execute(
                    "UPDATE tokens SET issued_at = COALESCE(issued_at, ?2) WHERE id = ?1",
                    params![id, now],
                )
                .map_err(self.storage())?;
        }
        Ok(())
    }
}
