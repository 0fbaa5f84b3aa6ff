//! Where secrets live: the [`SecretStore`] trait, the OS keyring behind it (Secret Service,
//! Keychain, Credential Manager through `keyring-core`), and an in-memory store for unit tests
//! of other logic. Every OS call is bounded by a timeout, and every failure is mapped to an
//! [`Error`] variant that says what to do.

use std::{
    collections::{BTreeMap, HashMap},
    sync::{
        Arc, Mutex,
        atomic::{AtomicU64, Ordering},
        mpsc,
    },
    time::Duration,
};

use keyring_core::{CredentialStore, Entry};

use crate::{
    error::{Error, Result},
    secret::Secret,
};

/// A place to keep secrets by account name. Deletes are idempotent; a missing entry is `None`.
pub trait SecretStore: Send + Sync {
    fn set(&self, account: &str, label: &str, secret: &Secret) -> Result<()>;
    fn get(&self, account: &str) -> Result<Option<Secret>>;
    fn delete(&self, account: &str) -> Result<()>;
    /// Every account stored under this store's service.
    fn accounts(&self) -> Result<Vec<String>>;
    /// Ok when a read would work now (a probe that changes nothing).
    fn check(&self) -> Result<()>;
    /// How many calls reached the backing store (for tests and benchmarks).
    fn calls(&self) -> u64;
}

/// How long one keyring call may take before we give up (a locked collection with a display
/// waits on an unlock prompt forever).
pub const KEYRING_TIMEOUT: Duration = Duration::from_secs(3);

/// The bound on a scan of every entry (the background reconcile).
pub const SCAN_TIMEOUT: Duration = Duration::from_secs(30);

/// The OS keyring under one service name.
pub struct OsKeyring {
    service: String,
    timeout: Duration,
    store: Mutex<Option<Arc<CredentialStore>>>,
    calls: AtomicU64,
}

impl OsKeyring {
    /// Connects lazily: nothing touches D-Bus until the first secret operation.
    pub fn new(service: impl Into<String>) -> Self {
        Self::with_timeout(service, KEYRING_TIMEOUT)
    }

    pub fn with_timeout(service: impl Into<String>, timeout: Duration) -> Self {
        OsKeyring {
            service: service.into(),
            timeout,
            store: Mutex::new(None),
            calls: 0.into(),
        }
    }

    pub fn service(&self) -> &str {
        &self.service
    }

    /// The store, connecting if needed. A failed connection is retried on the next call, so
    /// unlocking or starting the keyring later needs no restart.
    fn store(&self) -> Result<Arc<CredentialStore>> {
        let mut guard = self.store.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(s) = guard.as_ref() {
            return Ok(s.clone());
        }
        let store = self.bounded(connect)?.map_err(|e| map_connect_error(&e))?;
        *guard = Some(store.clone());
        Ok(store)
    }

    /// Runs `f` on its own thread and waits at most `timeout` for it.
    fn bounded<T: Send + 'static>(&self, f: impl FnOnce() -> T + Send + 'static) -> Result<T> {
        self.bounded_for(self.timeout, f)
    }

    fn bounded_for<T: Send + 'static>(
        &self,
        timeout: Duration,
        f: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T> {
        self.calls.fetch_add(1, Ordering::Relaxed);
        let (tx, rx) = mpsc::sync_channel(1);
        std::thread::Builder::new()
            .name("keyring-call".into())
            .spawn(move || {
                // The receiver may have timed out and gone; nothing to do then.
                let _ = tx.send(f());
            })
            .map_err(|e| Error::KeyringFailure {
                detail: format!("cannot start a thread: {e}"),
            })?;
        rx.recv_timeout(timeout).map_err(|_| Error::KeyringTimeout {
            secs: timeout.as_secs().max(1),
        })
    }

    fn entry_call<T: Send + 'static>(
        &self,
        account: &str,
        label: Option<&str>,
        f: impl FnOnce(Entry) -> keyring_core::Result<T> + Send + 'static,
    ) -> Result<keyring_core::Result<T>> {
        let store = self.store()?;
        let (service, account) = (self.service.clone(), account.to_owned());
        let label = label.map(str::to_owned);
        let result = self.bounded(move || {
            let mods: Option<HashMap<&str, &str>> =
                label.as_deref().map(|l| HashMap::from([("label", l)]));
            store.build(&service, &account, mods.as_ref()).and_then(f)
        });
        if matches!(&result, Ok(Err(e)) if is_connection_error(e)) {
            // Drop a dead connection so the next call reconnects.
            *self.store.lock().unwrap_or_else(|p| p.into_inner()) = None;
        }
        result
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

/// Whether the Secret Service's default collection is locked (`None` when that cannot be read;
/// the probe before this already reported unreachable stores).
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

fn full_text(e: &keyring_core::Error) -> String {
    let mut text = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

fn is_connection_error(e: &keyring_core::Error) -> bool {
    let t = full_text(e);
    t.contains("ServiceUnknown") || t.contains("Disconnected") || t.contains("InputOutput")
}

/// Maps a failure to reach the store at all (measured: see LINUX.md's keyring table).
fn map_connect_error(e: &keyring_core::Error) -> Error {
    let (text, detail) = (full_text(e), e.to_string());
    if text.contains("ServiceUnknown") || text.contains("org.freedesktop.secrets") {
        Error::KeyringNoService { detail }
    } else if [
        "Address",
        "address",
        "socket",
        "No such file",
        "Connection refused",
        "DBUS_",
    ]
    .iter()
    .any(|needle| text.contains(needle))
    {
        Error::KeyringNoBus { detail }
    } else {
        Error::KeyringNoService { detail }
    }
}

/// Maps a failed operation on a reachable store.
fn map_op_error(e: &keyring_core::Error) -> Error {
    let detail = e.to_string();
    let lower = full_text(e).to_lowercase();
    if lower.contains("locked") || lower.contains("prompt") {
        Error::KeyringLocked { detail }
    } else if lower.contains("result not returned") || lower.contains("no such object") {
        Error::KeyringNoCollection { detail }
    } else if is_connection_error(e) {
        map_connect_error(e)
    } else {
        Error::KeyringFailure { detail }
    }
}

impl SecretStore for OsKeyring {
    fn set(&self, account: &str, label: &str, secret: &Secret) -> Result<()> {
        let value = secret.clone();
        self.entry_call(account, Some(label), move |e| {
            e.set_password(value.expose())
        })?
        .map_err(|e| map_op_error(&e))
    }

    fn get(&self, account: &str) -> Result<Option<Secret>> {
        match self.entry_call(account, None, |e| e.get_password())? {
            Ok(s) => Ok(Some(Secret::from(s))),
            Err(keyring_core::Error::NoEntry) => Ok(None),
            Err(e) => Err(map_op_error(&e)),
        }
    }

    fn delete(&self, account: &str) -> Result<()> {
        match self.entry_call(account, None, |e| e.delete_credential())? {
            Ok(()) | Err(keyring_core::Error::NoEntry) => Ok(()),
            Err(e) => Err(map_op_error(&e)),
        }
    }

    fn accounts(&self) -> Result<Vec<String>> {
        let store = self.store()?;
        let service = self.service.clone();
        // A scan reads one entry at a time: thousands of entries take longer than one call.
        let found = self.bounded_for(
            SCAN_TIMEOUT,
            move || -> keyring_core::Result<Vec<String>> {
                let spec = HashMap::from([("service", service.as_str())]);
                let mut accounts = Vec::new();
                for entry in store.search(&spec)? {
                    let attrs = entry.get_attributes()?;
                    if let Some(user) = attrs.get("username") {
                        accounts.push(user.clone());
                    }
                }
                Ok(accounts)
            },
        )?;
        found.map_err(|e| map_op_error(&e))
    }

    fn check(&self) -> Result<()> {
        // Reading an entry that never exists walks the path to the store without changing
        // anything; a locked collection answers it without unlocking, so ask about the lock.
        self.get("tokenkeeper-health-probe")?;
        #[cfg(all(
            unix,
            not(any(target_os = "macos", target_os = "ios", target_os = "android"))
        ))]
        if self.bounded(default_collection_locked)? == Some(true) {
            return Err(Error::KeyringLocked {
                detail: "the default collection is locked".into(),
            });
        }
        Ok(())
    }

    fn calls(&self) -> u64 {
        self.calls.load(Ordering::Relaxed)
    }
}

/// An in-memory store for unit tests of logic that is not about the keyring itself.
#[derive(Default)]
pub struct MemoryStore {
    entries: Mutex<BTreeMap<String, Secret>>,
    calls: AtomicU64,
    /// When set, every call fails with this error (to test error paths).
    pub fail_with: Mutex<Option<fn() -> Error>>,
}

impl MemoryStore {
    fn enter(&self) -> Result<std::sync::MutexGuard<'_, BTreeMap<String, Secret>>> {
        self.calls.fetch_add(1, Ordering::Relaxed);
        if let Some(f) = *self.fail_with.lock().unwrap_or_else(|p| p.into_inner()) {
            return Err(f());
        }
        Ok(self.entries.lock().unwrap_or_else(|p| p.into_inner()))
    }
}

impl SecretStore for MemoryStore {
    fn set(&self, account: &str, _label: &str, secret: &Secret) -> Result<()> {
        self.enter()?.insert(account.to_owned(), secret.clone());
        Ok(())
    }
    fn get(&self, account: &str) -> Result<Option<Secret>> {
        Ok(self.enter()?.get(account).cloned())
    }
    fn delete(&self, account: &str) -> Result<()> {
        self.enter()?.remove(account);
        Ok(())
    }
    fn accounts(&self) -> Result<Vec<String>> {
        Ok(self.enter()?.keys().cloned().collect())
    }
    fn check(&self) -> Result<()> {
        self.enter().map(|_| ())
    }
    fn calls(&self) -> u64 {
        self.calls.load(Ordering::Relaxed)
    }
}
