//! Writer leases: each process that writes secrets holds an OS lock on a file of its own in
//! `leases/`, and names that file in every pending note. A note is abandoned exactly when its
//! lease's lock can be taken: the writer died (or finished and removed its file). Unlike a pid,
//! a lock cannot be mistaken for a reused process id or hidden by a PID namespace.

use std::{
    fs::{File, OpenOptions, TryLockError},
    path::{Path, PathBuf},
};

use crate::error::{Error, Result};

const DIR: &str = "leases";

/// This process's lease, held until it is dropped.
pub struct Lease {
    id: String,
    path: PathBuf,
    _file: File,
}

fn lease_path(dir: &Path, id: &str) -> Option<PathBuf> {
    // Ids are UUIDs we made; anything else (a path, `..`) names no lease.
    uuid::Uuid::parse_str(id)
        .ok()
        .map(|_| dir.join(DIR).join(format!("{id}.lock")))
}

impl Lease {
    /// Takes a new lease in the data folder `dir`, and clears the files of dead writers.
    pub fn take(dir: &Path) -> Result<Lease> {
        let leases = dir.join(DIR);
        let io = |context: String| move |source| Error::Io { context, source };
        std::fs::create_dir_all(&leases)
            .map_err(io(format!("Cannot create {}", leases.display())))?;
        sweep(&leases);
        let id = uuid::Uuid::new_v4().to_string();
        let path = leases.join(format!("{id}.lock"));
        // Locked under a name no sweep looks at, then renamed: a sweeper can never take and
        // delete a lease between its creation and its lock.
        let claiming = leases.join(format!("{id}.claim"));
        let file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&claiming)
            .map_err(io(format!("Cannot create {}", claiming.display())))?;
        file.try_lock()
            .map_err(|e| Error::Internal(format!("Cannot lock {}: {e}", claiming.display())))?;
        std::fs::rename(&claiming, &path)
            .map_err(io(format!("Cannot create {}", path.display())))?;
        Ok(Lease {
            id,
            path,
            _file: file,
        })
    }

    pub fn id(&self) -> &str {
        &self.id
    }
}

impl Drop for Lease {
    fn drop(&mut self) {
        // The file goes first, then the lock with the handle: a reader that opened it in
        // between finds it unlocked, which is right, as this writer is done.
        let _ = std::fs::remove_file(&self.path);
    }
}

/// Whether the writer holding lease `id` is gone. A note without a lease (written before
/// leases existed) has no writer that could still finish it.
pub fn is_abandoned(dir: &Path, id: &str) -> bool {
    let Some(path) = lease_path(dir, id) else {
        return true;
    };
    match File::open(&path) {
        Err(_) => true,
        Ok(file) => match file.try_lock() {
            Ok(()) => true,
            Err(TryLockError::WouldBlock) => false,
            // The lock cannot be judged: assume the writer is alive and touch nothing.
            Err(TryLockError::Error(_)) => false,
        },
    }
}

/// Removes the files of leases nobody holds (writers that were killed).
fn sweep(leases: &Path) {
    let Ok(entries) = std::fs::read_dir(leases) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "lock")
            && let Ok(file) = File::open(&path)
            && file.try_lock().is_ok()
        {
            let _ = std::fs::remove_file(&path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_held_lease_is_live_and_a_dropped_one_abandoned() {
        let dir = tempfile::tempdir().expect("tempdir");
        let lease = Lease::take(dir.path()).expect("take");
        let id = lease.id().to_owned();
        assert!(!is_abandoned(dir.path(), &id), "a held lease looked dead");
        drop(lease);
        assert!(is_abandoned(dir.path(), &id));
        assert!(is_abandoned(dir.path(), ""), "a note without a lease");
        assert!(is_abandoned(dir.path(), "../../etc/passwd"));
    }
}
