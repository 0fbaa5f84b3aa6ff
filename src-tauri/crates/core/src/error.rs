//! The core's one error enum. Every variant maps to a stable [`ErrorCode`] and a message that
//! tells the user what to do next.

use crate::model::{ErrorCode, ErrorInfo};

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(
        "No D-Bus session bus was found, so the keyring cannot be reached: log in to a desktop \
         session, or start one with `dbus-run-session` ({detail})"
    )]
    KeyringNoBus { detail: String },
    #[error(
        "No Secret Service is running: install and unlock GNOME Keyring, or enable KeePassXC's \
         Secret Service integration ({detail})"
    )]
    KeyringNoService { detail: String },
    #[error(
        "The keyring has no default collection to store secrets in: open your keyring app \
         (Passwords and Keys / Seahorse) and create or set a default \"Login\" keyring ({detail})"
    )]
    KeyringNoCollection { detail: String },
    #[error(
        "The keyring is locked: unlock it in your keyring app (or log in again), then retry \
         ({detail})"
    )]
    KeyringLocked { detail: String },
    #[error(
        "The keyring did not answer within {secs} s; it may be waiting for an unlock prompt. \
         Unlock your keyring, then retry"
    )]
    KeyringTimeout { secs: u64 },
    #[error("The keyring failed: {detail}")]
    KeyringFailure { detail: String },
    #[error(
        "The secret of `{token}` is no longer in the keyring (removed outside Tokenkeeper?); \
         paste it again with Edit → Replace secret, or delete the entry"
    )]
    SecretMissing { token: String },
    #[error("No token matches `{0}`; run `tokenkeeper list` to see ids and provider/name pairs")]
    NotFound(String),
    #[error("`{0}` matches more than one token; use its id instead")]
    Ambiguous(String),
    #[error("A token named `{provider}/{name}` already exists; choose another name")]
    DuplicateName { provider: String, name: String },
    #[error("{0}")]
    InvalidInput(String),
    #[error("{0}")]
    TokenMalformed(String),
    #[error("The token is {size} bytes; tokens over {limit} bytes are refused before parsing")]
    TokenTooLarge { size: usize, limit: usize },
    #[error("{0}")]
    KeyInvalid(String),
    #[error("{0}")]
    Network(String),
    #[error("The token database at {path} could not be used: {source}")]
    Storage {
        path: String,
        source: rusqlite::Error,
    },
    #[error("{context}: {source}")]
    Io {
        context: String,
        source: std::io::Error,
    },
    #[error("{0}")]
    Clipboard(String),
    #[error("{0}")]
    Internal(String),
}

impl Error {
    pub fn code(&self) -> ErrorCode {
        match self {
            Error::KeyringNoBus { .. } => ErrorCode::KeyringNoBus,
            Error::KeyringNoService { .. } => ErrorCode::KeyringNoService,
            Error::KeyringNoCollection { .. } => ErrorCode::KeyringNoCollection,
            Error::KeyringLocked { .. } => ErrorCode::KeyringLocked,
            Error::KeyringTimeout { .. } => ErrorCode::KeyringTimeout,
            Error::KeyringFailure { .. } => ErrorCode::KeyringFailure,
            Error::SecretMissing { .. } => ErrorCode::SecretMissing,
            Error::NotFound(_) => ErrorCode::NotFound,
            Error::Ambiguous(_) => ErrorCode::Ambiguous,
            Error::DuplicateName { .. } => ErrorCode::DuplicateName,
            Error::InvalidInput(_) => ErrorCode::InvalidInput,
            Error::TokenMalformed(_) => ErrorCode::TokenMalformed,
            Error::TokenTooLarge { .. } => ErrorCode::TokenTooLarge,
            Error::KeyInvalid(_) => ErrorCode::KeyInvalid,
            Error::Network(_) => ErrorCode::Network,
            Error::Storage { .. } | Error::Io { .. } => ErrorCode::Storage,
            Error::Clipboard(_) => ErrorCode::Clipboard,
            Error::Internal(_) => ErrorCode::Internal,
        }
    }

    pub fn is_keyring(&self) -> bool {
        matches!(
            self,
            Error::KeyringNoBus { .. }
                | Error::KeyringNoService { .. }
                | Error::KeyringNoCollection { .. }
                | Error::KeyringLocked { .. }
                | Error::KeyringTimeout { .. }
                | Error::KeyringFailure { .. }
        )
    }

    pub fn info(&self) -> ErrorInfo {
        ErrorInfo {
            code: self.code(),
            message: self.to_string(),
        }
    }

    pub(crate) fn storage(path: &std::path::Path) -> impl FnOnce(rusqlite::Error) -> Error + '_ {
        move |source| Error::Storage {
            path: path.display().to_string(),
            source,
        }
    }
}

impl From<&Error> for ErrorInfo {
    fn from(e: &Error) -> Self {
        e.info()
    }
}

impl From<Error> for ErrorInfo {
    fn from(e: Error) -> Self {
        e.info()
    }
}
