//! tokenkeeper-core: Tokenkeeper's pure domain — the model, token inspection and signature
//! checks, expiry status, the reminder schedule and the provider catalog as data. No I/O, no clock, no network: every
//! function takes `now` and its inputs as parameters. It must never depend on SQLite, the
//! keyring, the clipboard, an HTTP client or tauri (`cargo tree -p tokenkeeper-core` shows it).

pub mod check;
pub mod clock;
pub mod credential;
pub mod error;
pub mod import;
pub mod inspect;
pub mod model;
pub mod notice;
pub mod oauth;
pub mod providers;
pub mod remind;
pub mod secret;
pub mod shape;
pub mod status;
pub mod verify;

pub use error::{Error, Result};
pub use secret::Secret;

/// Log targets that may see secret bytes at trace level (D-Bus messages, HTTP bodies, IPC
/// payloads, clipboard contents). Every edge that installs a log subscriber caps these at
/// `info`, whatever `RUST_LOG` says.
pub const SECRET_BEARING_LOG_TARGETS: &[&str] = &[
    "zbus",
    "secret_service",
    "reqwest",
    "hyper",
    "hyper_util",
    "h2",
    "rustls",
    "arboard",
    "tauri",
    "wry",
];
