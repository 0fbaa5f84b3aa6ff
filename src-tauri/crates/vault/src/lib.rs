//! tokenkeeper-vault: where Tokenkeeper keeps tokens — metadata in SQLite, secrets in the OS
//! keyring — and the write protocol, recovery and reconcile that keep the two consistent
//! without ever deleting a secret this vault does not own. Also the clipboard, which the CLI
//! and the app share. It depends on the core, never on tauri or an HTTP client.

pub mod backup;
mod checks;
pub mod clipboard;
pub mod db;
pub mod edge;
mod edit;
pub mod error;
pub mod files;
mod grants;
mod helpers;
pub mod identity;
pub mod import;
pub mod keyring;
mod lease;
pub mod notify;
mod oauth;
pub mod paths;
mod reconcile;
pub mod remind;
mod revoke;
mod vault;
mod write;

pub use error::{Error, Result};
pub use grants::{Due, Refreshed};
pub use helpers::DockerLogin;
pub use oauth::{RefreshLock, RefreshTicket};
pub use reconcile::{RebuildReport, ReconcileReport};
pub use vault::Vault;
