//! `copy` cleans up after itself: SIGTERM or Ctrl+C while it waits clears the clipboard first;
//! the wait is bounded; the process cannot dump core while it holds the secret. And `get` to a
//! terminal says the secret is on screen.

use std::{
    process::{Command, Stdio},
    time::{Duration, Instant},
};

use crate::{Tk, keyring_available, random_alnum};

fn clipboard() -> String {
    Command::new("xclip")
        .args(["-o", "-selection", "clipboard"])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
        .unwrap_or_default()
}

fn until(what: &str, limit: Duration, mut ok: impl FnMut() -> bool) {
    let end = Instant::now() + limit;
    while !ok() {
        assert!(Instant::now() < end, "{what} (waited {limit:?})");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn sigterm_while_copy_waits_clears_the_clipboard_and_no_core_is_allowed() {
    if !keyring_available("sigterm_while_copy_waits_clears_the_clipboard_and_no_core_is_allowed") {
        return;
    }
    if std::env::var_os("DISPLAY").is_none() {
        panic!("this test needs an X display for the clipboard: run it under scripts/session.sh");
    }
    let tk = Tk::fresh();
    let secret = format!("ghp_{}", random_alnum(36));
    tk.add("ci", &secret);
    for signal in ["TERM", "INT"] {
        let mut child = tk
            .command(&["copy", "github/ci", "--clear-after", "600"])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start tokenkeeper copy");
        until(
            "the copied token never reached the clipboard",
            Duration::from_secs(10),
            || clipboard() == secret,
        );
        let limits = std::fs::read_to_string(format!("/proc/{}/limits", child.id()))
            .expect("read the copy process's limits");
        let core = limits
            .lines()
            .find(|l| l.starts_with("Max core file size"))
            .expect("a core size line");
        assert!(
            core.split_whitespace().skip(4).take(2).all(|v| v == "0"),
            "core dumps are allowed while the secret is held: {core}"
        );
        let killed = Command::new("kill")
            .args([&format!("-{signal}"), &child.id().to_string()])
            .status()
            .expect("run kill");
        assert!(killed.success());
        let started = Instant::now();
        let status = loop {
            if let Some(s) = child.try_wait().expect("wait for copy") {
                break s;
            }
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "copy did not end on SIG{signal}"
            );
            std::thread::sleep(Duration::from_millis(20));
        };
        assert!(
            status.success(),
            "copy did not end cleanly on SIG{signal}: {status:?}"
        );
        assert_ne!(
            clipboard(),
            secret,
            "SIG{signal} left the secret on the clipboard"
        );
    }
}

#[test]
fn clear_after_is_bounded() {
    let tk = Tk::fresh();
    for bad in ["2", "601"] {
        let out = tk.run(&["copy", "github/ci", "--clear-after", bad]);
        assert_eq!(
            out.status.code(),
            Some(2),
            "--clear-after {bad} was accepted: {}",
            out.stderr
        );
        assert!(
            out.stderr.contains("5..=600") || out.stderr.contains("5..600"),
            "{}",
            out.stderr
        );
    }
}

#[test]
fn get_to_a_terminal_warns_that_the_secret_is_on_screen_unless_quiet() {
    if !keyring_available("get_to_a_terminal_warns_that_the_secret_is_on_screen_unless_quiet") {
        return;
    }
    let tk = Tk::fresh();
    let secret = format!("ghp_{}", random_alnum(36));
    tk.add("ci", &secret);
    // `script` gives the command a pseudo-terminal for stdout, as a shell in a terminal does.
    let on_tty = |args: &str| {
        let bin = env!("CARGO_BIN_EXE_tokenkeeper");
        let cmd = tk.command(&[]);
        let mut script = Command::new("script");
        script.args(["-qec", &format!("{bin} {args}"), "/dev/null"]);
        for (k, v) in cmd.get_envs() {
            match v {
                Some(v) => script.env(k, v),
                None => script.env_remove(k),
            };
        }
        let out = crate::support::run_bounded(&mut script, None, Duration::from_secs(30));
        assert!(
            out.status.success(),
            "`{args}` on a terminal failed: {}",
            out.stderr
        );
        out.stdout_text()
    };
    let shown = on_tty("get github/ci");
    assert!(shown.contains(&secret), "get printed no secret: {shown}");
    assert!(
        shown.contains("warning: the secret is printed on screen"),
        "no warning on a terminal: {shown}"
    );
    let quiet = on_tty("get --quiet github/ci");
    assert!(quiet.contains(&secret));
    assert!(!quiet.contains("warning:"), "--quiet still warned: {quiet}");
    // Piped (a script's `$(tokenkeeper get …)`), there is no warning.
    let piped = tk.run(&["get", "github/ci"]);
    assert!(
        piped.stderr.is_empty(),
        "a pipe got a warning: {}",
        piped.stderr
    );
}
