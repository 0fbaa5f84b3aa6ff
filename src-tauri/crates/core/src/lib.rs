//! tokenkeeper-core: everything Tokenkeeper does that is not GUI — the vault (SQLite metadata +
//! OS keyring secrets), token inspection and verification, expiry status and the provider
//! catalog. It must never depend on tauri, and its tests run without a display.

pub mod clipboard;
pub mod clock;
pub mod db;
pub mod error;
pub mod inspect;
pub mod keyring;
pub mod model;
pub mod paths;
pub mod providers;
pub mod secret;
pub mod status;
pub mod vault;
pub mod verify;

pub use error::{Error, Result};
pub use secret::Secret;
pub use vault::Vault;
