//! The core's error enum: what can be wrong with a token, a key or a value a user typed. Every
//! variant maps to a stable [`ErrorCode`] and a message that tells the user what to do next.
//! Storage, keyring and network failures belong to the crates that do that I/O.

use crate::model::{ErrorCode, ErrorInfo};

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
