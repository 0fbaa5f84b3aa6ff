//! The vault: token metadata in SQLite, secrets in a [`SecretStore`], kept consistent.
//!
//! Write order that loses nothing: under SQLite's write lock, write the new secret under a fresh
//! generation and read it back, commit the row, then delete the old generation. A reconciler
//! (also under the write lock, so it never sees a live writer's half-done work) removes orphaned
//! generations and flags rows whose secret is missing.

use std::{
    collections::HashSet,
    path::{Path, PathBuf},
    sync::{Arc, Mutex, MutexGuard},
};

use rusqlite::{Connection, TransactionBehavior};

use crate::{
    clock::parse_rfc3339,
    db::{self, events, pending, settings, tokens, tokens::TokenRow},
    error::{Error, Result},
    inspect::{self, Inspected},
    keyring::SecretStore,
    model::{
        EventKind, ExpirySource, KeyringHealth, NewTokenMeta, TokenDetail, TokenMeta, TokenPatch,
    },
    paths, providers,
    secret::Secret,
};

/// What a reconcile pass found and did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ReconcileReport {
    pub orphans_removed: usize,
    pub flagged_missing: usize,
    pub recovered: usize,
}

pub struct Vault {
    db: Mutex<Connection>,
    db_path: PathBuf,
    secrets: Arc<dyn SecretStore>,
}

impl Vault {
    /// Opens (creating and migrating) the database in `dir`. Touches no keyring.
    pub fn open_metadata(dir: &Path, secrets: Arc<dyn SecretStore>) -> Result<Vault> {
        paths::ensure_dir(dir)?;
        let db_path = dir.join("tokenkeeper.db");
        let conn = db::open(&db_path)?;
        Ok(Vault {
            db: Mutex::new(conn),
            db_path,
            secrets,
        })
    }

    /// Opens the vault and finishes what a crashed writer left (see [`Vault::recover`]). A
    /// keyring failure does not fail the open (metadata stays usable); it is returned beside
    /// the vault.
    pub fn open(dir: &Path, secrets: Arc<dyn SecretStore>) -> Result<(Vault, Option<Error>)> {
        let vault = Self::open_metadata(dir, secrets)?;
        let problem = vault.recover().err();
        if let Some(e) = &problem {
            tracing::debug!(code = ?e.code(), "reconcile skipped: {e}");
        }
        Ok((vault, problem))
    }

    pub fn db_path(&self) -> &Path {
        &self.db_path
    }

    pub fn secret_store(&self) -> &Arc<dyn SecretStore> {
        &self.secrets
    }

    fn conn(&self) -> MutexGuard<'_, Connection> {
        self.db.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn storage(&self) -> impl FnOnce(rusqlite::Error) -> Error + '_ {
        Error::storage(&self.db_path)
    }

    pub fn health(&self) -> KeyringHealth {
        match self.secrets.check() {
            Ok(()) => KeyringHealth {
                ok: true,
                error: None,
            },
            Err(e) => KeyringHealth {
                ok: false,
                error: Some(e.info()),
            },
        }
    }

    /// Cleans up after writers that died mid-way: each left a `pending_secrets` row naming the
    /// keyring entry to keep or delete. Costs one SELECT and no keyring call when nothing is
    /// pending, so every open can afford it.
    pub fn recover(&self) -> Result<ReconcileReport> {
        let now = crate::clock::now_unix();
        let mut conn = self.conn();
        let notes = pending::all(&conn).map_err(self.storage())?;
        if !notes.iter().any(|p| pending::is_abandoned(p, now)) {
            return Ok(ReconcileReport::default());
        }
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(self.storage())?;
        let mut report = ReconcileReport::default();
        for note in pending::all(&tx).map_err(self.storage())? {
            if !pending::is_abandoned(&note, now) {
                continue;
            }
            let live = tokens::by_id(&tx, &note.token_id)
                .map_err(self.storage())?
                .is_some_and(|row| row.account_key() == note.account);
            if !live {
                self.secrets.delete(&note.account)?;
                report.orphans_removed += 1;
            }
            pending::remove(&tx, &note.account).map_err(self.storage())?;
        }
        tx.commit().map_err(self.storage())?;
        tracing::info!(?report, "recovered from an interrupted keyring write");
        Ok(report)
    }

    /// The full check: removes keyring entries no row points at and flags rows whose secret
    /// is gone. Reads every entry's attributes, so it runs at app start (in the background)
    /// and from `tokenkeeper doctor`, not on every CLI call.
    pub fn reconcile(&self) -> Result<ReconcileReport> {
        let mut report = self.recover()?;
        // The scan reads every entry over D-Bus, so it runs before the database is locked:
        // lists and writers are not kept waiting. That is safe because a writer commits its
        // pending note before it writes an entry and keeps a retiring entry's note until the
        // entry is gone, so anything the snapshot holds that no row or note names is an orphan.
        let accounts: HashSet<String> = self.secrets.accounts()?.into_iter().collect();
        let mut conn = self.conn();
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(self.storage())?;
        let rows = tokens::generations(&tx).map_err(self.storage())?;
        let mut keep: HashSet<String> = rows
            .iter()
            .map(|(id, g, _)| tokens::account_key(id, *g))
            .collect();
        keep.extend(
            pending::all(&tx)
                .map_err(self.storage())?
                .into_iter()
                .map(|p| p.account),
        );
        for account in &accounts {
            if !keep.contains(account) && tokens::parse_account_key(account).is_some() {
                self.secrets.delete(account)?;
                report.orphans_removed += 1;
            }
        }
        let now = crate::clock::now_unix();
        for (id, generation, was_missing) in rows {
            let key = tokens::account_key(&id, generation);
            // An entry written after the snapshot is not in it: ask for that one before
            // calling it lost.
            let present =
                accounts.contains(&key) || (!was_missing && self.secrets.get(&key)?.is_some());
            if present == was_missing {
                tokens::set_missing(&tx, &id, !present).map_err(self.storage())?;
                if present {
                    report.recovered += 1;
                } else {
                    events::append(&tx, &id, EventKind::SecretMissing, "", now)
                        .map_err(self.storage())?;
                    report.flagged_missing += 1;
                }
            }
        }
        tx.commit().map_err(self.storage())?;
        if report != ReconcileReport::default() {
            tracing::info!(?report, "reconciled vault with keyring");
        }
        Ok(report)
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

    fn row(&self, id: &str) -> Result<TokenRow> {
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

    /// Stores a new token: inspects it, fills what the user left out, writes the secret first.
    pub fn add(&self, secret: &Secret, meta: NewTokenMeta, now: i64) -> Result<TokenMeta> {
        let (secret, inspected) = prepare_secret(secret, now)?;
        let insp = &inspected.inspection;
        let provider = meta
            .provider
            .filter(|p| !p.is_empty())
            .or_else(|| insp.provider.clone())
            .unwrap_or_else(|| "other".to_owned());
        validate_provider(&provider)?;
        let name = validate_name(&meta.name)?;
        let (expires_at, expiry_source) = match meta.expires_at.as_deref() {
            Some(t) if !t.trim().is_empty() => (Some(parse_rfc3339(t)?), Some(ExpirySource::User)),
            _ => (
                inspected.lifetime.expires_at,
                inspected.lifetime.expires_at.map(|_| ExpirySource::Jwt),
            ),
        };
        let row = TokenRow {
            id: uuid::Uuid::new_v4().to_string(),
            provider,
            name,
            kind: meta.kind.unwrap_or(insp.kind),
            format: insp.format,
            scopes: meta.scopes.unwrap_or_else(|| inspected.scopes.clone()),
            account: meta
                .account
                .filter(|a| !a.is_empty())
                .or_else(|| inspected.subject.clone()),
            created_at: now,
            issued_at: inspected.lifetime.issued_at,
            not_before: inspected.lifetime.not_before,
            expires_at,
            expiry_source,
            notes: meta.notes.unwrap_or_default(),
            tags: meta.tags.unwrap_or_default(),
            revoked_at: None,
            last_copied_at: None,
            secret_generation: 1,
            secret_missing: false,
        };
        let duplicate = || Error::DuplicateName {
            provider: row.provider.clone(),
            name: row.name.clone(),
        };
        // Checked first so a duplicate costs no keyring write, and again under the write lock,
        // where another process may have taken the name in between.
        let taken = tokens::by_name(&self.conn(), Some(&row.provider), &row.name)
            .map_err(self.storage())?;
        if !taken.is_empty() {
            return Err(duplicate());
        }
        self.write_secret(&row, None, &secret, |tx| {
            if !tokens::by_name(tx, Some(&row.provider), &row.name)?.is_empty() {
                return Ok(Err(duplicate()));
            }
            tokens::insert(tx, &row)?;
            events::append(
                tx,
                &row.id,
                EventKind::Added,
                &db::enum_to_sql(&insp.format),
                now,
            )?;
            Ok(Ok(()))
        })?;
        Ok(row.into_meta(now))
    }

    /// Replaces a token's secret (a rotation pasted by hand). The old secret stays until the
    /// new one is stored and committed.
    pub fn replace_secret(&self, id: &str, secret: &Secret, now: i64) -> Result<TokenMeta> {
        let (secret, inspected) = prepare_secret(secret, now)?;
        let old = self.row(id)?;
        let mut row = old.clone();
        row.secret_generation = old.secret_generation + 1;
        row.secret_missing = false;
        row.format = inspected.inspection.format;
        row.issued_at = inspected.lifetime.issued_at;
        row.not_before = inspected.lifetime.not_before;
        if inspected.lifetime.expires_at.is_some() || old.expiry_source == Some(ExpirySource::Jwt) {
            row.expires_at = inspected.lifetime.expires_at;
            row.expiry_source = row.expires_at.map(|_| ExpirySource::Jwt);
        }
        self.write_secret(&row, Some(&old), &secret, |tx| {
            if tokens::update(tx, &row)? == 0 {
                return Ok(Err(Error::NotFound(row.id.clone())));
            }
            events::append(tx, &row.id, EventKind::SecretReplaced, "", now)?;
            Ok(Ok(()))
        })?;
        Ok(row.into_meta(now))
    }

    /// The write protocol. `commit_rows` runs inside the transaction after the secret is
    /// stored and read back; returning `Ok(Err(_))` rolls back and removes the new secret.
    fn write_secret(
        &self,
        row: &TokenRow,
        old: Option<&TokenRow>,
        secret: &Secret,
        commit_rows: impl FnOnce(&Connection) -> rusqlite::Result<Result<()>>,
    ) -> Result<()> {
        let now = crate::clock::now_unix();
        let account = row.account_key();
        let mut conn = self.conn();
        // 1. A note, committed first, names the entry about to be written: if this process
        //    dies before step 2 commits, the next open deletes exactly that entry.
        pending::add(&conn, &account, &row.id, "new", now).map_err(self.storage())?;
        // 2. Under the write lock: store, read back, commit the row (and retire the old
        //    generation's note) in one transaction.
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(self.storage())?;
        let label = format!("Tokenkeeper: {}/{}", row.provider, row.name);
        if let Err(e) = self.secrets.set(&account, &label, secret) {
            // Nothing reached the keyring, so the note has nothing to clean up; unless the call
            // timed out, as it may still land: then the note stays for the next open.
            drop(tx);
            if !matches!(e, Error::KeyringTimeout { .. }) {
                let _ = pending::remove(&conn, &account);
            }
            return Err(e);
        }
        let committed = self
            .secrets
            .get(&account)
            .and_then(|back| match back {
                Some(b) if b == *secret => Ok(()),
                _ => Err(Error::KeyringFailure {
                    detail: "the keyring did not return what was just stored in it".into(),
                }),
            })
            .and_then(|()| fault_point("after_keyring_write"))
            .and_then(|()| commit_rows(&tx).map_err(self.storage())?)
            .and_then(|()| {
                let finish = || -> rusqlite::Result<()> {
                    pending::remove(&tx, &account)?;
                    if let Some(old) = old {
                        pending::add(&tx, &old.account_key(), &old.id, "retire", now)?;
                    }
                    Ok(())
                };
                finish().and_then(|()| tx.commit()).map_err(self.storage())
            });
        if let Err(e) = committed {
            // The row was not committed: remove the new entry now, and its note with it. If the
            // keyring refuses, the note stays and the next open retries.
            match self.secrets.delete(&account) {
                Ok(()) => {
                    let _ = pending::remove(&conn, &account);
                }
                Err(cleanup) => tracing::warn!("could not remove an uncommitted secret: {cleanup}"),
            }
            return Err(e);
        }
        // 3. The old generation goes last; until then it is a committed "retire" note.
        if let Some(old) = old {
            self.retire(&conn, &old.account_key());
        }
        Ok(())
    }

    /// Deletes a keyring entry whose row no longer points at it, then its note. A failure
    /// leaves the note for the next open.
    fn retire(&self, conn: &Connection, account: &str) {
        match self.secrets.delete(account) {
            Ok(()) => {
                if let Err(e) = pending::remove(conn, account) {
                    tracing::warn!("retired secret's note left behind: {e}");
                }
            }
            Err(e) => tracing::warn!("old secret left for the next open to remove: {e}"),
        }
    }

    /// The secret of token `id`. `tokenkeeper get`, copy and reveal use this; nothing else.
    pub fn secret(&self, id: &str) -> Result<Secret> {
        // A writer may commit a new generation between our row read and keyring read; the
        // second attempt sees the new row.
        for _ in 0..2 {
            let row = self.row(id)?;
            if let Some(s) = self.secrets.get(&row.account_key())? {
                return Ok(s);
            }
            if self.row(id)?.secret_generation == row.secret_generation {
                tokens::set_missing(&self.conn(), id, true).map_err(self.storage())?;
                return Err(Error::SecretMissing {
                    token: format!("{}/{}", row.provider, row.name),
                });
            }
        }
        Err(Error::SecretMissing {
            token: id.to_owned(),
        })
    }

    /// Metadata, decoded token, masked preview and events for the detail pane.
    pub fn detail(&self, id: &str, now: i64) -> Result<TokenDetail> {
        let secret = self.secret(id);
        // Read after the secret: a missing one has just been flagged on the row.
        let meta = self.row(id)?.into_meta(now);
        let events = self.events(id, 200)?;
        let (inspection, masked, secret_error) = match secret {
            Ok(secret) => match inspect::decode(secret.expose(), now) {
                Ok(i) => {
                    let mut insp = i.inspection;
                    // A stored token's status is the row's: it knows revocation and overrides.
                    insp.status = meta.status;
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
        })
    }

    pub fn update(&self, id: &str, patch: TokenPatch, now: i64) -> Result<TokenMeta> {
        let mut conn = self.conn();
        let tx = conn.transaction().map_err(self.storage())?;
        let mut row = tokens::by_id(&tx, id)
            .map_err(self.storage())?
            .ok_or_else(|| Error::NotFound(id.to_owned()))?;
        if let Some(p) = patch.provider {
            validate_provider(&p)?;
            row.provider = p;
        }
        if let Some(n) = patch.name {
            row.name = validate_name(&n)?;
        }
        if let Some(k) = patch.kind {
            row.kind = k;
        }
        if let Some(s) = patch.scopes {
            row.scopes = s;
        }
        if let Some(a) = patch.account {
            row.account = Some(a).filter(|a| !a.is_empty());
        }
        if let Some(exp) = patch.expires_at {
            row.expires_at = exp.as_deref().map(parse_rfc3339).transpose()?;
            row.expiry_source = row.expires_at.map(|_| ExpirySource::User);
        }
        if let Some(n) = patch.notes {
            row.notes = n;
        }
        if let Some(t) = patch.tags {
            row.tags = t;
        }
        let clash = tokens::by_name(&tx, Some(&row.provider), &row.name)
            .map_err(self.storage())?
            .into_iter()
            .any(|other| other.id != row.id);
        if clash {
            return Err(Error::DuplicateName {
                provider: row.provider,
                name: row.name,
            });
        }
        tokens::update(&tx, &row).map_err(self.storage())?;
        events::append(&tx, id, EventKind::Edited, "", now).map_err(self.storage())?;
        tx.commit().map_err(self.storage())?;
        Ok(row.into_meta(now))
    }

    /// Deletes the row (leaving a note), then its secret. A secret left behind by a failure
    /// here is removed by the next open.
    pub fn remove(&self, id: &str) -> Result<()> {
        // Refuse up front while the keyring is unreachable or locked: otherwise the row goes,
        // the secret stays, and the user is told the removal failed. The probe reads this very
        // entry, as a locked collection answers for an absent one without unlocking.
        self.secrets.get(&self.row(id)?.account_key())?;
        let now = crate::clock::now_unix();
        let mut conn = self.conn();
        let tx = conn.transaction().map_err(self.storage())?;
        let row = tokens::by_id(&tx, id)
            .map_err(self.storage())?
            .ok_or_else(|| Error::NotFound(id.to_owned()))?;
        tokens::delete(&tx, id).map_err(self.storage())?;
        pending::add(&tx, &row.account_key(), id, "retire", now).map_err(self.storage())?;
        tx.commit().map_err(self.storage())?;
        self.secrets.delete(&row.account_key())?;
        pending::remove(&conn, &row.account_key()).map_err(self.storage())
    }

    /// A token's event log, newest first.
    pub fn events(&self, id: &str, limit: u32) -> Result<Vec<crate::model::TokenEvent>> {
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
    pub fn settings(&self) -> Result<crate::model::Settings> {
        let mut s = crate::model::Settings::default();
        if let Some(v) = self
            .setting("clipboard_clear_secs")?
            .and_then(|v| v.parse().ok())
        {
            s.clipboard_clear_secs = v;
        }
        Ok(s)
    }

    pub fn save_settings(&self, s: &crate::model::Settings) -> Result<crate::model::Settings> {
        if !(5..=600).contains(&s.clipboard_clear_secs) {
            return Err(Error::InvalidInput(
                "The clipboard timeout must be between 5 and 600 seconds".into(),
            ));
        }
        self.set_setting("clipboard_clear_secs", &s.clipboard_clear_secs.to_string())?;
        Ok(s.clone())
    }

    pub fn setting(&self, key: &str) -> Result<Option<String>> {
        settings::get(&self.conn(), key).map_err(self.storage())
    }

    pub fn set_setting(&self, key: &str, value: &str) -> Result<()> {
        settings::set(&self.conn(), key, value).map_err(self.storage())
    }
}

/// Normalises and inspects a secret before it is stored. A malformed token is refused with the
/// inspection's error; nothing is written.
fn prepare_secret(secret: &Secret, now: i64) -> Result<(Secret, Inspected)> {
    let inspected = inspect::decode(secret.expose(), now)?;
    let normalized = Secret::new(inspect::normalize(secret.expose()).to_owned());
    Ok((normalized, inspected))
}

fn validate_name(name: &str) -> Result<String> {
    let n = name.trim();
    if n.is_empty() {
        return Err(Error::InvalidInput(
            "Give the token a name, such as `ci-deploy`".into(),
        ));
    }
    if n.contains('/') || n.chars().any(char::is_control) || n.chars().count() > 100 {
        return Err(Error::InvalidInput(format!(
            "`{n}` cannot be a name: use up to 100 characters without `/`"
        )));
    }
    Ok(n.to_owned())
}

fn validate_provider(id: &str) -> Result<()> {
    if providers::is_known(id) {
        return Ok(());
    }
    let known: Vec<String> = providers::catalog().into_iter().map(|p| p.id).collect();
    Err(Error::InvalidInput(format!(
        "`{id}` is not a provider; use one of {} or oidc:<name>",
        known.join(", ")
    )))
}

/// Test hook (debug builds only): `TOKENKEEPER_FAULT=<point>:fail` returns an error at `point`,
/// `<point>:abort` kills the process there, to prove that no step loses data.
fn fault_point(point: &str) -> Result<()> {
    if cfg!(debug_assertions)
        && let Ok(spec) = std::env::var("TOKENKEEPER_FAULT")
        && let Some(action) = spec.strip_prefix(point).and_then(|r| r.strip_prefix(':'))
    {
        match action {
            "abort" => std::process::abort(),
            _ => return Err(Error::Internal(format!("injected fault at {point}"))),
        }
    }
    Ok(())
}
