//! The vault's promises on the real OS keyring, observed with `secret-tool` rather than our
//! own code: add/get/rm, a failure between keyring write and commit, a crashed writer's
//! orphan, and the full reconcile.

use std::sync::{Arc, atomic::Ordering};

use tokenkeeper_core::{Error, Vault, keyring::SecretStore};

use crate::{
    NOW, TestService, keyring_available, random_alnum,
    vault::{BreakAfterWrite, PAT, PAT2, named, note_from_dead_process, secret},
};

#[test]
fn real_keyring_add_get_and_rm() {
    if !keyring_available("real_keyring_add_get_and_rm") {
        return;
    }
    let svc = TestService::unique();
    let dir = tempfile::tempdir().expect("tempdir");
    let sentinel = format!("ghp_{}", random_alnum(36));
    let (vault, problem) = Vault::open(dir.path(), Arc::new(svc.keyring())).expect("open");
    assert!(problem.is_none(), "{problem:?}");
    let id = vault
        .add(&secret(&sentinel), named("real"), NOW)
        .expect("add")
        .id;
    assert_eq!(
        svc.items(),
        vec![format!("{id}.g1")],
        "secret-tool does not see the item"
    );
    drop(vault);

    // A fresh process's view: a new store connection, nothing cached.
    let (vault, _) = Vault::open(dir.path(), Arc::new(svc.keyring())).expect("reopen");
    assert_eq!(
        vault.secret(&id).expect("get").expose().as_bytes(),
        sentinel.as_bytes()
    );
    vault.remove(&id).expect("rm");
    assert!(
        svc.items().is_empty(),
        "rm left the secret in the keyring: {:?}",
        svc.items()
    );
}

#[test]
fn real_keyring_failure_between_write_and_commit_leaves_no_orphan() {
    if !keyring_available("real_keyring_failure_between_write_and_commit_leaves_no_orphan") {
        return;
    }
    let svc = TestService::unique();
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Arc::new(BreakAfterWrite::new(svc.keyring()));
    let vault = Vault::open_metadata(dir.path(), store.clone()).expect("open");
    vault
        .add(&secret(PAT), named("lost"), NOW)
        .expect_err("injected failure");
    assert!(
        svc.items().is_empty(),
        "a failed add left {:?} in the keyring",
        svc.items()
    );

    store.armed.store(false, Ordering::SeqCst);
    let id = vault.add(&secret(PAT), named("kept"), NOW).expect("add").id;
    store.armed.store(true, Ordering::SeqCst);
    vault
        .replace_secret(&id, &secret(PAT2), NOW)
        .expect_err("injected failure");
    drop(vault);

    let (vault, problem) = Vault::open(dir.path(), Arc::new(svc.keyring())).expect("reopen");
    assert!(problem.is_none(), "{problem:?}");
    assert_eq!(
        vault.secret(&id).expect("get").expose(),
        PAT,
        "the old secret stopped working"
    );
    assert_eq!(svc.items(), vec![format!("{id}.g1")]);
}

#[test]
fn real_keyring_orphan_from_a_crash_is_removed_on_open() {
    if !keyring_available("real_keyring_orphan_from_a_crash_is_removed_on_open") {
        return;
    }
    let svc = TestService::unique();
    let dir = tempfile::tempdir().expect("tempdir");
    let (vault, _) = Vault::open(dir.path(), Arc::new(svc.keyring())).expect("open");
    let id = vault.add(&secret(PAT), named("ci"), NOW).expect("add").id;
    drop(vault);
    // What a process killed between the keyring write and the commit leaves behind: its note
    // and the new generation.
    let orphan = format!("{id}.g2");
    note_from_dead_process(dir.path(), &orphan, &id);
    svc.keyring()
        .set(&orphan, "orphan", &secret(PAT2))
        .expect("set");
    assert_eq!(svc.items().len(), 2);

    let (vault, problem) = Vault::open(dir.path(), Arc::new(svc.keyring())).expect("reopen");
    assert!(problem.is_none(), "{problem:?}");
    assert_eq!(
        svc.items(),
        vec![format!("{id}.g1")],
        "the orphan survived the next open"
    );
    assert_eq!(vault.secret(&id).expect("get").expose(), PAT);
}

#[test]
fn real_keyring_full_reconcile_finds_what_no_note_names() {
    if !keyring_available("real_keyring_full_reconcile_finds_what_no_note_names") {
        return;
    }
    let svc = TestService::unique();
    let dir = tempfile::tempdir().expect("tempdir");
    let (vault, _) = Vault::open(dir.path(), Arc::new(svc.keyring())).expect("open");
    let id = vault.add(&secret(PAT), named("ci"), NOW).expect("add").id;
    svc.keyring()
        .set(&format!("{id}.g5"), "stray", &secret(PAT2))
        .expect("set");
    let report = vault.reconcile().expect("reconcile");
    assert_eq!(report.orphans_removed, 1);
    assert_eq!(svc.items(), vec![format!("{id}.g1")]);

    // Removed outside Tokenkeeper: flagged, and named in the error.
    svc.keyring().delete(&format!("{id}.g1")).expect("delete");
    assert_eq!(vault.reconcile().expect("reconcile").flagged_missing, 1);
    assert!(vault.meta(&id, NOW).expect("meta").secret_missing);
    assert!(matches!(
        vault.secret(&id),
        Err(Error::SecretMissing { .. })
    ));
}
