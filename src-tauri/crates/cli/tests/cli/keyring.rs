//! Secrets on the real keyring through the CLI: add/get/rm, and the write protocol surviving a
//! failure or a kill between the keyring write and the row commit.

use std::os::unix::process::ExitStatusExt;

use crate::{Tk, assert_error, assert_success, keyring_available, random_alnum};

fn pat() -> String {
    format!("ghp_{}", random_alnum(36))
}

#[test]
fn add_get_rm_round_trip() {
    if !keyring_available("add_get_rm_round_trip") {
        return;
    }
    let tk = Tk::fresh();
    let secret = pat();
    let id = tk.add("ci", &format!("Bearer {secret}\n"));
    assert_eq!(
        tk.keyring_items(),
        vec![format!("{id}.g1")],
        "secret-tool sees no item"
    );

    for key in ["github/ci", "ci", id.as_str()] {
        let out = tk.run(&["get", key]);
        assert_success(&out, "get");
        assert_eq!(
            out.stdout,
            format!("{secret}\n").into_bytes(),
            "`get {key}` printed other bytes"
        );
        assert!(out.stderr.is_empty(), "get wrote to stderr: {}", out.stderr);
    }
    let raw = tk.run(&["get", "-n", "github/ci"]);
    assert_eq!(
        raw.stdout,
        secret.as_bytes(),
        "`get -n` must print the bare secret"
    );

    let out = tk.run(&["rm", "--yes", "github/ci"]);
    assert_success(&out, "rm");
    assert!(
        tk.keyring_items().is_empty(),
        "rm left {:?} in the keyring",
        tk.keyring_items()
    );
    assert!(tk.list().is_empty(), "rm left the row");
    let err = assert_error(&tk.run(&["get", "github/ci"]), "get after rm");
    assert!(err.contains("No token matches `github/ci`"), "{err}");
}

#[test]
fn rm_without_yes_refuses_when_it_cannot_ask() {
    if !keyring_available("rm_without_yes_refuses_when_it_cannot_ask") {
        return;
    }
    let tk = Tk::fresh();
    let id = tk.add("keep", &pat());
    let err = assert_error(&tk.run_stdin(&["rm", "keep"], "y\n"), "rm without --yes");
    assert!(err.contains("--yes"), "{err}");
    assert_eq!(tk.keyring_items(), vec![format!("{id}.g1")]);
    assert_eq!(tk.list().len(), 1);
}

#[test]
fn replace_rotates_the_secret_from_stdin() {
    if !keyring_available("replace_rotates_the_secret_from_stdin") {
        return;
    }
    let tk = Tk::fresh();
    let (old, new) = (pat(), pat());
    let id = tk.add("ci", &old);
    let out = tk.run_stdin(&["replace", "github/ci"], &new);
    assert_success(&out, "replace");
    assert!(
        !out.stdout_text().contains(&new),
        "replace echoed the secret"
    );
    assert_eq!(tk.run(&["get", "-n", "ci"]).stdout, new.as_bytes());
    assert_eq!(
        tk.keyring_items(),
        vec![format!("{id}.g2")],
        "the old generation was kept"
    );

    let err = assert_error(
        &tk.run_stdin(&["replace", "ci"], "  \n"),
        "replace with no input",
    );
    assert!(
        err.contains("tokenkeeper replace ci"),
        "the hint should name the command: {err}"
    );
    let err = assert_error(&tk.run_stdin(&["replace", "nope"], &new), "replace unknown");
    assert!(err.contains("No token matches `nope`"), "{err}");
    assert_eq!(tk.run(&["get", "-n", "ci"]).stdout, new.as_bytes());
}

#[test]
fn an_injected_failure_on_add_leaves_nothing() {
    if !keyring_available("an_injected_failure_on_add_leaves_nothing") {
        return;
    }
    let tk = Tk::fresh();
    let out = tk.run_with_fault("after_keyring_write:fail", &["add", "--name", "x"], &pat());
    let err = assert_error(&out, "add under an injected fault");
    assert!(
        err.contains("injected fault at after_keyring_write"),
        "{err}"
    );
    assert!(
        tk.list().is_empty(),
        "a row was committed although the add failed"
    );
    assert!(
        tk.keyring_items().is_empty(),
        "the failed add left {:?}",
        tk.keyring_items()
    );
}

#[test]
fn an_injected_failure_on_replace_keeps_the_old_secret() {
    if !keyring_available("an_injected_failure_on_replace_keeps_the_old_secret") {
        return;
    }
    let tk = Tk::fresh();
    let old = pat();
    let id = tk.add("ci", &old);
    let out = tk.run_with_fault("after_keyring_write:fail", &["replace", "ci"], &pat());
    assert_error(&out, "replace under an injected fault");
    assert_eq!(
        tk.run(&["get", "-n", "ci"]).stdout,
        old.as_bytes(),
        "the old secret broke"
    );
    assert_eq!(
        tk.keyring_items(),
        vec![format!("{id}.g1")],
        "an orphan was left"
    );
}

#[test]
fn a_replace_killed_after_the_keyring_write_keeps_the_old_secret() {
    if !keyring_available("a_replace_killed_after_the_keyring_write_keeps_the_old_secret") {
        return;
    }
    let tk = Tk::fresh();
    let old = pat();
    let id = tk.add("ci", &old);
    let out = tk.run_with_fault("after_keyring_write:abort", &["replace", "ci"], &pat());
    assert_eq!(
        out.status.signal(),
        Some(6),
        "replace was not killed at the fault point: {}",
        out.stderr
    );
    assert_eq!(
        tk.keyring_items().len(),
        2,
        "the kill should leave the new generation behind"
    );

    // The next vault-opening command cleans up what the dead process left.
    let got = tk.run(&["get", "-n", "ci"]);
    assert_success(&got, "get after a killed replace");
    assert_eq!(
        got.stdout,
        old.as_bytes(),
        "get no longer returns the old secret"
    );
    assert_eq!(
        tk.keyring_items(),
        vec![format!("{id}.g1")],
        "the orphan survived the next open"
    );

    // And the token still rotates normally afterwards.
    let new = pat();
    assert_success(&tk.run_stdin(&["replace", "ci"], &new), "replace");
    assert_eq!(tk.run(&["get", "-n", "ci"]).stdout, new.as_bytes());
    assert_eq!(tk.keyring_items(), vec![format!("{id}.g2")]);
}

#[test]
fn an_add_killed_after_the_keyring_write_leaves_no_row_and_no_orphan() {
    if !keyring_available("an_add_killed_after_the_keyring_write_leaves_no_row_and_no_orphan") {
        return;
    }
    let tk = Tk::fresh();
    let out = tk.run_with_fault("after_keyring_write:abort", &["add", "--name", "x"], &pat());
    assert_eq!(
        out.status.signal(),
        Some(6),
        "add was not killed: {}",
        out.stderr
    );
    assert_eq!(
        tk.keyring_items().len(),
        1,
        "the kill should leave the written secret behind"
    );
    assert!(tk.list().is_empty(), "a row was committed by a killed add");

    let err = assert_error(&tk.run(&["get", "x"]), "get of a never-added token");
    assert!(err.contains("No token matches `x`"), "{err}");
    assert!(
        tk.keyring_items().is_empty(),
        "the orphan survived the next open"
    );
}

#[test]
fn doctor_keeps_unexplained_items_and_flags_missing_secrets() {
    if !keyring_available("doctor_keeps_unexplained_items_and_flags_missing_secrets") {
        return;
    }
    let tk = Tk::fresh();
    let kept = tk.add("kept", &pat());
    let lost = tk.add("lost", &pat());
    // An entry no row points at (as a crash of an old version might leave), and a secret
    // deleted behind Tokenkeeper's back (as a user might in Seahorse).
    let orphan = "00000000-0000-4000-8000-000000000000.g7";
    let store = std::process::Command::new("secret-tool")
        .args([
            "store",
            "--label",
            "orphan",
            "service",
            &tk.service,
            "username",
            orphan,
        ])
        .stdin(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            child.stdin.take().expect("stdin").write_all(b"stale")?;
            child.wait()
        })
        .expect("secret-tool store runs");
    assert!(
        store.success(),
        "could not plant an orphan with secret-tool"
    );
    let clear = std::process::Command::new("secret-tool")
        .args([
            "clear",
            "service",
            &tk.service,
            "username",
            &format!("{lost}.g1"),
        ])
        .status()
        .expect("secret-tool clear runs");
    assert!(clear.success());

    let out = tk.run(&["doctor", "--json"]);
    assert_success(&out, "doctor");
    let report = crate::json(&out);
    assert_eq!(
        report["keyring"]["ok"], true,
        "doctor says the keyring is unusable: {report}"
    );
    assert_eq!(
        report["orphans_removed"], 0,
        "doctor deleted an item on suspicion: {report}"
    );
    assert_eq!(
        report["untagged"], 1,
        "doctor should report the item no token names: {report}"
    );
    assert_eq!(
        report["flagged_missing"], 1,
        "doctor did not flag the lost secret: {report}"
    );
    let mut want = vec![format!("{kept}.g1"), orphan.to_owned()];
    want.sort();
    assert_eq!(
        tk.keyring_items(),
        want,
        "doctor must leave an item it cannot explain where it is"
    );
    let rows = tk.list();
    let flagged: Vec<_> = rows
        .iter()
        .filter(|r| r["secret_missing"] == true)
        .collect();
    assert_eq!(
        flagged.len(),
        1,
        "the list should mark exactly the lost token: {rows:?}"
    );
    assert_eq!(flagged[0]["name"], "lost");
}

#[test]
fn doctor_and_recover_in_an_empty_folder_leave_another_vault_alone() {
    if !keyring_available("doctor_and_recover_in_an_empty_folder_leave_another_vault_alone") {
        return;
    }
    let first = Tk::fresh();
    let secret = pat();
    let id = first.add("ci", &secret);
    // A second data folder on the same service: the case that deleted the first's token.
    let second = Tk::fresh_on(&first.service);
    let out = second.run(&["doctor"]);
    assert_success(&out, "doctor in an empty folder");
    let text = out.stdout_text();
    assert!(
        text.contains("other     vault") && text.contains("1 items"),
        "doctor should list the other vault: {text}"
    );
    assert_success(&second.run(&["recover"]), "recover in an empty folder");
    assert_eq!(
        first.keyring_items(),
        vec![format!("{id}.g1")],
        "the other vault's item went"
    );
    assert_eq!(first.run(&["get", "-n", "ci"]).stdout, secret.as_bytes());
}

#[test]
fn recover_rebuilds_a_deleted_database() {
    if !keyring_available("recover_rebuilds_a_deleted_database") {
        return;
    }
    let tk = Tk::fresh();
    let (a, b) = (pat(), format!("npm_{}", random_alnum(36)));
    tk.add("ci", &a);
    tk.add("publish", &b);
    for f in ["tokenkeeper.db", "tokenkeeper.db-wal", "tokenkeeper.db-shm"] {
        let _ = std::fs::remove_file(tk.db_dir().join(f));
    }
    assert!(tk.list().is_empty());
    let out = tk.run(&["recover"]);
    assert_success(&out, "recover");
    let text = out.stdout_text();
    assert!(
        text.contains("recovered github/ci") && text.contains("recovered npm/publish"),
        "{text}"
    );
    assert_eq!(tk.run(&["get", "-n", "github/ci"]).stdout, a.as_bytes());
    assert_eq!(tk.run(&["get", "-n", "npm/publish"]).stdout, b.as_bytes());
}
