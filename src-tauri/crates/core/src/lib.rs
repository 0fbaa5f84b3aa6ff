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

/// Log targets that may see secret bytes at trace level (D-Bus messages, HTTP bodies, IPC
/// payloads, clipboard contents). Every edge that installs a log subscriber caps these at
/// `info`, whatever `RUST_LOG` says.
pub const SECRET_BEARING_LOG_TARGETS: &[&str] = &[
    "zbus",
    "secret_service",
    "ureq",
    "rustls",
    "arboard",
    "tauri",
    "wry",
];
pub use secret::Secret;
pub use vault::Vault;
