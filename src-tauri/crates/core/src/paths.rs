//! Where Tokenkeeper keeps its data, and under which keyring service: both overridable so tests
//! and scripts never touch a user's real store.

use std::path::PathBuf;

use crate::error::{Error, Result};

pub const DEFAULT_SERVICE: &str = "tokenkeeper";

/// The data folder: `TOKENKEEPER_HOME`, else the platform data dir
/// (`~/.local/share/tokenkeeper` on Linux).
pub fn data_dir() -> Result<PathBuf> {
    if let Some(home) = std::env::var_os("TOKENKEEPER_HOME").filter(|h| !h.is_empty()) {
        return Ok(PathBuf::from(home));
    }
    directories::ProjectDirs::from("dev", "tokenkeeper", "tokenkeeper")
        .map(|d| d.data_dir().to_path_buf())
        .ok_or_else(|| {
            Error::InvalidInput(
                "No home folder was found for the data folder; set TOKENKEEPER_HOME".into(),
            )
        })
}

/// The keyring service name: `TOKENKEEPER_KEYRING_SERVICE`, else `tokenkeeper`.
pub fn keyring_service() -> String {
    std::env::var("TOKENKEEPER_KEYRING_SERVICE")
        .ok()
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| DEFAULT_SERVICE.to_owned())
}

/// Creates the data folder, readable by the owner only.
pub fn ensure_dir(dir: &std::path::Path) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(|source| Error::Io {
        context: format!("Cannot create the data folder {}", dir.display()),
        source,
    })?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700));
    }
    Ok(())
}
