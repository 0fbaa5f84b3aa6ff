//! Where secrets live: the [`SecretStore`] trait, the OS keyring behind it (Secret Service,
//! Keychain, Credential Manager through `keyring-core`, one worker thread with a bounded wait
//! per call), how its failures are classified, and (with `test-support`) an in-memory store.
//!
//! Every item carries who wrote it: the vault id, the token id and `provider/name` as Secret
//! Service attributes, so a vault only ever touches its own items.

mod classify;
#[cfg(any(test, feature = "test-support"))]
mod memory;
mod os;
mod worker;

#[cfg(any(test, feature = "test-support"))]
pub use memory::MemoryStore;
pub use os::{KEYRING_TIMEOUT, OsKeyring, SCAN_TIMEOUT};

use tokenkeeper_core::Secret;

use crate::error::Result;

/// Attribute names on every item Tokenkeeper writes (beside keyring-core's `service` and
/// `username`, the account).
pub const ATTR_VAULT: &str = "tokenkeeper.vault";
pub const ATTR_TOKEN: &str = "tokenkeeper.token";
pub const ATTR_NAME: &str = "tokenkeeper.name";

/// Who an item belongs to: written with it, read back by scans.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemTag {
    pub vault: String,
    pub token_id: String,
    /// `provider/name`.
    pub name: String,
}

impl ItemTag {
    /// The label a keyring app shows for the item.
    pub fn label(&self) -> String {
        format!("Tokenkeeper: {}", self.name)
    }
}

/// An item found under the service, as a scan sees it. Never holds the secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredItem {
    pub account: String,
    /// `None` for items written before vaults had ids, or by another program.
    pub vault: Option<String>,
    pub token_id: Option<String>,
    pub name: Option<String>,
    pub label: String,
    /// Unix seconds, where the store records it.
    pub created: Option<i64>,
}

/// A place to keep secrets by account name. Deletes are idempotent; a missing entry is `None`.
pub trait SecretStore: Send + Sync {
    fn set(&self, account: &str, tag: &ItemTag, secret: &Secret) -> Result<()>;
    fn get(&self, account: &str) -> Result<Option<Secret>>;
    fn delete(&self, account: &str) -> Result<()>;
    /// Rewrites who an existing item belongs to (adopting an old or orphaned vault's item).
    fn retag(&self, account: &str, tag: &ItemTag) -> Result<()>;
    /// Every item stored under this store's service.
    fn items(&self) -> Result<Vec<StoredItem>>;
    /// Ok when a read would work now (a probe that changes nothing).
    fn check(&self) -> Result<()>;
    /// How many calls reached the backing store (for tests and benchmarks).
    fn calls(&self) -> u64;
    /// The service name items are stored under, for messages.
    fn service(&self) -> &str;
}
