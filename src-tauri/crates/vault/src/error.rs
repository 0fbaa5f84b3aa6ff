//! The vault's error enum: storage, keyring, clipboard and the core's own errors. Every variant
//! maps to a stable [`ErrorCode`] and a message that tells the user what to do next.

use tokenkeeper_core::model::{ErrorCode, ErrorInfo};

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Core(#[from] tokenkeeper_core::Error),
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
        "The keyring answers but holds none of this vault's {expected} secrets: it is probably \
         a different or freshly reset keyring (service `{service}`). Nothing was changed; unlock \
         or restore the keyring that holds them, or run `tokenkeeper doctor` to see what it holds"
    )]
    KeyringNotThisVault { service: String, expected: usize },
    #[error(
        "The secret of `{token}` is no longer in the keyring (removed outside Tokenkeeper?); \
         paste it again with Edit → Replace secret, or delete the entry"
    )]
    SecretMissing { token: String },
    #[error("{token} was revoked; its secret was deleted from the keyring")]
    Revoked { token: String },
    /// The provider refused, limited or could not be reached; nothing was changed.
    #[error("{0}")]
    Provider(String),
    #[error("{0}")]
    Unsupported(String),
    #[error(
        "The sign-in behind `{token}` has ended ({detail}); sign in again (Sign in again in the app, or `tokenkeeper login {profile} --name NAME`)"
    )]
    SignInAgain {
        token: String,
        profile: String,
        detail: String,
    },
    #[error("No token matches `{0}`; run `tokenkeeper list` to see ids and provider/name pairs")]
    NotFound(String),
    #[error("`{0}` matches more than one token; use its id instead")]
    Ambiguous(String),
    #[error("A token named `{provider}/{name}` already exists; choose another name")]
    DuplicateName { provider: String, name: String },
    #[error("The token database at {path} could not be used: {source}")]
    Storage {
        path: String,
        source: rusqlite::Error,
    },
    #[error(
        "The token database at {path} holds a value Tokenkeeper never writes: {table} row \
         `{row}` has {column} `{value}`. Restore the database from a backup, or remove that row"
    )]
    Corrupt {
        path: String,
        table: &'static str,
        row: String,
        column: &'static str,
        value: String,
    },
    #[error(
        "{path} can be read by other users (mode {mode:o}); Tokenkeeper keeps its data private. \
         Run `chmod {want:o} '{path}'`, then retry"
    )]
    InsecureFolder { path: String, mode: u32, want: u32 },
    #[error(
        "The database in {dir} belongs to vault {db} but the folder's vault-id file names vault \
         {file}; one of them was copied from another data folder. Move the one that does not \
         belong back where it came from"
    )]
    VaultMismatch {
        dir: String,
        db: String,
        file: String,
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
            Error::Core(e) => e.code(),
            Error::KeyringNoBus { .. } => ErrorCode::KeyringNoBus,
            Error::KeyringNoService { .. } => ErrorCode::KeyringNoService,
            Error::KeyringNoCollection { .. } => ErrorCode::KeyringNoCollection,
            Error::KeyringLocked { .. } => ErrorCode::KeyringLocked,
            Error::KeyringTimeout { .. } => ErrorCode::KeyringTimeout,
            Error::KeyringFailure { .. } => ErrorCode::KeyringFailure,
            Error::KeyringNotThisVault { .. } => ErrorCode::KeyringNotThisVault,
            Error::SecretMissing { .. } => ErrorCode::SecretMissing,
            Error::Revoked { .. } => ErrorCode::Revoked,
            Error::Provider(_) => ErrorCode::Provider,
            Error::Unsupported(_) => ErrorCode::Unsupported,
            Error::SignInAgain { .. } => ErrorCode::SignInAgain,
            Error::NotFound(_) => ErrorCode::NotFound,
            Error::Ambiguous(_) => ErrorCode::Ambiguous,
            Error::DuplicateName { .. } => ErrorCode::DuplicateName,
            Error::Storage { .. } | Error::Io { .. } | Error::VaultMismatch { .. } => {
                ErrorCode::Storage
            }
            Error::Corrupt { .. } => ErrorCode::StorageCorrupt,
            Error::InsecureFolder { .. } => ErrorCode::InsecureFolder,
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

    pub fn invalid(message: impl Into<String>) -> Error {
        Error::Core(tokenkeeper_core::Error::InvalidInput(message.into()))
    }
}

impl From<Error> for ErrorInfo {
    fn from(e: Error) -> Self {
        e.info()
    }
}
