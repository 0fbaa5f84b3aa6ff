//! The data folder: private file modes, a clear refusal of a folder others can read, the
//! vault's identity surviving a lost database, and corrupt rows reported with their id.

use std::{os::unix::fs::PermissionsExt, sync::Arc};

use tokenkeeper_vault::{Error, Vault, keyring::MemoryStore};

use crate::{
    NOW,
    protocol::{PAT, named, secret},
};

fn mode(path: &std::path::Path) -> u32 {
    std::fs::metadata(path).expect("stat").permissions().mode() & 0o777
}

#[test]
fn the_data_folder_and_database_are_private() {
    let parent = crate::support::private_tempdir();
    let dir = parent.path().join("nested/data");
    let vault = Vault::open_metadata(&dir, Arc::new(MemoryStore::default())).expect("open");
    vault.add(&secret(PAT), named("ci"), NOW).expect("add");
    assert_eq!(mode(&dir), 0o700, "the data folder");
    for f in [
        "tokenkeeper.db",
        "tokenkeeper.db-wal",
        "tokenkeeper.db-shm",
        "vault-id",
    ] {
        let path = dir.join(f);
        assert!(path.exists(), "{f} was not created");
        assert_eq!(mode(&path), 0o600, "{f} can be read by others");
    }
}

#[test]
fn a_folder_others_can_read_is_refused_with_what_to_run() {
    let parent = crate::support::private_tempdir();
    let dir = parent.path().join("shared");
    std::fs::create_dir(&dir).expect("mkdir");
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o750)).expect("chmod");
    let err = Vault::open_metadata(&dir, Arc::new(MemoryStore::default()))
        .err()
        .expect("a group-readable data folder must be refused");
    assert!(matches!(err, Error::InsecureFolder { .. }), "{err:?}");
    let message = err.to_string();
    assert!(
        message.contains(&dir.display().to_string()) && message.contains("chmod 700"),
        "the error names the folder and the fix: {message}"
    );
    assert!(
        !dir.join("tokenkeeper.db").exists(),
        "nothing is written into a refused folder"
    );
}

#[test]
fn the_vault_id_survives_a_lost_database_and_a_lost_id_file() {
    let dir = crate::support::private_tempdir();
    let id = Vault::open_metadata(dir.path(), Arc::new(MemoryStore::default()))
        .expect("open")
        .id()
        .to_owned();
    std::fs::remove_file(dir.path().join("vault-id")).expect("rm id file");
    let again = Vault::open_metadata(dir.path(), Arc::new(MemoryStore::default())).expect("open");
    assert_eq!(again.id(), id, "the database's copy restores the file");
    drop(again);
    for f in ["tokenkeeper.db", "tokenkeeper.db-wal", "tokenkeeper.db-shm"] {
        let _ = std::fs::remove_file(dir.path().join(f));
    }
    let fresh = Vault::open_metadata(dir.path(), Arc::new(MemoryStore::default())).expect("open");
    assert_eq!(fresh.id(), id, "the file restores the database's copy");
    let other = crate::support::private_tempdir();
    let elsewhere =
        Vault::open_metadata(other.path(), Arc::new(MemoryStore::default())).expect("open");
    assert_ne!(elsewhere.id(), id, "two data folders share a vault id");
}

#[test]
fn a_corrupt_row_is_an_error_naming_it() {
    let dir = crate::support::private_tempdir();
    let vault = Vault::open_metadata(dir.path(), Arc::new(MemoryStore::default())).expect("open");
    let id = vault.add(&secret(PAT), named("ci"), NOW).expect("add").id;
    let conn = tokenkeeper_vault::db::open(vault.db_path()).expect("db");
    conn.execute("UPDATE tokens SET kind = 'wizard' WHERE id = ?1", [&id])
        .expect("corrupt the row");
    match vault.list(NOW) {
        Err(Error::Corrupt {
            row, column, value, ..
        }) => {
            assert_eq!(
                (row.as_str(), column, value.as_str()),
                (id.as_str(), "kind", "wizard")
            )
        }
        other => panic!("an unknown kind must not become `other`: {other:?}"),
    }
    conn.execute("UPDATE tokens SET kind = 'personal' WHERE id = ?1", [&id])
        .expect("repair");
    conn.execute(
        "INSERT INTO events (token_id, at, kind) VALUES (?1, 1, 'teleported')",
        [&id],
    )
    .expect("corrupt an event");
    let err = vault.events(&id, 10).expect_err("an unknown event kind");
    assert!(err.to_string().contains("teleported"), "{err}");
}
