//! Keeping the vault and the keyring in step, without ever deleting on suspicion:
//!
//! - [`Vault::recover`] (every open) finishes what a dead writer left: exactly the items its
//!   pending notes name, and only once the note's lease can be taken.
//! - [`Vault::reconcile`] (app start, `doctor`) compares every row with this vault's items:
//!   it flags rows whose secret is gone, adopts old untagged items its rows name, and reports
//!   (never deletes) items of this vault no row names, and the other vaults on the service.
//! - [`Vault::rebuild`] (`tokenkeeper recover`) makes rows again for this vault's unexplained
//!   items, or adopts those of a vault whose data folder is gone.
//!
//! Only items tagged with this vault, or untagged ones a row here names, are ever touched.

use std::collections::{BTreeMap, HashSet};

use rusqlite::TransactionBehavior;
use tokenkeeper_core::{
    inspect,
    model::{EventKind, ExpirySource},
};

use crate::{
    db::{
        events,
        pending::{self, Purpose},
        tokens::{self, TokenRow},
    },
    edit::{validate_name, validate_provider},
    error::{Error, Result},
    keyring::StoredItem,
    lease,
    vault::{Vault, lock},
};

/// What a reconcile pass found and did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ReconcileReport {
    /// Items a dead writer's note proved orphaned, deleted.
    pub orphans_removed: usize,
    /// Rows newly flagged because their secret is gone.
    pub flagged_missing: usize,
    /// Rows whose flag cleared because their secret is back.
    pub recovered: usize,
    /// Untagged items (written before vault ids) this vault's rows name, now tagged.
    pub adopted: usize,
    /// Items of this vault that no row or note names: kept, for `tokenkeeper recover`.
    pub unexplained: Vec<StoredItem>,
    /// Other vaults' ids seen on the service, with how many items each has.
    pub other_vaults: BTreeMap<String, usize>,
    /// Untagged items no row here names (another vault's, from before vault ids): untouched.
    pub untagged: usize,
    /// The keyring answers but holds none of this vault's items: how many it should hold.
    /// Nothing is flagged then.
    pub not_this_vault: Option<usize>,
}

/// What `tokenkeeper recover` rebuilt.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct RebuildReport {
    /// `provider/name` of each row made again.
    pub rebuilt: Vec<String>,
    /// Items left as they were, with why.
    pub skipped: Vec<(String, String)>,
}

impl Vault {
    /// Cleans up after writers that died mid-way: each left a `pending_secrets` row naming the
    /// keyring item to keep or delete. Costs one SELECT and no keyring call when nothing is
    /// pending, so every open can afford it.
    pub fn recover(&self, _now: i64) -> Result<ReconcileReport> {
        let own = self.lease_id();
        let notes = pending::all(&self.conn()).map_err(self.storage())?;
        let mut report = ReconcileReport::default();
        for note in notes {
            if Some(note.lease.as_str()) == own.as_deref()
                || !lease::is_abandoned(&self.dir, &note.lease)
            {
                continue;
            }
            // A "new" item its row points at was committed after all; anything else the note
            // names is the dead writer's and no row's.
            let live = note.purpose == Purpose::New
                && tokens::by_id(&self.conn(), &note.token_id)
                    .map_err(self.storage())?
                    .is_some_and(|row| row.account_key() == note.account);
            if !live {
                self.secrets.delete(&note.account)?;
                report.orphans_removed += 1;
            }
            pending::remove(&self.conn(), &note.account).map_err(self.storage())?;
        }
        if report != ReconcileReport::default() {
            tracing::info!(?report, "recovered from an interrupted keyring write");
        }
        Ok(report)
    }

    /// Only a vault that has written holds a lease; one that has not owns no notes.
    fn lease_id(&self) -> Option<String> {
        self.held_lease().map(|l| l.id().to_owned())
    }

    /// Which of the scanned items are this vault's: tagged with its id, or untagged and named
    /// by one of its rows.
    fn partition(&self, items: Vec<StoredItem>, named: &HashSet<String>) -> Partition {
        let mut p = Partition::default();
        for item in items {
            match item.vault.as_deref() {
                Some(v) if v == self.id() => p.mine.push(item),
                Some(other) => *p.other_vaults.entry(other.to_owned()).or_default() += 1,
                None if named.contains(&item.account) => p.untagged_mine.push(item),
                None => p.untagged += 1,
            }
        }
        p
    }

    /// `Some(expected)` when the keyring answers but holds none of this vault's items although
    /// its rows expect some; `None` when it holds some or none are expected.
    pub(crate) fn survey_keyring(&self) -> Result<Option<usize>> {
        let rows = tokens::generations(&self.conn()).map_err(self.storage())?;
        if rows.is_empty() {
            return Ok(None);
        }
        // A profile's client secret is as much this vault's as a token's.
        let named: HashSet<String> = rows
            .iter()
            .map(|(id, g, _)| tokens::account_key(id, *g))
            .chain(self.profile_keys()?)
            .collect();
        let p = self.partition(self.secrets.items()?, &named);
        let none = p.mine.is_empty() && p.untagged_mine.is_empty();
        let state = none.then_some(rows.len());
        *lock(&self.foreign_keyring) = state;
        Ok(state)
    }

    /// The full check (see the file's header). Reads every item's attributes, so it runs at app
    /// start (in the background) and from `tokenkeeper doctor`, not on every CLI call.
    pub fn reconcile(&self, now: i64) -> Result<ReconcileReport> {
        let mut report = self.recover(now)?;
        // The scan happens with no lock held. A writer commits its note before it writes an
        // item, so anything written after the scan is either named by a note or re-read below.
        let items = self.secrets.items()?;
        let (rows, noted) = {
            let conn = self.conn();
            let rows = tokens::generations(&conn).map_err(self.storage())?;
            let noted: HashSet<String> = pending::all(&conn)
                .map_err(self.storage())?
                .into_iter()
                .map(|p| p.account)
                .collect();
            (rows, noted)
        };
        // A profile's client secret is as much this vault's as a token's.
        let named: HashSet<String> = rows
            .iter()
            .map(|(id, g, _)| tokens::account_key(id, *g))
            .chain(self.profile_keys()?)
            .collect();
        let p = self.partition(items, &named);
        report.other_vaults = p.other_vaults;
        report.untagged = p.untagged;
        if !rows.is_empty() && p.mine.is_empty() && p.untagged_mine.is_empty() {
            report.not_this_vault = Some(rows.len());
            *lock(&self.foreign_keyring) = report.not_this_vault;
            tracing::warn!(
                expected = rows.len(),
                "the keyring holds none of this vault's items"
            );
            return Ok(report);
        }
        *lock(&self.foreign_keyring) = None;
        for item in &p.untagged_mine {
            let Some((id, _)) = tokens::parse_account_key(&item.account) else {
                continue;
            };
            if let Some(row) = rows.iter().find(|(rid, _, _)| rid == id)
                && let Ok(row) = self.row(&row.0)
            {
                self.secrets.retag(&item.account, &self.tag(&row))?;
                report.adopted += 1;
            }
        }
        let present: HashSet<&str> = p
            .mine
            .iter()
            .chain(&p.untagged_mine)
            .map(|i| i.account.as_str())
            .collect();
        report.unexplained = p
            .mine
            .iter()
            .filter(|i| !named.contains(&i.account) && !noted.contains(&i.account))
            .cloned()
            .collect();
        for (id, generation, was_missing) in rows {
            let key = tokens::account_key(&id, generation);
            // An item written after the scan is not in it: ask for that one before calling it
            // lost (no lock is held during the call).
            let is_present = present.contains(key.as_str())
                || (!was_missing && self.secrets.get(&key)?.is_some());
            if is_present != was_missing {
                continue;
            }
            let mut conn = self.conn();
            let tx = conn
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(self.storage())?;
            // The row may have moved on to a new generation meanwhile: then it is not ours to
            // judge in this pass.
            let still = tokens::by_id(&tx, &id)
                .map_err(self.storage())?
                .is_some_and(|r| r.secret_generation == generation);
            if still {
                tokens::set_missing(&tx, &id, !is_present).map_err(self.storage())?;
                let kind = if is_present {
                    report.recovered += 1;
                    EventKind::SecretFound
                } else {
                    report.flagged_missing += 1;
                    EventKind::SecretMissing
                };
                events::append(&tx, &id, kind, "", now).map_err(self.storage())?;
            }
            tx.commit().map_err(self.storage())?;
        }
        if report.orphans_removed + report.flagged_missing + report.recovered + report.adopted > 0 {
            tracing::info!(?report, "reconciled vault with keyring");
        }
        Ok(report)
    }

    /// Makes a row again for every item of this vault (or, with `from_vault`, of that vault)
    /// that no row names: its token id, generation and `provider/name` come from the item, the
    /// rest from inspecting its secret. Adopted items are tagged with this vault.
    pub fn rebuild(&self, from_vault: Option<&str>, now: i64) -> Result<RebuildReport> {
        self.recover(now)?;
        let owner = from_vault.unwrap_or(self.id());
        let items = self.secrets.items()?;
        let mut report = RebuildReport::default();
        for item in items
            .into_iter()
            .filter(|i| i.vault.as_deref() == Some(owner))
        {
            let label = item.name.clone().unwrap_or_else(|| item.label.clone());
            match self.rebuild_one(&item, now) {
                Ok(Some(name)) => report.rebuilt.push(name),
                Ok(None) => {}
                Err(e) => report.skipped.push((label, e.to_string())),
            }
        }
        Ok(report)
    }

    /// `Some(provider/name)` when a row was made; `None` when a row already names the item.
    fn rebuild_one(&self, item: &StoredItem, now: i64) -> Result<Option<String>> {
        let Some((id, generation)) = tokens::parse_account_key(&item.account) else {
            return Err(Error::Internal(format!(
                "`{}` is not an account Tokenkeeper writes",
                item.account
            )));
        };
        if let Some(row) = tokens::by_id(&self.conn(), id).map_err(self.storage())? {
            if row.secret_generation == generation {
                return Ok(None);
            }
            return Err(Error::Internal(format!(
                "an older copy (generation {generation}) of {}/{}, which has generation {}; \
                 kept as it is",
                row.provider, row.name, row.secret_generation
            )));
        }
        let full = item
            .name
            .clone()
            .or_else(|| item.label.strip_prefix("Tokenkeeper: ").map(str::to_owned))
            .ok_or_else(|| Error::Internal("the item names no provider/name".into()))?;
        let (provider, name) = full
            .split_once('/')
            .ok_or_else(|| Error::Internal(format!("`{full}` is not provider/name")))?;
        validate_provider(&self.conn(), provider)?;
        let mut name = validate_name(name)?;
        let secret = self.secrets.get(&item.account)?.ok_or_else(|| {
            Error::Internal("the item disappeared while it was being recovered".into())
        })?;
        let inspected = inspect::decode(secret.expose(), now)?;
        let insp = &inspected.inspection;
        let mut conn = self.conn();
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(self.storage())?;
        if !tokens::by_name(&tx, Some(provider), &name)
            .map_err(self.storage())?
            .is_empty()
        {
            name = format!("{name}-recovered");
        }
        let row = TokenRow {
            id: id.to_owned(),
            provider: provider.to_owned(),
            name,
            kind: insp.kind,
            format: insp.format,
            scopes: insp.scopes.clone(),
            account: insp.account.clone(),
            created_at: item.created.unwrap_or(now),
            issued_at: inspected.lifetime.issued_at,
            not_before: inspected.lifetime.not_before,
            expires_at: inspected.lifetime.expires_at,
            expiry_source: inspected.lifetime.expires_at.map(|_| ExpirySource::Jwt),
            notes: String::new(),
            tags: Vec::new(),
            revoked_at: None,
            last_copied_at: None,
            secret_generation: generation,
            secret_missing: false,
            remind: None,
            rotate_every: tokenkeeper_core::providers::proposed_rotation(provider, insp.kind),
            secret_set_at: item.created.unwrap_or(now),
            scopes_source: (!insp.scopes.is_empty()).then_some(ExpirySource::Jwt),
            account_source: insp.account.as_ref().map(|_| ExpirySource::Jwt),
            instance_url: None,
        };
        tokens::insert(&tx, &row).map_err(self.storage())?;
        let from = item.vault.as_deref().unwrap_or("");
        events::append(&tx, id, EventKind::Recovered, from, now).map_err(self.storage())?;
        tx.commit().map_err(self.storage())?;
        drop(conn);
        if item.vault.as_deref() != Some(self.id()) {
            self.secrets.retag(&item.account, &self.tag(&row))?;
        }
        Ok(Some(format!("{}/{}", row.provider, row.name)))
    }
}

#[derive(Default)]
struct Partition {
    mine: Vec<StoredItem>,
    untagged_mine: Vec<StoredItem>,
    other_vaults: BTreeMap<String, usize>,
    untagged: usize,
}
