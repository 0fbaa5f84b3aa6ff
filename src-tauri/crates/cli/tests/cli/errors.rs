//! What the user sees when something is wrong: usage errors (exit 2), and a clear one-line
//! error (exit 1) that writes nothing when there is no session bus, no Secret Service, or a
//! locked keyring. Each broken environment is a private D-Bus daemon this test starts and
//! stops, so the shared session is never disturbed.

use std::{
    process::Stdio,
    time::{Duration, Instant},
};

use crate::{
    Tk, assert_error, assert_success,
    bus::{PrivateBus, locked_after_one_add, pat},
    seed_tokens, support,
};

/// An add in a broken environment says `want` and leaves no row: `list --json` prints `[]`.
fn add_fails_cleanly(tk: &Tk, want: &str) {
    let err = assert_error(&tk.run_stdin(&["add", "--name", "new"], &pat()), "add");
    assert!(
        err.contains(want),
        "add should say `{want}`, it said: {err}"
    );
    let listed = tk.run(&["list", "--json"]);
    assert_success(&listed, "list --json");
    assert_eq!(listed.stdout_text(), "[]\n", "a failed add left a row");
}

/// Every command that needs the secret of `token` says `want`, and the token stays listed.
fn secret_commands_fail_cleanly(tk: &Tk, token: &str, want: &str) {
    for args in [
        vec!["get", token],
        vec!["rm", "--yes", token],
        vec!["copy", "--clear-after", "5", token],
    ] {
        let err = assert_error(&tk.run(&args), &args.join(" "));
        assert!(
            err.contains(want),
            "`{}` should say `{want}`, it said: {err}",
            args.join(" ")
        );
    }
    let err = assert_error(&tk.run_stdin(&["replace", token], &pat()), "replace");
    assert!(
        err.contains(want),
        "replace should say `{want}`, it said: {err}"
    );
    let rows = tk.list();
    assert_eq!(
        rows.len(),
        1,
        "a failed command added or removed a row: {rows:?}"
    );
    assert_eq!(rows[0]["name"], token);
}

/// With no keyring reachable at all, rows written by an earlier session stand in for tokens.
fn every_keyring_command_fails_cleanly(tk: &Tk, want: &str) {
    add_fails_cleanly(tk, want);
    seed_tokens(tk.db_dir(), 1, chrono::Utc::now().timestamp());
    secret_commands_fail_cleanly(tk, "token-0", want);
}

#[test]
fn usage_errors_exit_2() {
    let tk = Tk::fresh().env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent");
    for args in [
        vec![],
        vec!["frobnicate"],
        vec!["add"],
        vec!["add", "--name", "x", "--kind", "wizard"],
        vec!["get"],
        vec!["verify", "eyJhbGciOiJub25lIn0.e30."],
        vec!["list", "--jsn"],
    ] {
        let out = tk.run(&args);
        assert_eq!(
            out.status.code(),
            Some(2),
            "`tokenkeeper {}` is a usage error",
            args.join(" ")
        );
        assert!(
            out.stderr.contains("Usage") || out.stderr.contains("--help"),
            "no usage hint for {args:?}: {}",
            out.stderr
        );
        assert!(out.stdout.is_empty());
    }
    assert!(tk.list().is_empty());
}

#[test]
fn runtime_errors_are_one_line_and_exit_1() {
    let tk = Tk::fresh().env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent");
    // Tokens on stdin, as README says: an argument would add its warning line.
    for (args, stdin, want) in [
        (vec!["show", "nope"], "", "No token matches `nope`"),
        (vec!["decode"], "", "The input is empty"),
        (vec!["decode"], "eyJhbGciOiJIUzI1NiJ9.e30", "has 2 parts"),
        (
            vec!["verify", "--jwks", "/nonexistent.json"],
            "eyJhbGciOiJub25lIn0.e30.",
            "/nonexistent.json",
        ),
    ] {
        let err = assert_error(&tk.run_stdin(&args, stdin), &args.join(" "));
        assert!(
            err.contains(want),
            "`{}` should say `{want}`: {err}",
            args.join(" ")
        );
    }
    let err = assert_error(
        &tk.run_stdin(&["add", "--name", "x"], " \n"),
        "add with no input",
    );
    assert!(err.contains("no token was given on stdin"), "{err}");
}

#[test]
fn list_needs_no_keyring_at_all() {
    let no_bus_dir = crate::support::private_tempdir();
    let tk = Tk::fresh()
        .env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent")
        .env("XDG_RUNTIME_DIR", no_bus_dir.path().display().to_string());
    seed_tokens(tk.db_dir(), 3, chrono::Utc::now().timestamp());
    assert_eq!(tk.list().len(), 3, "list --json must work with no keyring");
    assert_success(&tk.run(&["list"]), "list");
    assert_success(&tk.run(&["show", "token-1"]), "show");
    assert_success(&tk.run(&["show", "--json", "token-2"]), "show --json");
}

#[test]
fn a_reader_that_stops_early_is_not_an_error() {
    use std::io::Read;
    let tk = Tk::fresh().env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent");
    // Far more output than a pipe holds, so the CLI is still writing when the reader goes.
    seed_tokens(tk.db_dir(), 5_000, chrono::Utc::now().timestamp());
    for args in [&["list"][..], &["list", "--json"]] {
        let mut child = tk
            .command(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start tokenkeeper");
        let mut first = [0u8; 64];
        let mut stdout = child.stdout.take().expect("stdout");
        stdout
            .read_exact(&mut first)
            .expect("the first bytes of output");
        drop(stdout); // what `| head -1` does once it has its line
        let deadline = Instant::now() + Duration::from_secs(30);
        let status = loop {
            if let Some(status) = child.try_wait().expect("wait") {
                break status;
            }
            assert!(
                Instant::now() < deadline,
                "{args:?} did not stop after its reader left"
            );
            std::thread::sleep(Duration::from_millis(20));
        };
        let mut stderr = String::new();
        child
            .stderr
            .take()
            .expect("stderr")
            .read_to_string(&mut stderr)
            .expect("stderr text");
        assert!(
            status.success() && stderr.is_empty(),
            "`tokenkeeper {}` piped into a reader that stops early should end quietly; it exited \
             with {status} and said: {stderr}",
            args.join(" ")
        );
    }
}

#[test]
fn no_session_bus_says_so() {
    let no_bus_dir = crate::support::private_tempdir();
    let runtime = no_bus_dir.path().display().to_string();
    let pointed_nowhere = Tk::fresh()
        .env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent")
        .env("XDG_RUNTIME_DIR", runtime.clone());
    every_keyring_command_fails_cleanly(&pointed_nowhere, "No D-Bus session bus was found");
    let unset = Tk::fresh()
        .env_remove("DBUS_SESSION_BUS_ADDRESS")
        .env("XDG_RUNTIME_DIR", runtime);
    every_keyring_command_fails_cleanly(&unset, "No D-Bus session bus was found");
}

#[test]
fn no_secret_service_says_so() {
    let bus = PrivateBus::without_secret_service();
    let tk = bus.tk();
    every_keyring_command_fails_cleanly(&tk, "No Secret Service is running");
    let err = assert_error(&tk.run(&["doctor"]), "doctor");
    assert!(
        err.contains("No Secret Service is running"),
        "doctor should say so: {err}"
    );
    let err = assert_error(&tk.run(&["get", "token-0"]), "get");
    assert!(
        err.contains("install and unlock GNOME Keyring"),
        "the error says what to do: {err}"
    );
}

#[test]
fn a_locked_keyring_says_so() {
    // Its own gnome-keyring, not the session's: only the skip switch applies.
    if support::keyring_tests_skipped("a_locked_keyring_says_so") {
        return;
    }
    let (bus, user) = locked_after_one_add(None);

    let started = Instant::now();
    let err = assert_error(
        &user.run(&["get", "before-lock"]),
        "get on a locked keyring",
    );
    assert!(
        err.contains("unlock it"),
        "the error says what to do: {err}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "a headless locked get waited for a prompt"
    );
    secret_commands_fail_cleanly(&user, "before-lock", "The keyring is locked");
    add_fails_cleanly(&bus.tk(), "The keyring is locked");
    // The health check the app's banner uses must see the lock too, although reading an
    // absent entry succeeds on a locked collection.
    let err = assert_error(&user.run(&["doctor"]), "doctor on a locked keyring");
    assert!(
        err.contains("The keyring is locked"),
        "doctor should say so, it said: {err}"
    );
}

#[test]
fn a_locked_keyring_waiting_on_its_prompt_times_out() {
    if support::keyring_tests_skipped("a_locked_keyring_waiting_on_its_prompt_times_out") {
        return;
    }
    // With a display, gnome-keyring shows an unlock prompt and waits for an answer that never
    // comes here: the keyring call must give up after its bound instead of hanging the CLI.
    let display = std::env::var("DISPLAY").expect(
        "this test needs an X display for the unlock prompt: run it under scripts/session.sh",
    );
    let (_bus, user) = locked_after_one_add(Some(display));

    let started = Instant::now();
    let err = assert_error(
        &user.run(&["get", "before-lock"]),
        "get behind an unlock prompt",
    );
    let waited = started.elapsed();
    assert!(
        err.contains("did not answer within 3 s") && err.contains("Unlock your keyring"),
        "the error should say the keyring timed out and what to do: {err}"
    );
    assert!(
        waited >= Duration::from_secs(3) && waited < Duration::from_secs(10),
        "get should give up after about 3 s, it took {waited:?}"
    );
}
