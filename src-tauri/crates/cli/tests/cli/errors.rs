//! What the user sees when something is wrong: usage errors (exit 2), and a clear one-line
//! error (exit 1) that writes nothing when there is no session bus, no Secret Service, or a
//! locked keyring. Each broken environment is a private D-Bus daemon this test starts and
//! stops, so the shared session is never disturbed.

use std::{
    path::PathBuf,
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use crate::{Tk, assert_error, assert_success, random_alnum, seed_tokens, support};

fn pat() -> String {
    format!("ghp_{}", random_alnum(36))
}

/// A D-Bus session daemon of the test's own, with its own HOME and runtime folder; the
/// daemons it started are killed when it is dropped.
struct PrivateBus {
    dir: tempfile::TempDir,
    children: Vec<Child>,
    /// The X display the bus and its services see; `None` is a headless session.
    display: Option<String>,
}

impl PrivateBus {
    fn address(&self) -> String {
        format!("unix:path={}", self.socket().display())
    }

    fn socket(&self) -> PathBuf {
        self.dir.path().join("bus")
    }

    fn env(&self, cmd: &mut Command) {
        cmd.env("HOME", self.dir.path().join("home"))
            .env("XDG_RUNTIME_DIR", self.dir.path().join("run"))
            .env("DBUS_SESSION_BUS_ADDRESS", self.address())
            .env_remove("WAYLAND_DISPLAY");
        // Headless, a locked keyring answers "dismissed"; with a display it shows an unlock
        // prompt and waits.
        match &self.display {
            Some(d) => cmd.env("DISPLAY", d),
            None => cmd.env_remove("DISPLAY"),
        };
    }

    fn start(config: Option<&str>) -> PrivateBus {
        PrivateBus::start_on(config, None)
    }

    fn start_on(config: Option<&str>, display: Option<String>) -> PrivateBus {
        let dir = crate::support::private_tempdir();
        for sub in ["home", "run"] {
            std::fs::create_dir(dir.path().join(sub)).expect("mkdir");
        }
        let mut bus = PrivateBus {
            dir,
            children: Vec::new(),
            display,
        };
        let mut cmd = Command::new("dbus-daemon");
        match config {
            Some(text) => {
                let path = bus.dir.path().join("bus.conf");
                let text = text.replace("@SOCKET@", &bus.socket().display().to_string());
                std::fs::write(&path, text).expect("write bus config");
                cmd.arg(format!("--config-file={}", path.display()));
            }
            None => {
                cmd.args(["--session", &format!("--address={}", bus.address())]);
            }
        }
        cmd.arg("--nofork")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        bus.env(&mut cmd);
        bus.children
            .push(cmd.spawn().expect("start dbus-daemon (package dbus)"));
        let socket = bus.socket();
        wait_for("the private D-Bus socket", || socket.exists());
        bus
    }

    /// A bus on which nothing provides org.freedesktop.secrets and nothing can be activated
    /// (a plain `dbus-run-session` would activate gnome-keyring).
    fn without_secret_service() -> PrivateBus {
        PrivateBus::start(Some(include_str!(
            "../../../../../tests/lib/no-secret-service.conf.in"
        )))
    }

    /// A bus with gnome-keyring running and its login collection unlocked.
    fn with_gnome_keyring_on(display: Option<String>) -> PrivateBus {
        let mut bus = PrivateBus::start_on(None, display);
        let mut cmd = Command::new("gnome-keyring-daemon");
        cmd.args(["--foreground", "--unlock", "--components=secrets"])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        bus.env(&mut cmd);
        let mut keyring = cmd
            .spawn()
            .expect("start gnome-keyring-daemon (package gnome-keyring)");
        {
            use std::io::Write;
            let mut stdin = keyring.stdin.take().expect("piped stdin");
            stdin
                .write_all(b"test-password")
                .expect("send the unlock password");
        }
        bus.children.push(keyring);
        wait_for("gnome-keyring on the private bus", || {
            let mut q = Command::new("dbus-send");
            q.args([
                "--session",
                "--print-reply",
                "--dest=org.freedesktop.DBus",
                "/org/freedesktop/DBus",
                "org.freedesktop.DBus.NameHasOwner",
                "string:org.freedesktop.secrets",
            ]);
            bus.env(&mut q);
            let out = support::run_bounded(&mut q, None, Duration::from_secs(5));
            out.stdout_text().contains("boolean true")
        });
        bus
    }

    fn lock_login_collection(&self) {
        let mut cmd = Command::new("dbus-send");
        cmd.args([
            "--session",
            "--print-reply",
            "--dest=org.freedesktop.secrets",
            "/org/freedesktop/secrets",
            "org.freedesktop.Secret.Service.Lock",
            "array:objpath:/org/freedesktop/secrets/collection/login",
        ]);
        self.env(&mut cmd);
        let out = support::run_bounded(&mut cmd, None, Duration::from_secs(10));
        assert!(
            out.status.success(),
            "could not lock the test keyring: {}",
            out.stderr
        );
    }

    /// A user of this bus.
    fn tk(&self) -> Tk {
        let tk = Tk::fresh()
            .env("DBUS_SESSION_BUS_ADDRESS", self.address())
            .env_remove("WAYLAND_DISPLAY");
        match &self.display {
            Some(d) => tk.env("DISPLAY", d.clone()),
            None => tk.env_remove("DISPLAY"),
        }
    }
}

impl Drop for PrivateBus {
    fn drop(&mut self) {
        for child in self.children.iter_mut().rev() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

fn wait_for(what: &str, mut ready: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while !ready() {
        assert!(
            Instant::now() < deadline,
            "{what} was not ready within 10 s"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

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
        vec!["copy", "--clear-after", "1", token],
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
    for (args, want) in [
        (vec!["show", "nope"], "No token matches `nope`"),
        (vec!["decode", ""], "The input is empty"),
        (vec!["decode", "eyJhbGciOiJIUzI1NiJ9.e30"], "has 2 parts"),
        (
            vec![
                "verify",
                "--jwks",
                "/nonexistent.json",
                "eyJhbGciOiJub25lIn0.e30.",
            ],
            "/nonexistent.json",
        ),
    ] {
        let err = assert_error(&tk.run(&args), &args.join(" "));
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

/// A private gnome-keyring holding one token, `before-lock`, then locked; and its user.
fn locked_after_one_add(display: Option<String>) -> (PrivateBus, Tk) {
    let bus = PrivateBus::with_gnome_keyring_on(display);
    let user = bus.tk();
    user.add("before-lock", &pat());
    bus.lock_login_collection();
    (bus, user)
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
            "errors::stuck_keyring_child",
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
