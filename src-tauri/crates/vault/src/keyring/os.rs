//! The OS keyring under one service name, through `keyring-core` and the platform's store.
//! Every call runs on the keyring's one worker thread and waits a bounded time for it.

use std::{
    collections::HashMap,
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
    time::Duration,
};

use keyring_core::{CredentialStore, Entry};
use tokenkeeper_core::Secret;

use super::{
    ATTR_NAME, ATTR_TOKEN, ATTR_VAULT, ItemTag, SecretStore, StoredItem, classify, worker::Worker,
};
use crate::error::{Error, Result};

/// How long one keyring call may take before we give up (a locked collection with a display
/// waits on an unlock prompt forever).
pub const KEYRING_TIMEOUT: Duration = Duration::from_secs(3);

/// The bound on a scan of every item (the background reconcile, `doctor`).
pub const SCAN_TIMEOUT: Duration = Duration::from_secs(30);

/// What the worker thread keeps between calls: the connection, made on first use and dropped
/// when it dies so the next call reconnects (unlocking or starting the keyring later needs no
/// restart).
#[derive(Default)]
struct Connection {
    store: Option<Arc<CredentialStore>>,
}

impl Connection {
    fn store(&mut self) -> Result<Arc<CredentialStore>> {
        if let Some(s) = &self.store {
            return Ok(s.clone());
        }
        let store = connect().map_err(|e| classify::to_error(&e))?;
        self.store = Some(store.clone());
        Ok(store)
    }

    /// Runs `f` on the entry for `account`, dropping a dead connection on the way out.
    fn entry<T>(
        &mut self,
        service: &str,
        account: &str,
        label: Option<&str>,
        f: impl FnOnce(&Entry) -> keyring_core::Result<T>,
    ) -> Result<keyring_core::Result<T>> {
        let store = self.store()?;
        let mods: Option<HashMap<&str, &str>> = label.map(|l| HashMap::from([("label", l)]));
        let result = store
            .build(service, account, mods.as_ref())
            .and_then(|e| f(&e));
        if let Err(e) = &result
            && classify::kind(e).reconnect()
        {
            self.store = None;
        }
        Ok(result)
    }
}

static INSTANCES: AtomicU64 = AtomicU64::new(0);

pub struct OsKeyring {
    service: String,
    timeout: Duration,
    worker: Worker<Connection>,
    calls: AtomicU64,
}

impl OsKeyring {
    /// Starts the keyring's worker thread; nothing touches D-Bus until the first call.
    pub fn new(service: impl Into<String>) -> Result<Self> {
        Self::with_timeout(service, KEYRING_TIMEOUT)
    }

    pub fn with_timeout(service: impl Into<String>, timeout: Duration) -> Result<Self> {
        let n = INSTANCES.fetch_add(1, Ordering::Relaxed);
        Ok(OsKeyring {
            service: service.into(),
            timeout,
            worker: Worker::start(format!("tk-keyring-{n}"))?,
            calls: 0.into(),
        })
    }

    /// The worker thread's name as the OS lists it (`/proc/self/task/*/comm` on Linux).
    pub fn worker_name(&self) -> &str {
        self.worker.name()
    }

    fn call<T: Send + 'static>(
        &self,
        timeout: Duration,
        f: impl FnOnce(&mut Connection, &str) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        self.calls.fetch_add(1, Ordering::Relaxed);
        let service = self.service.clone();
        self.worker.call(timeout, move |c| f(c, &service))?
    }
}

#[cfg(all(
    unix,
    not(any(target_os = "macos", target_os = "ios", target_os = "android"))
))]
fn connect() -> keyring_core::Result<Arc<CredentialStore>> {
    let s: Arc<CredentialStore> = zbus_secret_service_keyring_store::Store::new()?;
    Ok(s)
}

#[cfg(target_os = "macos")]
fn connect() -> keyring_core::Result<Arc<CredentialStore>> {
    let s: Arc<CredentialStore> = apple_native_keyring_store::keychain::Store::new()?;
    Ok(s)
}

#[cfg(target_os = "windows")]
fn connect() -> keyring_core::Result<Arc<CredentialStore>> {
    let s: Arc<CredentialStore> = windows_native_keyring_store::Store::new()?;
    Ok(s)
}

fn tag_attributes(tag: &ItemTag) -> HashMap<&str, &str> {
    HashMap::from([
        (ATTR_VAULT, tag.vault.as_str()),
        (ATTR_TOKEN, tag.token_id.as_str()),
        (ATTR_NAME, tag.name.as_str()),
    ])
}

/// Tags an item. A store without attributes (some platforms) keeps the tag in the label only.
fn write_tag(entry: &Entry, tag: &ItemTag) -> keyring_core::Result<()> {
    match entry.update_attributes(&tag_attributes(tag)) {
        Err(keyring_core::Error::NotSupportedByStore(_)) => Ok(()),
        other => other,
    }
}

fn stored_item(
    attrs: &HashMap<String, String>,
    label: String,
    created: Option<i64>,
) -> Option<StoredItem> {
    Some(StoredItem {
        account: attrs.get("username")?.clone(),
        vault: attrs.get(ATTR_VAULT).cloned(),
        token_id: attrs.get(ATTR_TOKEN).cloned(),
        name: attrs.get(ATTR_NAME).cloned(),
        label,
        created,
    })
}

/// Every item under `service`, with its label and creation date, straight from the Secret
/// Service (keyring-core exposes neither).
#[cfg(all(
    unix,
    not(any(target_os = "macos", target_os = "ios", target_os = "android"))
))]
fn scan(_: &mut Connection, service: &str) -> Result<Vec<StoredItem>> {
    use secret_service::{EncryptionType, blocking::SecretService};
    let fail = |e: secret_service::Error| {
        let detail = e.to_string();
        match classify::secret_service_kind(&e) {
            classify::Kind::Locked => Error::KeyringLocked { detail },
            classify::Kind::NoBus => Error::KeyringNoBus { detail },
            classify::Kind::NoService => Error::KeyringNoService { detail },
            classify::Kind::NoCollection => Error::KeyringNoCollection { detail },
            classify::Kind::Failure => Error::KeyringFailure { detail },
        }
    };
    let ss = SecretService::connect(EncryptionType::Plain).map_err(fail)?;
    let found = ss
        .search_items(HashMap::from([("service", service)]))
        .map_err(fail)?;
    let mut items = Vec::new();
    for item in found.unlocked.iter().chain(found.locked.iter()) {
        let attrs = item.get_attributes().map_err(fail)?;
        let label = item.get_label().unwrap_or_default();
        let created = item.get_created().ok().and_then(|c| i64::try_from(c).ok());
        items.extend(stored_item(&attrs, label, created));
    }
    Ok(items)
}

#[cfg(not(all(
    unix,
    not(any(target_os = "macos", target_os = "ios", target_os = "android"))
)))]
fn scan(conn: &mut Connection, service: &str) -> Result<Vec<StoredItem>> {
    let store = conn.store()?;
    let fail = |e: keyring_core::Error| classify::to_error(&e);
    let mut items = Vec::new();
    for entry in store
        .search(&HashMap::from([("service", service)]))
        .map_err(fail)?
    {
        let attrs = entry.get_attributes().map_err(fail)?;
        items.extend(stored_item(&attrs, String::new(), None));
    }
    Ok(items)
}

/// Whether the Secret Service's default collection is locked (`None` when that cannot be
/// read; the probe before this already reported unreachable stores).
#[cfg(all(
    unix,
    not(any(target_os = "macos", target_os = "ios", target_os = "android"))
))]
fn default_collection_locked() -> Option<bool> {
    use secret_service::{EncryptionType, blocking::SecretService};
    let ss = SecretService::connect(EncryptionType::Plain).ok()?;
    let collection = ss.get_default_collection().ok()?;
    collection.is_locked().ok()
}

#[cfg(not(all(
    unix,
    not(any(target_os = "macos", target_os = "ios", target_os = "android"))
)))]
fn default_collection_locked() -> Option<bool> {
    None
}

impl SecretStore for OsKeyring {
    fn set(&self, account: &str, tag: &ItemTag, secret: &Secret) -> Result<()> {
        let (account, tag, value) = (account.to_owned(), tag.clone(), secret.clone());
        self.call(self.timeout, move |c, service| {
            c.entry(service, &account, Some(&tag.label()), |e| {
                e.set_password(value.expose())?;
                write_tag(e, &tag)
            })?
            .map_err(|e| classify::to_error(&e))
        })
    }

    fn get(&self, account: &str) -> Result<Option<Secret>> {
        let account = account.to_owned();
        self.call(self.timeout, move |c, service| {
            match c.entry(service, &account, None, |e| e.get_password())? {
                Ok(s) => Ok(Some(Secret::from(s))),
                Err(keyring_core::Error::NoEntry) => Ok(None),
                Err(e) => Err(classify::to_error(&e)),
            }
        })
    }

    fn delete(&self, account: &str) -> Result<()> {
        let account = account.to_owned();
        self.call(self.timeout, move |c, service| {
            match c.entry(service, &account, None, |e| e.delete_credential())? {
                Ok(()) | Err(keyring_core::Error::NoEntry) => Ok(()),
                Err(e) => Err(classify::to_error(&e)),
            }
        })
    }

    fn retag(&self, account: &str, tag: &ItemTag) -> Result<()> {
        let (account, tag) = (account.to_owned(), tag.clone());
        self.call(self.timeout, move |c, service| {
            c.entry(service, &account, None, |e| write_tag(e, &tag))?
                .map_err(|e| classify::to_error(&e))
        })
    }

    fn items(&self) -> Result<Vec<StoredItem>> {
        // A scan reads one item at a time: thousands of items take longer than one call.
        self.call(SCAN_TIMEOUT, scan)
    }

    fn check(&self) -> Result<()> {
        // Reading an entry that never exists walks the path to the store without changing
        // anything; a locked collection answers it without unlocking, so ask about the lock.
        self.get("tokenkeeper-health-probe")?;
        if self.call(self.timeout, |_, _| Ok(default_collection_locked()))? == Some(true) {
            return Err(Error::KeyringLocked {
                detail: "the default collection is locked".into(),
            });
        }
        Ok(())
    }

    fn calls(&self) -> u64 {
        self.calls.load(Ordering::Relaxed)
    }

    fn service(&self) -> &str {
        &self.service
    }
}
