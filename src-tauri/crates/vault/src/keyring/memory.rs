//! An in-memory [`SecretStore`] for unit tests of logic that is not about the keyring itself
//! (only with the `test-support` feature).

use std::{
    collections::BTreeMap,
    sync::{
        Mutex,
        atomic::{AtomicU64, Ordering},
    },
};

use tokenkeeper_core::Secret;

use super::{ItemTag, SecretStore, StoredItem};
use crate::error::{Error, Result};

/// Account → (who it belongs to, when tagged; the secret).
type Entries = BTreeMap<String, (Option<ItemTag>, Secret)>;

#[derive(Default)]
pub struct MemoryStore {
    entries: Mutex<Entries>,
    calls: AtomicU64,
    /// When set, every call fails with this error (to test error paths).
    pub fail_with: Mutex<Option<fn() -> Error>>,
}

impl MemoryStore {
    fn enter(&self) -> Result<std::sync::MutexGuard<'_, Entries>> {
        self.calls.fetch_add(1, Ordering::Relaxed);
        if let Some(f) = *self.fail_with.lock().unwrap_or_else(|p| p.into_inner()) {
            return Err(f());
        }
        Ok(self.entries.lock().unwrap_or_else(|p| p.into_inner()))
    }

    /// Stores an item with no tag, as a version before vault ids (or another program) did.
    pub fn set_untagged(&self, account: &str, secret: &Secret) {
        if let Ok(mut e) = self.enter() {
            e.insert(account.to_owned(), (None, secret.clone()));
        }
    }

    /// Every account held, sorted.
    pub fn accounts(&self) -> Vec<String> {
        self.entries
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .keys()
            .cloned()
            .collect()
    }
}

impl SecretStore for MemoryStore {
    fn set(&self, account: &str, tag: &ItemTag, secret: &Secret) -> Result<()> {
        self.enter()?
            .insert(account.to_owned(), (Some(tag.clone()), secret.clone()));
        Ok(())
    }
    fn get(&self, account: &str) -> Result<Option<Secret>> {
        Ok(self.enter()?.get(account).map(|(_, s)| s.clone()))
    }
    fn delete(&self, account: &str) -> Result<()> {
        self.enter()?.remove(account);
        Ok(())
    }
    fn retag(&self, account: &str, tag: &ItemTag) -> Result<()> {
        if let Some(item) = self.enter()?.get_mut(account) {
            item.0 = Some(tag.clone());
        }
        Ok(())
    }
    fn items(&self) -> Result<Vec<StoredItem>> {
        Ok(self
            .enter()?
            .iter()
            .map(|(account, (tag, _))| StoredItem {
                account: account.clone(),
                vault: tag.as_ref().map(|t| t.vault.clone()),
                token_id: tag.as_ref().map(|t| t.token_id.clone()),
                name: tag.as_ref().map(|t| t.name.clone()),
                label: tag.as_ref().map(ItemTag::label).unwrap_or_default(),
                created: None,
            })
            .collect())
    }
    fn check(&self) -> Result<()> {
        self.enter().map(|_| ())
    }
    fn calls(&self) -> u64 {
        self.calls.load(Ordering::Relaxed)
    }
    fn service(&self) -> &str {
        "memory"
    }
}
