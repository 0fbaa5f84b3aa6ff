//! The vault's promises on the real OS keyring, observed with `secret-tool` rather than our
//! own code: add/get/rm, a failure between keyring write and commit, a crashed writer's
//! orphan, the full reconcile, and two data folders sharing one service.

use std::sync::{Arc, atomic::Ordering};

use tokenkeeper_vault::{Error, Vault, keyring::SecretStore};

use crate::{
    NOW, TestService, keyring_available,
    protocol::{BreakAfterWrite, PAT, PAT2, named, note_from_dead_process, secret},
    random_alnum,
    reconcile::tag,
};

#[test]
fn real_keyring_add_get_and_rm() {
    if !keyring_available("real_keyring_add_get_and_rm") {
        return;
    }
    let svc = TestService::unique();
    let dir = crate::support::private_tempdir();
    let sentinel = format!("ghp_{}", random_alnum(36));
    let (vault, problem) = Vault::open(dir.path(), Arc::new(svc.keyring()), NOW).expect("open");
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
    let (vault, _) = Vault::open(dir.path(), Arc::new(svc.keyring()), NOW).expect("reopen");
    assert_eq!(
        vault.secret(&id, NOW).expect("get").expose().as_bytes(),
        sentinel.as_bytes()
    );
    vault.remove(&id, NOW).expect("rm");
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
    let dir = crate::support::private_tempdir();
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

    let (vault, problem) = Vault::open(dir.path(), Arc::new(svc.keyring()), NOW).expect("reopen");
    assert!(problem.is_none(), "{problem:?}");
    assert_eq!(
        vault.secret(&id, NOW).expect("get").expose(),
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
    let dir = crate::support::private_tempdir();
    let (vault, _) = Vault::open(dir.path(), Arc::new(svc.keyring()), NOW).expect("open");
    let id = vault.add(&secret(PAT), named("ci"), NOW).expect("add").id;
    drop(vault);
    // What a process killed between the keyring write and the commit leaves behind: its note
    // and the new generation.
    let orphan = format!("{id}.g2");
    note_from_dead_process(dir.path(), &orphan, &id);
    svc.keyring()
        .set(
            &orphan,
            &tag(&vault_for(dir.path()), &id, "github/ci"),
            &secret(PAT2),
        )
        .expect("set");
    assert_eq!(svc.items().len(), 2);

    let (vault, problem) = Vault::open(dir.path(), Arc::new(svc.keyring()), NOW).expect("reopen");
    assert!(problem.is_none(), "{problem:?}");
    assert_eq!(
        svc.items(),
        vec![format!("{id}.g1")],
        "the orphan survived the next open"
    );
    assert_eq!(vault.secret(&id, NOW).expect("get").expose(), PAT);
}

fn vault_for(dir: &std::path::Path) -> Vault {
    Vault::open_metadata(
        dir,
        Arc::new(tokenkeeper_vault::keyring::MemoryStore::default()),
    )
    .expect("open")
}

#[test]
fn real_keyring_full_reconcile_keeps_what_no_note_names() {
    if !keyring_available("real_keyring_full_reconcile_keeps_what_no_note_names") {
        return;
    }
    let svc = TestService::unique();
    let dir = crate::support::private_tempdir();
    let (vault, _) = Vault::open(dir.path(), Arc::new(svc.keyring()), NOW).expect("open");
    let id = vault.add(&secret(PAT), named("ci"), NOW).expect("add").id;
    svc.keyring()
        .set(
            &format!("{id}.g5"),
            &tag(&vault, &id, "github/ci"),
            &secret(PAT2),
        )
        .expect("set");
    let report = vault.reconcile(NOW).expect("reconcile");
    assert_eq!(report.orphans_removed, 0, "deleted on suspicion");
    assert_eq!(report.unexplained.len(), 1, "{report:?}");
    assert_eq!(report.unexplained[0].label, "Tokenkeeper: github/ci");
    assert!(
        report.unexplained[0].created.is_some(),
        "doctor shows its date"
    );
    assert_eq!(svc.items(), vec![format!("{id}.g1"), format!("{id}.g5")]);

    // Removed outside Tokenkeeper: flagged, and named in the error.
    svc.keyring().delete(&format!("{id}.g1")).expect("delete");
    assert_eq!(vault.reconcile(NOW).expect("reconcile").flagged_missing, 1);
    assert!(vault.meta(&id, NOW).expect("meta").secret_missing);
    assert!(matches!(
        vault.secret(&id, NOW),
        Err(Error::SecretMissing { .. })
    ));
}

#[test]
fn real_keyring_two_data_folders_on_one_service_never_touch_each_other() {
    if !keyring_available("real_keyring_two_data_folders_on_one_service_never_touch_each_other") {
        return;
    }
    let svc = TestService::unique();
    let (home_a, home_b) = (
        crate::support::private_tempdir(),
        crate::support::private_tempdir(),
    );
    let (a, _) = Vault::open(home_a.path(), Arc::new(svc.keyring()), NOW).expect("open a");
    let (b, _) = Vault::open(home_b.path(), Arc::new(svc.keyring()), NOW).expect("open b");
    let a_id = a
        .add(&secret(PAT), named("a-token"), NOW)
        .expect("add a")
        .id;
    let b_id = b
        .add(&secret(PAT2), named("b-token"), NOW)
        .expect("add b")
        .id;
    let everything = vec![format!("{a_id}.g1"), format!("{b_id}.g1")];
    let mut sorted = everything.clone();
    sorted.sort();
    assert_eq!(svc.items(), sorted);

    // Each vault's full reconcile (what the app runs at start and `doctor` runs) and recover.
    for (vault, other) in [(&a, &b), (&b, &a)] {
        let report = vault.reconcile(NOW).expect("reconcile");
        assert_eq!(report.orphans_removed, 0);
        assert!(report.unexplained.is_empty(), "{report:?}");
        assert_eq!(report.other_vaults.get(other.id()), Some(&1), "{report:?}");
        assert!(
            vault
                .rebuild(None, NOW)
                .expect("recover")
                .rebuilt
                .is_empty()
        );
        assert_eq!(svc.items(), sorted, "a vault touched the other's item");
    }
    // An empty data folder on the same service (the case that lost data before).
    let empty = crate::support::private_tempdir();
    let (c, _) = Vault::open(empty.path(), Arc::new(svc.keyring()), NOW).expect("open c");
    let report = c.reconcile(NOW).expect("reconcile");
    assert_eq!(report.other_vaults.len(), 2, "{report:?}");
    assert!(c.rebuild(None, NOW).expect("recover").rebuilt.is_empty());
    assert_eq!(
        svc.items(),
        sorted,
        "an empty vault deleted another vault's item"
    );
    assert_eq!(a.secret(&a_id, NOW).expect("a").expose(), PAT);
    assert_eq!(b.secret(&b_id, NOW).expect("b").expose(), PAT2);

    // B's data folder is lost entirely: C adopts its items with `recover --from-vault`.
    let b_vault = b.id().to_owned();
    drop(b);
    drop(home_b);
    let report = c.rebuild(Some(&b_vault), NOW).expect("adopt");
    assert_eq!(report.rebuilt, ["github/b-token"], "{report:?}");
    assert_eq!(
        c.secret(&c.resolve("github/b-token").expect("row").id, NOW)
            .expect("adopted secret")
            .expose(),
        PAT2
    );
    let after = a.reconcile(NOW).expect("reconcile");
    assert_eq!(
        after.other_vaults.get(c.id()),
        Some(&1),
        "the item now carries C's id"
    );
}

#[test]
fn real_keyring_a_deleted_database_is_rebuilt_with_every_secret() {
    if !keyring_available("real_keyring_a_deleted_database_is_rebuilt_with_every_secret") {
        return;
    }
    let svc = TestService::unique();
    let dir = crate::support::private_tempdir();
    let (vault, _) = Vault::open(dir.path(), Arc::new(svc.keyring()), NOW).expect("open");
    vault.add(&secret(PAT), named("ci"), NOW).expect("add");
    vault
        .add(
            &secret(&format!("glpat-{}", random_alnum(20))),
            named("deploy"),
            NOW,
        )
        .expect("add");
    drop(vault);
    for f in ["tokenkeeper.db", "tokenkeeper.db-wal", "tokenkeeper.db-shm"] {
        let _ = std::fs::remove_file(dir.path().join(f));
    }
    let (vault, _) = Vault::open(dir.path(), Arc::new(svc.keyring()), NOW).expect("reopen");
    let mut rebuilt = vault.rebuild(None, NOW).expect("recover").rebuilt;
    rebuilt.sort();
    assert_eq!(rebuilt, ["github/ci", "gitlab/deploy"]);
    let ci = vault.resolve("github/ci").expect("row");
    assert_eq!(vault.secret(&ci.id, NOW).expect("get").expose(), PAT);
}
