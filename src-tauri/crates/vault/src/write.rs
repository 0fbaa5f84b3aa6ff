//! The write protocol, which loses nothing when a step fails or the process is killed:
//!
//! 1. Under the lock, briefly: a pending note naming the keyring item about to be written
//!    (and this writer's lease) is committed.
//! 2. Without any lock: the secret is written under a fresh generation and read back.
//! 3. Under the lock: the row is committed, the note removed and, for a replacement, a
//!    "retire" note for the previous generation added, in one transaction.
//! 4. Without any lock: the previous generation is deleted, then its note.
//!
//! A crash before 3 leaves a note whose lease nobody holds: the next open deletes exactly that
//! item. A crash after 3 leaves a retire note: the next open deletes the old item. The
//! previous secret works until the new one is committed.

use rusqlite::{Connection, TransactionBehavior};
use tokenkeeper_core::{
    Secret,
    model::{EventKind, ExpirySource, NewTokenMeta, TokenMeta, TokenPatch},
    providers::proposed_rotation,
};

use crate::{
    db::{
        events,
        pending::{self, Pending, Purpose},
        tokens::{self, TokenRow},
    },
    edit::{
        apply_patch, edit, prepare_secret, validate_leads, validate_name, validate_provider,
        validate_rotation,
    },
    error::{Error, Result},
    keyring::ItemTag,
    vault::{Vault, user_time},
};

/// What step 3 does inside its transaction, given the generation just written. `Ok(Err(_))`
/// rolls back and removes the new item.
type Commit<'a> = Box<dyn FnOnce(&Connection, i64) -> rusqlite::Result<Result<TokenRow>> + 'a>;

impl Vault {
    /// Who an item written for `row` belongs to.
    pub(crate) fn tag(&self, row: &TokenRow) -> ItemTag {
        ItemTag {
            vault: self.id().to_owned(),
            token_id: row.id.clone(),
            name: format!("{}/{}", row.provider, row.name),
        }
    }

    /// Stores a new token: inspects it, fills what the user left out, writes the secret first.
    pub fn add(&self, secret: &Secret, meta: NewTokenMeta, now: i64) -> Result<TokenMeta> {
        self.add_as(uuid::Uuid::new_v4().to_string(), secret, meta, now)
    }

    /// [`Vault::add`] under a given id (a restored backup keeps its tokens' ids).
    pub fn add_as(
        &self,
        id: String,
        secret: &Secret,
        meta: NewTokenMeta,
        now: i64,
    ) -> Result<TokenMeta> {
        let (secret, inspected) = prepare_secret(secret, now)?;
        let insp = &inspected.inspection;
        let provider = meta
            .provider
            .filter(|p| !p.is_empty())
            .or_else(|| insp.provider.clone())
            .unwrap_or_else(|| "other".to_owned());
        validate_provider(&self.conn(), &provider)?;
        let name = validate_name(&meta.name)?;
        let (expires_at, expiry_source) = match meta.expires_at.as_deref() {
            Some(t) if !t.trim().is_empty() => (Some(user_time(t)?), Some(ExpirySource::User)),
            _ => (
                inspected.lifetime.expires_at,
                inspected.lifetime.expires_at.map(|_| ExpirySource::Jwt),
            ),
        };
        let kind = meta.kind.unwrap_or(insp.kind);
        let instance_url = meta
            .instance_url
            .as_deref()
            .map(crate::edit::validate_instance)
            .transpose()?;
        let typed = |given: bool, from_token: bool| {
            if given {
                Some(ExpirySource::User)
            } else {
                from_token.then_some(ExpirySource::Jwt)
            }
        };
        let scopes_source = typed(meta.scopes.is_some(), !insp.scopes.is_empty());
        let account_source = typed(
            meta.account.as_deref().is_some_and(|a| !a.is_empty()),
            insp.account.is_some(),
        );
        let remind = meta.remind.map(validate_leads).transpose()?;
        let rotate_every = match meta.rotate_every_secs {
            Some(every) => Some(validate_rotation(every)?),
            None => proposed_rotation(&provider, kind),
        };
        let row = TokenRow {
            id,
            kind,
            remind,
            rotate_every,
            secret_set_at: now,
            provider,
            name,
            format: insp.format,
            scopes: meta.scopes.unwrap_or_else(|| insp.scopes.clone()),
            account: meta
                .account
                .filter(|a| !a.is_empty())
                .or_else(|| insp.account.clone()),
            created_at: now,
            // A start later than the end (a token added after it expired) is no start at all.
            issued_at: inspected
                .lifetime
                .issued_at
                .filter(|iat| expires_at.is_none_or(|exp| *iat <= exp)),
            not_before: inspected.lifetime.not_before,
            expires_at,
            expiry_source,
            notes: meta.notes.unwrap_or_default(),
            tags: meta.tags.unwrap_or_default(),
            revoked_at: None,
            last_copied_at: None,
            secret_generation: 1,
            secret_missing: false,
            scopes_source,
            account_source,
            instance_url,
        };
        let duplicate = |row: &TokenRow| Error::DuplicateName {
            provider: row.provider.clone(),
            name: row.name.clone(),
        };
        // Checked first so a duplicate costs no keyring write, and again at the commit, where
        // another process may have taken the name in between.
        let taken = tokens::by_name(&self.conn(), Some(&row.provider), &row.name)
            .map_err(self.storage())?;
        if !taken.is_empty() {
            return Err(duplicate(&row));
        }
        let tag = self.tag(&row);
        let format = insp.format;
        let stored = self.write_secret(
            &tag,
            &secret,
            now,
            Box::new(move |tx, generation| {
                if !tokens::by_name(tx, Some(&row.provider), &row.name)?.is_empty() {
                    return Ok(Err(duplicate(&row)));
                }
                let row = TokenRow {
                    secret_generation: generation,
                    ..row
                };
                tokens::insert(tx, &row)?;
                events::append(tx, &row.id, EventKind::Added, format.as_ref(), now)?;
                Ok(Ok(row))
            }),
        )?;
        Ok(stored.into_meta(now))
    }

    /// Replaces a token's secret (a rotation pasted by hand). The old secret stays until the
    /// new one is stored and committed.
    pub fn replace_secret(&self, id: &str, secret: &Secret, now: i64) -> Result<TokenMeta> {
        self.update(id, TokenPatch::default(), Some(secret), now)
    }

    /// Edits a token's metadata and, when `secret` is given, replaces its secret, in one
    /// commit: a failure saves neither. A save that changes nothing writes no event.
    pub fn update(
        &self,
        id: &str,
        patch: TokenPatch,
        secret: Option<&Secret>,
        now: i64,
    ) -> Result<TokenMeta> {
        let current = self.row(id)?;
        // Validated before any keyring call; applied again to the row as it is at commit.
        apply_patch(&self.conn(), current.clone(), &patch)?;
        let Some(secret) = secret else {
            let mut conn = self.conn();
            let tx = conn.transaction().map_err(self.storage())?;
            let row = edit(&tx, id, &patch, None, now).map_err(self.storage())??;
            tx.commit().map_err(self.storage())?;
            return Ok(row.into_meta(now));
        };
        let (secret, inspected) = prepare_secret(secret, now)?;
        let mut tag = self.tag(&current);
        if let (Some(p), Some(n)) = (&patch.provider, &patch.name) {
            tag.name = format!("{p}/{}", n.trim());
        }
        let id = id.to_owned();
        let stored = self.write_secret(
            &tag,
            &secret,
            now,
            Box::new(move |tx, generation| {
                edit(tx, &id, &patch, Some((&inspected, generation)), now)
            }),
        )?;
        Ok(stored.into_meta(now))
    }

    /// Steps 1–4 of the protocol (see the file's header).
    fn write_secret(
        &self,
        tag: &ItemTag,
        secret: &Secret,
        now: i64,
        commit: Commit<'_>,
    ) -> Result<TokenRow> {
        let lease = self.lease()?.id().to_owned();
        // 1. A fresh generation, past the row's and past any note still naming one (a write
        //    that timed out may land later), and its note.
        let (account, generation) = {
            let mut conn = self.conn();
            let tx = conn
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(self.storage())?;
            let generation = tokens::by_id(&tx, &tag.token_id)
                .and_then(|row| {
                    let noted = pending::max_generation(&tx, &tag.token_id)?;
                    Ok(row.map_or(0, |r| r.secret_generation).max(noted) + 1)
                })
                .map_err(self.storage())?;
            let account = tokens::account_key(&tag.token_id, generation);
            let note = Pending {
                account: account.clone(),
                token_id: tag.token_id.clone(),
                purpose: Purpose::New,
                lease,
                started_at: now,
            };
            pending::add(&tx, &note)
                .and_then(|()| tx.commit())
                .map_err(self.storage())?;
            (account, generation)
        };
        // 2. The keyring, with no lock held.
        if let Err(e) = self.secrets.set(&account, tag, secret) {
            // Nothing reached the keyring, so the note has nothing to clean up; unless the call
            // timed out, as it may still land: then the note stays for the next open.
            if !matches!(e, Error::KeyringTimeout { .. }) {
                let _ = pending::remove(&self.conn(), &account);
            }
            return Err(e);
        }
        let stored = self
            .secrets
            .get(&account)
            .and_then(|back| match back {
                Some(b) if b == *secret => Ok(()),
                _ => Err(Error::KeyringFailure {
                    detail: "the keyring did not return what was just stored in it".into(),
                }),
            })
            .and_then(|()| fault_point("after_keyring_write"))
            // 3. The row, under the lock.
            .and_then(|()| self.commit_write(&account, generation, now, commit));
        let (row, retired) = match stored {
            Ok(done) => done,
            Err(e) => {
                // Not committed: remove the new item now, then its note. If the keyring
                // refuses, the note stays and the next open retries.
                match self.secrets.delete(&account) {
                    Ok(()) => {
                        let _ = pending::remove(&self.conn(), &account);
                    }
                    Err(cleanup) => {
                        tracing::warn!("could not remove an uncommitted secret: {cleanup}")
                    }
                }
                return Err(e);
            }
        };
        // 4. The previous generation goes last; until then it is a committed "retire" note.
        if let Some(old) = retired {
            self.retire(&old);
        }
        Ok(row)
    }

    fn commit_write(
        &self,
        account: &str,
        generation: i64,
        now: i64,
        commit: Commit<'_>,
    ) -> Result<(TokenRow, Option<String>)> {
        let mut conn = self.conn();
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(self.storage())?;
        let token_id = tokens::parse_account_key(account).map_or("", |(id, _)| id);
        let previous = tokens::by_id(&tx, token_id)
            .map_err(self.storage())?
            .map(|r| r.account_key());
        let row = commit(&tx, generation).map_err(self.storage())??;
        pending::remove(&tx, account).map_err(self.storage())?;
        if let Some(old) = &previous {
            let note = Pending {
                account: old.clone(),
                token_id: token_id.to_owned(),
                purpose: Purpose::Retire,
                lease: self.lease()?.id().to_owned(),
                started_at: now,
            };
            pending::add(&tx, &note).map_err(self.storage())?;
        }
        tx.commit().map_err(self.storage())?;
        Ok((row, previous))
    }

    /// Deletes a keyring item no row points at any more, then its note. A failure leaves the
    /// note for the next open.
    pub(crate) fn retire(&self, account: &str) {
        match self.secrets.delete(account) {
            Ok(()) => {
                if let Err(e) = pending::remove(&self.conn(), account) {
                    tracing::warn!("retired secret's note left behind: {e}");
                }
            }
            Err(e) => tracing::warn!("old secret left for the next open to remove: {e}"),
        }
    }

    /// Deletes the row (leaving a note), then its secret. A secret left behind by a failure
    /// here is removed by the next open.
    pub fn remove(&self, id: &str, now: i64) -> Result<()> {
        // Refuse up front while the keyring is unreachable or locked: otherwise the row goes,
        // the secret stays, and the user is told the removal failed. The probe reads this very
        // item, as a locked collection answers for an absent one without unlocking.
        let row = self.row(id)?;
        if row.secret_generation == 0 {
            // Revoked: its secret is gone already; only the row and its history remain.
            let conn = self.conn();
            tokens::delete(&conn, id).map_err(self.storage())?;
            self.forget_refresh_lock(id);
            return Ok(());
        }
        self.secrets.get(&row.account_key())?;
        let lease = self.lease()?.id().to_owned();
        let account = {
            let mut conn = self.conn();
            let tx = conn.transaction().map_err(self.storage())?;
            let row = tokens::by_id(&tx, id)
                .map_err(self.storage())?
                .ok_or_else(|| Error::NotFound(id.to_owned()))?;
            tokens::delete(&tx, id).map_err(self.storage())?;
            let note = Pending {
                account: row.account_key(),
                token_id: id.to_owned(),
                purpose: Purpose::Retire,
                lease,
                started_at: now,
            };
            pending::add(&tx, &note).map_err(self.storage())?;
            tx.commit().map_err(self.storage())?;
            row.account_key()
        };
        self.forget_refresh_lock(id);
        self.secrets.delete(&account)?;
        pending::remove(&self.conn(), &account).map_err(self.storage())
    }
}

/// Test hook (only with the `test-support` feature, which `cargo test` turns on for the binaries
/// it tests and no shipped build has): `TOKENKEEPER_FAULT=<point>:fail` returns an error at
/// `point`, `<point>:abort` kills the process there, to prove that no step loses data.
/// `<point>:fail@N` (or `abort@N`) acts only the Nth time this process reaches `point`, so a
/// command that writes several secrets can be failed halfway.
fn fault_point(point: &str) -> Result<()> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    /// How often the point named in `TOKENKEEPER_FAULT` was reached in this process.
    static REACHED: AtomicUsize = AtomicUsize::new(0);
    if cfg!(feature = "test-support")
        && let Ok(spec) = std::env::var("TOKENKEEPER_FAULT")
        && let Some(action) = spec.strip_prefix(point).and_then(|r| r.strip_prefix(':'))
    {
        let (action, nth) = match action.split_once('@') {
            Some((action, n)) => (action, n.parse::<usize>().ok()),
            None => (action, None),
        };
        let reached = REACHED.fetch_add(1, Ordering::SeqCst) + 1;
        if nth.is_some_and(|n| n != reached) {
            return Ok(());
        }
        match action {
            "abort" => std::process::abort(),
            _ => return Err(Error::Internal(format!("injected fault at {point}"))),
        }
    }
    Ok(())
}
