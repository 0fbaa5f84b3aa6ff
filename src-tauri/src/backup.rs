//! Encrypted backups from the window: Export and Restore in Settings. The path of a backup file
//! is chosen by the user in a native dialog opened here, never named by the page: the webview
//! holds no `dialog:` permission, and a file picked for a restore is known to the UI only by an
//! opaque handle. Only counts and `provider/name`s go back over IPC, never a secret. Encrypting,
//! reading and restoring are the vault's (`tokenkeeper_vault::backup`); this module adds the
//! dialogs and the file, written as the CLI's `export` writes it: beside, synced, renamed, 0600.

use std::{
    fs,
    io::Read,
    path::{Path, PathBuf},
    sync::{Arc, Mutex},
};

use serde::Serialize;
use tauri::{AppHandle, Emitter, Manager};
use tauri_plugin_dialog::{DialogExt, FileDialogBuilder, FilePath};
use tokenkeeper_core::{Secret, credential::Accessor};
use tokenkeeper_vault::{
    Error, Result, Vault,
    backup::{self, Seal, Unseal},
};
use ts_rs::TS;

use crate::state::now;

/// The vault reads at most 64 MiB of backup; its age framing adds well under 1 MiB.
const MAX_FILE_BYTES: u64 = 65 * 1024 * 1024;

/// What Export did: the file it saved (its name only) and what went into it, or that the user
/// closed the save dialog (nothing was read or written).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum ExportOutcome {
    Saved {
        file_name: String,
        exported: ExportReport,
    },
    Cancelled,
}

/// The vault's `Exported`, as the UI reads it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ExportReport {
    /// Tokens whose metadata and secret are in the file.
    pub tokens: u32,
    /// Revoked tokens have no secret to back up.
    pub skipped_revoked: u32,
    /// `provider/name` of tokens whose secret the keyring no longer holds.
    pub skipped_missing: Vec<String>,
}

/// The backup file the user picked for a restore: a handle for `restore_backup` and its name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum BackupPick {
    Chosen { file: String, file_name: String },
    Cancelled,
}

/// What a restore did, or with `dry_run` would do, token by token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct RestoreReport {
    pub file_name: String,
    pub dry_run: bool,
    pub tokens: Vec<RestoredToken>,
}

impl RestoreReport {
    /// Whether the vault holds anything it did not before (or would, for a dry run).
    pub fn changes(&self) -> bool {
        self.tokens
            .iter()
            .any(|t| t.action != RestoreAction::Unchanged)
    }
}

/// The vault's `Restored`, as the UI reads it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct RestoredToken {
    /// `provider/name` as restored.
    pub token: String,
    pub id: String,
    pub action: RestoreAction,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum RestoreAction {
    /// Stored under its own id and name.
    Restored,
    /// Its id or name was taken by a different token: stored under a new id or name.
    RestoredAsNew,
    /// The vault already holds it, with the same secret.
    Unchanged,
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl From<backup::Exported> for ExportReport {
    fn from(e: backup::Exported) -> Self {
        ExportReport {
            tokens: count(e.tokens),
            skipped_revoked: count(e.skipped_revoked),
            skipped_missing: e.skipped_missing,
        }
    }
}

impl From<backup::Restored> for RestoredToken {
    fn from(r: backup::Restored) -> Self {
        RestoredToken {
            token: r.token,
            id: r.id,
            action: match r.action {
                backup::RestoreAction::Restored => RestoreAction::Restored,
                backup::RestoreAction::RestoredAsNew => RestoreAction::RestoredAsNew,
                backup::RestoreAction::Unchanged => RestoreAction::Unchanged,
            },
        }
    }
}

/// The file picked for a restore, held from its preview to the restore itself: both read the
/// same bytes (read once, when picked), and the UI names it by a random handle, not a path.
#[derive(Default)]
pub struct Picked(Mutex<Option<PickedFile>>);

struct PickedFile {
    handle: String,
    name: String,
    bytes: Arc<[u8]>,
}

impl Picked {
    fn lock(&self) -> std::sync::MutexGuard<'_, Option<PickedFile>> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Holds a newly picked file in place of any before it; returns its handle.
    fn hold(&self, name: String, bytes: Vec<u8>) -> String {
        let handle = uuid::Uuid::new_v4().to_string();
        *self.lock() = Some(PickedFile {
            handle: handle.clone(),
            name,
            bytes: bytes.into(),
        });
        handle
    }

    fn get(&self, handle: &str) -> Result<(String, Arc<[u8]>)> {
        match self.lock().as_ref() {
            Some(f) if f.handle == handle => Ok((f.name.clone(), f.bytes.clone())),
            _ => Err(Error::invalid(
                "That backup file is no longer open here: choose it again",
            )),
        }
    }

    fn forget(&self, handle: &str) {
        let mut held = self.lock();
        if held.as_ref().is_some_and(|f| f.handle == handle) {
            *held = None;
        }
    }
}

/// Refused before any dialog opens, so a short passphrase costs the user no trip to the disk.
pub fn check_new_passphrase(passphrase: &Secret) -> Result<()> {
    Ok(tokenkeeper_core::credential::check_backup_passphrase(
        passphrase,
    )?)
}

/// The name the save dialog proposes: `tokenkeeper-YYYY-MM-DD.age`, the user's local date.
pub fn suggested_name(now: i64) -> String {
    use chrono::TimeZone;
    match chrono::Local.timestamp_opt(now, 0).single() {
        Some(t) => format!("tokenkeeper-{}.age", t.format("%Y-%m-%d")),
        None => "tokenkeeper.age".to_owned(),
    }
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

/// Export: asks where to save (after checking the passphrase), then encrypts every token with
/// a secret (each read is an `app export` access event) and writes the file.
pub async fn export(
    app: &AppHandle,
    vault: Arc<Vault>,
    passphrase: Secret,
) -> Result<ExportOutcome> {
    check_new_passphrase(&passphrase)?;
    let dialog = file_dialog(app)
        .set_title("Export an encrypted backup")
        .add_filter("Tokenkeeper backup (age)", &["age"])
        .set_file_name(suggested_name(now()));
    let (tx, rx) = tokio::sync::oneshot::channel();
    dialog.save_file(move |p| {
        let _ = tx.send(p);
    });
    let Some(path) = chosen(rx.await)? else {
        return Ok(ExportOutcome::Cancelled);
    };
    off_the_runtime(move || export_to(&vault, &Seal::Passphrase(passphrase), &path, now())).await
}

/// Restore, first step: the user picks a backup file, which is read and held for the preview
/// and the restore.
pub async fn choose(app: &AppHandle) -> Result<BackupPick> {
    let dialog = file_dialog(app).set_title("Restore from a backup");
    let (tx, rx) = tokio::sync::oneshot::channel();
    dialog.pick_file(move |p| {
        let _ = tx.send(p);
    });
    let Some(path) = chosen(rx.await)? else {
        return Ok(BackupPick::Cancelled);
    };
    let name = file_name(&path);
    let bytes = off_the_runtime(move || read_backup(&path)).await?;
    let file = app.state::<Picked>().hold(name.clone(), bytes);
    Ok(BackupPick::Chosen {
        file,
        file_name: name,
    })
}

/// Restore, second step (twice: the preview with `dry_run`, then the restore). After a restore
/// that may have changed anything, every window lists again (`tokens-changed`).
pub async fn restore(
    app: &AppHandle,
    vault: Arc<Vault>,
    file: &str,
    passphrase: Secret,
    dry_run: bool,
) -> Result<RestoreReport> {
    if passphrase.expose().is_empty() {
        return Err(Error::invalid(
            "Type the passphrase the backup was made with",
        ));
    }
    let picked = app.state::<Picked>();
    let (name, bytes) = picked.get(file)?;
    let key = Unseal::Passphrase(passphrase);
    let done =
        off_the_runtime(move || restore_from(&vault, name, &bytes, &key, dry_run, now())).await;
    if !dry_run {
        // A restore that failed halfway may have stored some tokens (running it again is safe).
        if done.as_ref().map_or(true, RestoreReport::changes) {
            let _ = app.emit("tokens-changed", ());
        }
        if done.is_ok() {
            picked.forget(file);
        }
    }
    done
}

/// The dialog, modal over the main window.
fn file_dialog(app: &AppHandle) -> FileDialogBuilder<tauri::Wry> {
    let dialog = app.dialog().file();
    match app.get_webview_window("main") {
        Some(w) => dialog.set_parent(&w),
        None => dialog,
    }
}

/// The dialog's answer: `None` when the user closed it.
fn chosen(
    answer: std::result::Result<Option<FilePath>, tokio::sync::oneshot::error::RecvError>,
) -> Result<Option<PathBuf>> {
    match answer {
        Err(_) => Err(Error::Internal(
            "The file dialog could not be opened".into(),
        )),
        Ok(None) => Ok(None),
        Ok(Some(p)) => p
            .into_path()
            .map(Some)
            .map_err(|_| Error::invalid("Choose a file on this computer")),
    }
}

/// Runs blocking work (the keyring, SQLite, scrypt, the disk) off the async runtime.
async fn off_the_runtime<T: Send + 'static>(
    f: impl FnOnce() -> Result<T> + Send + 'static,
) -> Result<T> {
    tauri::async_runtime::spawn_blocking(f)
        .await
        .map_err(|e| Error::Internal(format!("interrupted: {e}")))?
}

/// Encrypts the vault for `seal` into `path`.
pub fn export_to(vault: &Vault, seal: &Seal, path: &Path, now: i64) -> Result<ExportOutcome> {
    let (bytes, exported) = vault.export_backup(seal, &Accessor::AppExport, now)?;
    write_private(path, &bytes)?;
    Ok(ExportOutcome::Saved {
        file_name: file_name(path),
        exported: exported.into(),
    })
}

pub fn restore_from(
    vault: &Vault,
    file_name: String,
    bytes: &[u8],
    key: &Unseal,
    dry_run: bool,
    now: i64,
) -> Result<RestoreReport> {
    let done = vault.restore_backup(bytes, key, dry_run, now)?;
    Ok(RestoreReport {
        file_name,
        dry_run,
        tokens: done.into_iter().map(Into::into).collect(),
    })
}

fn io(context: String) -> impl FnOnce(std::io::Error) -> Error {
    move |source| Error::Io { context, source }
}

/// Reads a picked file: a regular file (a FIFO would block, a device never end) of backup size.
pub fn read_backup(path: &Path) -> Result<Vec<u8>> {
    let shown = path.display();
    let not_a_backup = || Error::invalid(format!("{shown} is not a Tokenkeeper backup file"));
    // Looked at before opening it: opening a FIFO waits for a writer.
    let meta = fs::metadata(path).map_err(io(format!("Cannot read {shown}")))?;
    if !meta.is_file() {
        return Err(not_a_backup());
    }
    let file = fs::File::open(path).map_err(io(format!("Cannot read {shown}")))?;
    let mut bytes = Vec::new();
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(io(format!("Cannot read {shown}")))?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(not_a_backup());
    }
    Ok(bytes)
}

/// Writes the backup as the CLI's `export` does: beside `path`, mode 0600, synced, renamed.
pub fn write_private(path: &Path, bytes: &[u8]) -> Result<()> {
    tokenkeeper_vault::files::write_atomically(path, bytes, None)
        .map_err(io(format!("Cannot write {}", path.display())))
}

#[cfg(test)]
#[path = "backup_tests.rs"]
mod tests;
