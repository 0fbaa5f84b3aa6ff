//! A vault's identity: a random id made when its data folder is first used, kept both in a
//! small `vault-id` file beside the database and in SQLite, so losing `tokenkeeper.db` does not
//! lose it. Every keyring item the vault writes carries it.

use std::path::Path;

use rusqlite::Connection;

use crate::{
    db::{settings, storage_error},
    error::{Error, Result},
    paths,
};

pub const ID_FILE: &str = "vault-id";
const SETTING: &str = "vault_id";

fn read_file(dir: &Path) -> Result<Option<String>> {
    let path = dir.join(ID_FILE);
    match std::fs::read_to_string(&path) {
        Ok(text) => {
            let id = text.trim();
            uuid::Uuid::parse_str(id)
                .map(|_| Some(id.to_owned()))
                .map_err(|_| Error::Internal(format!(
                    "{} does not hold a vault id; restore it from a backup, or remove it if this \
                     folder's database is intact (its copy of the id is used then)",
                    path.display()
                )))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(Error::Io {
            context: format!("Cannot read {}", path.display()),
            source,
        }),
    }
}

/// Writes the id file in one step (a temporary file renamed over it), readable by the owner.
fn write_file(dir: &Path, id: &str) -> Result<()> {
    let (tmp, path) = (dir.join(format!("{ID_FILE}.tmp")), dir.join(ID_FILE));
    let io = |source| Error::Io {
        context: format!("Cannot write {}", path.display()),
        source,
    };
    std::fs::write(&tmp, format!("{id}\n")).map_err(io)?;
    paths::make_private(&tmp)?;
    std::fs::rename(&tmp, &path).map_err(io)
}

/// This folder's vault id: from the file and the database, which must agree; whichever is
/// missing is restored from the other, and a new folder gets a fresh id.
pub fn resolve(dir: &Path, db_path: &Path, conn: &Connection) -> Result<String> {
    let in_db = settings::get(conn, SETTING).map_err(|e| storage_error(db_path, e))?;
    let in_file = read_file(dir)?;
    let id = match (in_db, in_file) {
        (Some(db), Some(file)) if db != file => {
            return Err(Error::VaultMismatch {
                dir: dir.display().to_string(),
                db,
                file,
            });
        }
        (Some(id), Some(_)) => return Ok(id),
        (Some(id), None) => {
            write_file(dir, &id)?;
            return Ok(id);
        }
        (None, Some(id)) => id,
        (None, None) => {
            let id = uuid::Uuid::new_v4().to_string();
            write_file(dir, &id)?;
            id
        }
    };
    settings::set(conn, SETTING, &id).map_err(|e| storage_error(db_path, e))?;
    Ok(id)
}
