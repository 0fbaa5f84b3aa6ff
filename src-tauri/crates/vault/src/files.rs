//! Writing a file so that a crash or a second writer never leaves half of one: a temporary
//! file beside it (private from its first byte), synced, given its final permissions, renamed
//! over the target, and the folder synced. The CLI's `import --rewrite` and `export` and the
//! app's Export all write this way.

use std::{
    fs::{self, File, Permissions},
    io::Write,
    path::Path,
};

/// `contents` into `path`: a reader sees the old file or the new one. The new file has
/// `permissions` (the original's, for a rewrite) before it has its name; without them it stays
/// readable by this user only.
pub fn write_atomically(
    path: &Path,
    contents: &[u8],
    permissions: Option<&Permissions>,
) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path.file_name().ok_or_else(|| {
        std::io::Error::new(std::io::ErrorKind::InvalidInput, "the path names no file")
    })?;
    // Unique per process and call: two writers at once never share a temporary file.
    let tmp = dir.join(format!(
        ".{}.tokenkeeper-{}.tmp",
        name.to_string_lossy(),
        uuid::Uuid::new_v4().simple()
    ));
    let written = (|| {
        let mut file = create_private(&tmp)?;
        file.write_all(contents)?;
        if let Some(p) = permissions {
            file.set_permissions(p.clone())?;
        }
        file.sync_all()?;
        drop(file);
        fs::rename(&tmp, path)?;
        sync_dir(dir)
    })();
    if written.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    written
}

/// A new file only this user can read.
fn create_private(path: &Path) -> std::io::Result<File> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)
}

/// The rename is durable only once the folder's entry is on disk.
#[cfg(unix)]
fn sync_dir(dir: &Path) -> std::io::Result<()> {
    File::open(dir)?.sync_all()
}

#[cfg(not(unix))]
fn sync_dir(_dir: &Path) -> std::io::Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_file_is_private_and_a_rewrite_keeps_the_permissions_given() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("tokens.age");
        write_atomically(&path, b"one", None).expect("write");
        write_atomically(&path, b"two", None).expect("replace");
        assert_eq!(fs::read(&path).expect("read"), b"two");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = |p: &Path| fs::metadata(p).expect("meta").permissions().mode() & 0o777;
            assert_eq!(mode(&path), 0o600);
            let shared = Permissions::from_mode(0o640);
            write_atomically(&path, b"three", Some(&shared)).expect("rewrite");
            assert_eq!(mode(&path), 0o640);
        }
        let left: Vec<_> = fs::read_dir(dir.path()).expect("ls").collect();
        assert_eq!(left.len(), 1, "no temporary file is left behind");
        assert!(write_atomically(&dir.path().join("missing/x"), b"x", None).is_err());
    }
}
