//! A keyring call that never answers (an unlock prompt nobody answers): the vault's list
//! still answers at once, and timed-out calls start no threads. Measured in a child process of
//! this test binary, so the thread count is that process's own.

use std::{
    process::Command,
    time::{Duration, Instant},
};

use crate::{bus::locked_after_one_add, random_alnum, support};

/// The child half of `a_stuck_keyring_never_blocks_the_list_or_piles_up_threads`: runs in its
/// own process on the private bus the parent made, so its thread count is its own.
#[test]
#[ignore = "run by a_stuck_keyring_never_blocks_the_list_or_piles_up_threads"]
fn stuck_keyring_child() {
    use std::sync::Arc;
    use tokenkeeper_vault::{Vault, keyring::OsKeyring};
    let Some(home) = std::env::var_os("TK_STUCK_HOME") else {
        return;
    };
    let service = std::env::var("TK_STUCK_SERVICE").expect("service");
    let threads = || std::fs::read_dir("/proc/self/task").expect("/proc").count();
    let keyring =
        Arc::new(OsKeyring::with_timeout(service, Duration::from_millis(500)).expect("keyring"));
    let worker = keyring.worker_name().to_owned();
    let vault =
        Arc::new(Vault::open_metadata(std::path::Path::new(&home), keyring.clone()).expect("open"));
    // A write that waits on the unlock prompt nobody answers.
    let writer = {
        let vault = vault.clone();
        std::thread::spawn(move || {
            let meta = tokenkeeper_core::model::NewTokenMeta {
                name: "stuck".into(),
                ..Default::default()
            };
            let secret = tokenkeeper_core::Secret::new(format!("ghp_{}", random_alnum(36)));
            vault.add(&secret, meta, 1_767_225_600)
        })
    };
    std::thread::sleep(Duration::from_millis(200));
    let started = Instant::now();
    let listed = vault
        .list(1_767_225_600)
        .expect("list while the keyring is stuck");
    let took = started.elapsed();
    assert!(
        took < Duration::from_millis(100),
        "the list waited {took:?} behind a stuck keyring write"
    );
    assert_eq!(listed.len(), 1, "the token added before the lock is listed");
    let err = writer
        .join()
        .expect("writer")
        .expect_err("the stuck write times out");
    assert!(
        matches!(err, tokenkeeper_vault::Error::KeyringTimeout { .. }),
        "{err:?}"
    );
    // Counted once the connection (and zbus's own threads) exists: from here on only the
    // timed-out calls could add any.
    let before = threads();
    for _ in 0..20 {
        let started = Instant::now();
        let e = vault
            .secret(&listed[0].id, 1_767_225_600)
            .expect_err("stuck");
        assert!(
            matches!(e, tokenkeeper_vault::Error::KeyringTimeout { .. }),
            "{e:?}"
        );
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "a call waited {:?}",
            started.elapsed()
        );
    }
    let workers = std::fs::read_dir("/proc/self/task")
        .expect("/proc")
        .flatten()
        .filter(|t| {
            std::fs::read_to_string(t.path().join("comm")).is_ok_and(|c| c.trim() == worker)
        })
        .count();
    assert_eq!(workers, 1, "keyring calls started threads of their own");
    let after = threads();
    assert!(
        after <= before,
        "threads grew from {before} to {after} after 20 timed-out keyring calls"
    );
    println!("STUCK-CHILD-OK");
}

#[test]
fn a_stuck_keyring_never_blocks_the_list_or_piles_up_threads() {
    if support::keyring_tests_skipped("a_stuck_keyring_never_blocks_the_list_or_piles_up_threads") {
        return;
    }
    let display = std::env::var("DISPLAY").expect(
        "this test needs an X display for the unlock prompt: run it under scripts/session.sh",
    );
    let (bus, user) = locked_after_one_add(Some(display));
    let mut child = Command::new(std::env::current_exe().expect("test binary"));
    child
        .args([
            "--exact",
            "stuck::stuck_keyring_child",
            "--include-ignored",
            "--nocapture",
        ])
        .env("TK_STUCK_HOME", user.home.path())
        .env("TK_STUCK_SERVICE", &user.service);
    bus.env(&mut child);
    let out = support::run_bounded(&mut child, None, Duration::from_secs(60));
    assert!(
        out.status.success() && out.stdout_text().contains("STUCK-CHILD-OK"),
        "the in-process check failed:\n{}\n{}",
        out.stdout_text(),
        out.stderr
    );
}
