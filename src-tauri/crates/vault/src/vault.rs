//! The vault: token metadata in SQLite, secrets in a [`SecretStore`], kept consistent by the
//! write protocol in `write.rs` and the recovery in `reconcile.rs`. This file opens a vault and
//! answers reads.
//!
//! The in-process lock on the connection is only ever held for SQLite work, never across a
//! keyring call, so a list answers at once however slow the keyring is.

use std::{
    path::{Path, PathBuf},
    sync::{Arc, Mutex, MutexGuard, OnceLock},
};

use rusqlite::Connection;
use tokenkeeper_core::{
    Secret,
    clock::parse_rfc3339,
    inspect,
    model::{EventKind, KeyringHealth, Settings, TokenDetail, TokenEvent, TokenMeta},
};

use crate::{
    db::{self, events, settings, storage_error, tokens, tokens::TokenRow},
    error::{Error, Result},
    identity,
    keyring::SecretStore,
    lease::Lease,
    paths,
};

pub struct Vault {
    db: Mutex<Connection>,
    pub(crate) dir: PathBuf,
    db_path: PathBuf,
    id: String,
    pub(crate) secrets: Arc<dyn SecretStore>,
    /// Taken on the first write, held for the life of the vault (see `lease.rs`).
    lease: OnceLock<Lease>,
    /// Set by a reconcile that found a keyring holding none of this vault's items: how many
    /// secrets it expected. Cleared when one is readable again.
    pub(crate) foreign_keyring: Mutex<Option<usize>>,
}

pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Vault {
    /// Opens (creating and migrating) the database in `dir`. Touches no keyring.
    pub fn open_metadata(dir: &Path, secrets: Arc<dyn SecretStore>) -> Result<Vault> {
        paths::ensure_private_dir(dir)?;
        let db_path = dir.join("tokenkeeper.db");
        let conn = db::open(&db_path)?;
        for suffix in ["", "-wal", "-shm"] {
            paths::make_private(&PathBuf::from(format!("{}{suffix}", db_path.display())))?;
        }
        let id = identity::resolve(dir, &db_path, &conn)?;
        Ok(Vault {
            db: Mutex::new(conn),
            dir: dir.to_path_buf(),
            db_path,
            id,
            secrets,
            lease: OnceLock::new(),
            foreign_keyring: Mutex::new(None),
        })
    }

    /// Opens the vault and finishes what a crashed writer left (see [`Vault::recover`]). A
    /// keyring failure does not fail the open (metadata stays usable); it is returned beside
    /// the vault.
    pub fn open(
        dir: &Path,
        secrets: Arc<dyn SecretStore>,
        now: i64,
    ) -> Result<(Vault, Option<Error>)> {
        let vault = Self::open_metadata(dir, secrets)?;
        let problem = vault.recover(now).err();
        if let Some(e) = &problem {
            tracing::debug!(code = ?e.code(), "recovery skipped: {e}");
        }
        Ok((vault, problem))
    }

    /// This data folder's vault id, carried by every keyring item it writes.
    pub fn id(&self) -> &str {
        &self.id
    }

    pub fn db_path(&self) -> &Path {
        &self.db_path
    }

    pub fn secret_store(&self) -> &Arc<dyn SecretStore> {
        &self.secrets
    }

    pub(crate) fn conn(&self) -> MutexGuard<'_, Connection> {
        lock(&self.db)
    }

    pub(crate) fn storage(&self) -> impl FnOnce(rusqlite::Error) -> Error + '_ {
        |e| storage_error(&self.db_path, e)
    }

    pub(crate) fn held_lease(&self) -> Option<&Lease> {
        self.lease.get()
    }

    pub(crate) fn lease(&self) -> Result<&Lease> {
        if let Some(l) = self.lease.get() {
            return Ok(l);
        }
        let taken = Lease::take(&self.dir)?;
        Ok(self.lease.get_or_init(|| taken))
    }

    /// The keyring's state for the app's banner: reachable and unlocked, and holding this
    /// vault's items as far as the last reconcile saw.
    pub fn health(&self) -> KeyringHealth {
        let problem = self.secrets.check().err().or_else(|| {
            lock(&self.foreign_keyring).map(|expected| Error::KeyringNotThisVault {
                service: self.secrets.service().to_owned(),
                expected,
            })
        });
        KeyringHealth {
            ok: problem.is_none(),
            error: problem.map(|e| e.info()),
        }
    }

    /// Changes whenever another connection (the CLI, another window) commits.
    pub fn data_version(&self) -> Result<i64> {
        self.conn()
            .pragma_query_value(None, "data_version", |r| r.get(0))
            .map_err(self.storage())
    }

    /// Every token's metadata, soonest expiry first. Never calls the keyring.
    pub fn list(&self, now: i64) -> Result<Vec<TokenMeta>> {
        let rows = tokens::all(&self.conn()).map_err(self.storage())?;
        Ok(rows.into_iter().map(|r| r.into_meta(now)).collect())
    }

    pub(crate) fn row(&self, id: &str) -> Result<TokenRow> {
        tokens::by_id(&self.conn(), id)
            .map_err(self.storage())?
            .ok_or_else(|| Error::NotFound(id.to_owned()))
    }

    /// Finds a token by id, `provider/name`, or a name unique across providers.
    pub fn resolve(&self, key: &str) -> Result<TokenRow> {
        let conn = self.conn();
        if let Some(row) = tokens::by_id(&conn, key).map_err(self.storage())? {
            return Ok(row);
        }
        let (provider, name) = match key.split_once('/') {
            Some((p, n)) => (Some(p), n),
            None => (None, key),
        };
        let mut found = tokens::by_name(&conn, provider, name).map_err(self.storage())?;
        match found.len() {
            0 => Err(Error::NotFound(key.to_owned())),
            1 => Ok(found.remove(0)),
            _ => Err(Error::Ambiguous(key.to_owned())),
        }
    }

    pub fn meta(&self, id: &str, now: i64) -> Result<TokenMeta> {
        Ok(self.row(id)?.into_meta(now))
    }

    /// The secret of token `id`. `tokenkeeper get`, copy and reveal use this; nothing else.
    pub fn secret(&self, id: &str, now: i64) -> Result<Secret> {
        // A writer may commit a new generation between our row read and keyring read; the
        // second attempt sees the new row.
        for _ in 0..2 {
            let row = self.row(id)?;
            if row.secret_generation == 0 {
                return Err(Error::Revoked {
                    token: format!("{}/{}", row.provider, row.name),
                });
            }
            if let Some(s) = self.secrets.get(&row.account_key())? {
                self.found(&row, now)?;
                return Ok(s);
            }
            if self.row(id)?.secret_generation == row.secret_generation {
                return Err(self.missing(&row, now));
            }
        }
        Err(Error::SecretMissing {
            token: id.to_owned(),
        })
    }

    /// A secret was read: a flag set while it was unreadable clears itself.
    fn found(&self, row: &TokenRow, now: i64) -> Result<()> {
        *lock(&self.foreign_keyring) = None;
        if row.secret_missing {
            let conn = self.conn();
            tokens::set_missing(&conn, &row.id, false).map_err(self.storage())?;
            events::append(&conn, &row.id, EventKind::SecretFound, "", now)
                .map_err(self.storage())?;
        }
        Ok(())
    }

    /// The error for a secret the keyring does not have. When the keyring holds none of this
    /// vault's items at all, that is said once, and no token is flagged.
    fn missing(&self, row: &TokenRow, now: i64) -> Error {
        let token = format!("{}/{}", row.provider, row.name);
        match self.survey_keyring() {
            Ok(Some(expected)) => {
                return Error::KeyringNotThisVault {
                    service: self.secrets.service().to_owned(),
                    expected,
                };
            }
            Ok(None) => {}
            Err(e) => return e,
        }
        if !row.secret_missing {
            let conn = self.conn();
            let flagged = tokens::set_missing(&conn, &row.id, true)
                .and_then(|_| events::append(&conn, &row.id, EventKind::SecretMissing, "", now));
            if let Err(e) = flagged {
                return storage_error(&self.db_path, e);
            }
        }
        Error::SecretMissing { token }
    }

    /// Metadata, decoded token, masked preview and events for the detail pane.
    pub fn detail(&self, id: &str, now: i64) -> Result<TokenDetail> {
        let secret = self.secret(id, now);
        // Read after the secret: a missing one has just been flagged on the row.
        let row = self.row(id)?;
        let reminders = self.reminder_info(&row, now)?;
        let guide = tokenkeeper_core::providers::guide_for(
            &row.provider,
            row.kind,
            secret.as_ref().ok().map(|s| s.expose()),
        );
        let grant = self.grant(id, now)?;
        let can = match (guide, tokenkeeper_core::providers::api(&row.provider)) {
            _ if row.revoked_at.is_some() => Default::default(),
            // An OAuth token is revoked at its server (RFC 7009) when the profile names one.
            _ if grant.is_some() => tokenkeeper_core::providers::Can {
                check: false,
                revoke: grant
                    .as_ref()
                    .and_then(|g| self.profile_meta(&g.profile).ok())
                    .is_some_and(|p| p.endpoints.revocation.is_some()),
                rotate: false,
            },
            (Some(g), Some(_)) => g.can,
            _ => Default::default(),
        };
        let check = self.last_check(id)?;
        let git_hosts = self.git_hosts(id)?;
        let meta = row.into_meta(now);
        let events = self.events(id, 200)?;
        let (inspection, masked, secret_error) = match secret {
            Ok(secret) => match inspect::decode(secret.expose(), now) {
                Ok(i) => {
                    let mut insp = i.inspection;
                    // A stored token's status is the row's: it knows revocation and overrides.
                    insp.status = meta.status;
                    // A sign-in's JWT access token was checked against its issuer's keys.
                    if let Some(sig) = grant.as_ref().and_then(|g| g.access_signature)
                        && grant
                            .as_ref()
                            .is_some_and(|g| g.refresh_id.as_deref() != Some(id))
                    {
                        insp.signature = sig;
                    }
                    (Some(insp), Some(secret.masked(i.prefix)), None)
                }
                Err(e) => (None, Some(secret.masked(None)), Some(e.info())),
            },
            Err(e) => (None, None, Some(e.info())),
        };
        Ok(TokenDetail {
            meta,
            inspection,
            secret_error,
            masked,
            events,
            reminders,
            check,
            guide: guide.map(|g| g.id.clone()),
            can,
            grant,
            git_hosts,
        })
    }

    /// A token's event log, newest first.
    pub fn events(&self, id: &str, limit: u32) -> Result<Vec<TokenEvent>> {
        events::for_token(&self.conn(), id, limit).map_err(self.storage())
    }

    pub fn record(&self, id: &str, kind: EventKind, detail: &str, now: i64) -> Result<()> {
        let conn = self.conn();
        if kind == EventKind::Copied {
            tokens::set_last_copied(&conn, id, now).map_err(self.storage())?;
        }
        events::append(&conn, id, kind, detail, now).map_err(self.storage())
    }

    /// The app's preferences, defaults for anything unset or unreadable.
    pub fn settings(&self) -> Result<Settings> {
        let mut s = Settings::default();
        if let Some(v) = self
            .setting("clipboard_clear_secs")?
            .and_then(|v| v.parse().ok())
        {
            s.clipboard_clear_secs = v;
        }
        if let Some(v) = self
            .setting("remind_leads_secs")?
            .and_then(|v| serde_json::from_str(&v).ok())
        {
            s.remind_leads_secs = v;
        }
        if let Some(v) = self.setting("autostart")? {
            s.autostart = v.parse().ok();
        }
        Ok(s)
    }

    pub fn save_settings(&self, s: &Settings) -> Result<Settings> {
        if !(5..=600).contains(&s.clipboard_clear_secs) {
            return Err(Error::invalid(
                "The clipboard timeout must be between 5 and 600 seconds",
            ));
        }
        let leads = crate::edit::validate_leads(s.remind_leads_secs.clone())?;
        self.set_setting("clipboard_clear_secs", &s.clipboard_clear_secs.to_string())?;
        self.set_setting(
            "remind_leads_secs",
            &serde_json::to_string(&leads).unwrap_or_else(|_| "[]".into()),
        )?;
        if let Some(a) = s.autostart {
            self.set_setting("autostart", &a.to_string())?;
        }
        self.settings()
    }

    pub fn setting(&self, key: &str) -> Result<Option<String>> {
        settings::get(&self.conn(), key).map_err(self.storage())
    }

    pub fn set_setting(&self, key: &str, value: &str) -> Result<()> {
        settings::set(&self.conn(), key, value).map_err(self.storage())
    }
}

/// An RFC 3339 time a user typed, as unix seconds.
pub(crate) fn user_time(t: &str) -> Result<i64> {
    Ok(parse_rfc3339(t)?)
}
