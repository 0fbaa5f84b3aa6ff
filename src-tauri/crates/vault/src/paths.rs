//! Where Tokenkeeper keeps its data, and under which keyring service: both overridable so tests
//! and scripts never touch a user's real store. The data folder is private: created 0700 in one
//! step, and refused (as ssh refuses a readable key) when group or others can read it.

use std::path::{Path, PathBuf};

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
            Error::invalid("No home folder was found for the data folder; set TOKENKEEPER_HOME")
        })
}

/// The keyring service name: `TOKENKEEPER_KEYRING_SERVICE`, else `tokenkeeper`.
pub fn keyring_service() -> String {
    std::env::var("TOKENKEEPER_KEYRING_SERVICE")
        .ok()
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| DEFAULT_SERVICE.to_owned())
}

fn io_error(context: String) -> impl FnOnce(std::io::Error) -> Error {
    move |source| Error::Io { context, source }
}

/// Creates the data folder (and missing parents) with mode 0700 from the start, so it is never
/// readable by others even for a moment; an existing one must already be private.
pub fn ensure_private_dir(dir: &Path) -> Result<()> {
    let context = || format!("Cannot create the data folder {}", dir.display());
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
            .map_err(io_error(context()))?;
    }
    #[cfg(not(unix))]
    std::fs::create_dir_all(dir).map_err(io_error(context()))?;
    refuse_if_shared(dir, 0o700)
}

/// Fails when group or others may read or write `path`, saying what to run.
pub fn refuse_if_shared(path: &Path, want: u32) -> Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let meta =
            std::fs::metadata(path).map_err(io_error(format!("Cannot read {}", path.display())))?;
        let mode = meta.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            return Err(Error::InsecureFolder {
                path: path.display().to_string(),
                mode,
                want,
            });
        }
    }
    #[cfg(not(unix))]
    let _ = (path, want);
    Ok(())
}

/// Narrows a file Tokenkeeper owns (the database and its `-wal`/`-shm`) to 0600.
pub fn make_private(path: &Path) -> Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        match std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            other => other.map_err(io_error(format!("Cannot protect {}", path.display())))?,
        }
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

/// The user's home folder as the platform gives it (`HOME` on Linux and macOS), where the
/// config files that hold plaintext tokens live.
pub fn home_dir() -> Result<PathBuf> {
    directories::BaseDirs::new()
        .map(|d| d.home_dir().to_path_buf())
        .ok_or_else(|| Error::invalid("No home folder was found; set HOME"))
}
