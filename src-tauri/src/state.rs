//! What the shell keeps between commands: the vault and the clipboard that holds a copied
//! token until its timer clears it.

use std::{
    sync::{Arc, Mutex, MutexGuard},
    time::Duration,
};

use tauri::{AppHandle, Emitter, Manager};
use tokenkeeper_core::{
    Secret,
    credential::Accessor,
    model::{ClipboardCleared, CopyReceipt, NotificationHealth},
};
use tokenkeeper_vault::{Error, Vault, clipboard::SecretClipboard};

/// The shell's one clock read; everything below it takes `now` as a parameter.
pub fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

pub struct AppState {
    pub vault: Arc<Vault>,
    clipboard: Mutex<Option<SecretClipboard>>,
    last_copied: Mutex<Option<Secret>>,
    /// What the watcher last learned about the notification server.
    notifications: Mutex<NotificationHealth>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl AppState {
    pub fn new(vault: Arc<Vault>) -> Self {
        AppState {
            vault,
            clipboard: Mutex::new(None),
            last_copied: Mutex::new(None),
            notifications: Mutex::new(NotificationHealth {
                ok: true,
                server: None,
                message: None,
            }),
        }
    }

    pub fn notification_health(&self) -> NotificationHealth {
        lock(&self.notifications).clone()
    }

    /// Records what the watcher found; true when it changed (the UI is then told).
    pub fn set_notification_health(&self, health: NotificationHealth) -> bool {
        let mut current = lock(&self.notifications);
        let changed = *current != health;
        *current = health;
        changed
    }

    /// Copies a token in Rust (the UI never sees it), marked secret, and schedules its clearing.
    pub fn copy(&self, app: &AppHandle, id: &str) -> Result<CopyReceipt, Error> {
        let secret = self.vault.secret(id, now())?;
        let secs = self.vault.settings()?.clipboard_clear_secs;
        {
            let mut guard = lock(&self.clipboard);
            let clipboard = match guard.as_mut() {
                Some(c) => c,
                None => guard.insert(SecretClipboard::new()?),
            };
            clipboard.copy(&secret)?;
        }
        *lock(&self.last_copied) = Some(secret.clone());
        self.vault.record_access(id, &Accessor::AppCopy, now())?;
        let (app, token_id) = (app.clone(), id.to_owned());
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_secs(secs.into()));
            let state = app.state::<AppState>();
            if state.clear_if_holds(&secret) {
                let _ = app.emit("clipboard-cleared", ClipboardCleared { token_id });
            }
        });
        Ok(CopyReceipt {
            clear_after_secs: secs,
        })
    }

    /// Clears the clipboard only if it still holds `secret` (the user may have copied since).
    fn clear_if_holds(&self, secret: &Secret) -> bool {
        let mut guard = lock(&self.clipboard);
        let cleared = match guard.as_mut() {
            Some(c) => c.clear_if_holds(secret).unwrap_or_else(|e| {
                tracing::warn!("clipboard not cleared: {e}");
                false
            }),
            None => false,
        };
        let mut last = lock(&self.last_copied);
        if last.as_ref() == Some(secret) {
            *last = None;
        }
        cleared
    }

    pub fn clear_clipboard_on_exit(&self) {
        let last = lock(&self.last_copied).clone();
        if let Some(secret) = last {
            self.clear_if_holds(&secret);
        }
    }

    /// The secret for an explicit Reveal, logged as an event.
    pub fn reveal(&self, id: &str) -> Result<Secret, Error> {
        self.vault.hand_out(id, &Accessor::AppReveal, now())
    }
}
