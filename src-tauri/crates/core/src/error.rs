//! The core's error enum: what can be wrong with a token, a key or a value a user typed. Every
//! variant maps to a stable [`ErrorCode`] and a message that tells the user what to do next.
//! Storage, keyring and network failures belong to the crates that do that I/O.

use serde::{Deserialize, Serialize};

/// The one error shape that crosses a boundary: the UI switches on `code`, shows `message`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ErrorInfo {
    pub code: ErrorCode,
    pub message: String,
}

/// Stable error codes. Adding one is fine; renaming one breaks the UI and scripts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    KeyringNoBus,
    KeyringNoService,
    KeyringNoCollection,
    KeyringLocked,
    KeyringTimeout,
    KeyringFailure,
    SecretMissing,
    NotFound,
    Ambiguous,
    DuplicateName,
    InvalidInput,
    TokenMalformed,
    TokenTooLarge,
    KeyInvalid,
    Network,
    Storage,
    /// A row in the database holds a value no version of Tokenkeeper writes.
    StorageCorrupt,
    /// The data folder or database can be read by other users.
    InsecureFolder,
    /// The keyring answers but holds none of this vault's items (a different or reset keyring).
    KeyringNotThisVault,
    /// The token was revoked and its secret deleted.
    Revoked,
    /// The provider refused, limited or could not be reached; nothing was changed.
    Provider,
    /// The app cannot do this for this provider or kind of token.
    Unsupported,
    /// The OAuth grant is gone (`invalid_grant`): only a new sign-in helps.
    SignInAgain,
    Clipboard,
    Internal,
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{0}")]
    InvalidInput(String),
    #[error("{0}")]
    TokenMalformed(String),
    #[error("The token is {size} bytes; tokens over {limit} bytes are refused before parsing")]
    TokenTooLarge { size: usize, limit: usize },
    #[error("{0}")]
    KeyInvalid(String),
}

impl Error {
    pub fn code(&self) -> ErrorCode {
        match self {
            Error::InvalidInput(_) => ErrorCode::InvalidInput,
            Error::TokenMalformed(_) => ErrorCode::TokenMalformed,
            Error::TokenTooLarge { .. } => ErrorCode::TokenTooLarge,
            Error::KeyInvalid(_) => ErrorCode::KeyInvalid,
        }
    }

    pub fn info(&self) -> ErrorInfo {
        ErrorInfo {
            code: self.code(),
            message: self.to_string(),
        }
    }
}

impl From<Error> for ErrorInfo {
    fn from(e: Error) -> Self {
        e.info()
    }
}
