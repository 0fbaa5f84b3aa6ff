//! Integration tests of the `tokenkeeper` binary, run as a user runs it: secrets on the real
//! keyring (`keyring`), secrets never leaking into files or logs (`leak`), decoding (`decode`)
//! and signature checks (`verify`), and errors when the keyring is missing or locked
//! (`errors`).
//!
//! Every test has its own `TOKENKEEPER_HOME` and keyring service. Real-keyring tests need a
//! D-Bus session with an unlocked Secret Service (see `.ci/run`); without one they fail, unless
//! `TOKENKEEPER_SKIP_KEYRING_TESTS=1` skips them on purpose.

mod backup;
mod bus;
mod copy;
mod decode;
mod docker;
mod errors;
mod git;
mod githttp;
mod import;
mod keyring;
mod leak;
mod oauth;
mod oauth_faults;
mod oauth_leak;
mod oauth_profiles;
mod oidc;
mod providers;
mod remind;
mod run;
mod stuck;
#[path = "../../../vault/tests/support/mod.rs"]
mod support;
mod verify;
mod verify_rules;

use std::{path::Path, process::Command, time::Duration};

use serde_json::Value;
pub use support::{Output, keyring_available, random_alnum, secret_tool_accounts, seed_tokens};

/// The longest any single CLI run may take (a keyring call gives up after 3 s).
const RUN_LIMIT: Duration = Duration::from_secs(30);

/// One user's world: a data folder and a keyring service of its own, and the environment the
/// binary runs in. Keyring items under the service are removed on drop.
pub struct Tk {
    pub home: tempfile::TempDir,
    pub service: String,
    env: Vec<(String, Option<String>)>,
}

impl Tk {
    pub fn fresh() -> Tk {
        Tk::fresh_on(&support::unique_service())
    }

    /// A data folder of its own on an existing keyring service (a second vault beside one).
    pub fn fresh_on(service: &str) -> Tk {
        Tk {
            home: crate::support::private_tempdir(),
            service: service.to_owned(),
            env: Vec::new(),
        }
    }

    /// Sets a variable for every run (for example a private D-Bus address).
    pub fn env(mut self, key: &str, value: impl Into<String>) -> Tk {
        self.env.push((key.to_owned(), Some(value.into())));
        self
    }

    /// Unsets a variable for every run.
    pub fn env_remove(mut self, key: &str) -> Tk {
        self.env.push((key.to_owned(), None));
        self
    }

    pub fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_tokenkeeper"));
        cmd.args(args)
            .env("TOKENKEEPER_HOME", self.home.path())
            .env("TOKENKEEPER_KEYRING_SERVICE", &self.service)
            .env_remove("RUST_LOG")
            .env_remove("TOKENKEEPER_FAULT");
        for (k, v) in &self.env {
            match v {
                Some(v) => cmd.env(k, v),
                None => cmd.env_remove(k),
            };
        }
        cmd
    }

    /// Another program (git, a credential-helper shim) in this user's world: the same data
    /// folder, keyring service and environment as `command`.
    pub fn program(&self, program: impl AsRef<std::ffi::OsStr>) -> Command {
        let inner = self.command(&[]);
        let mut cmd = Command::new(program);
        for (k, v) in inner.get_envs() {
            match v {
                Some(v) => cmd.env(k, v),
                None => cmd.env_remove(k),
            };
        }
        cmd
    }

    pub fn run(&self, args: &[&str]) -> Output {
        support::run_bounded(&mut self.command(args), None, RUN_LIMIT)
    }

    pub fn run_stdin(&self, args: &[&str], stdin: &str) -> Output {
        support::run_bounded(&mut self.command(args), Some(stdin.as_bytes()), RUN_LIMIT)
    }

    /// Runs with `TOKENKEEPER_FAULT` set (debug builds honour it), without core dumps for
    /// `:abort`.
    pub fn run_with_fault(&self, fault: &str, args: &[&str], stdin: &str) -> Output {
        let mut cmd = self.program("sh");
        cmd.arg("-c")
            .arg("ulimit -c 0; exec \"$0\" \"$@\"")
            .arg(env!("CARGO_BIN_EXE_tokenkeeper"))
            .args(args);
        cmd.env("TOKENKEEPER_FAULT", fault);
        support::run_bounded(&mut cmd, Some(stdin.as_bytes()), RUN_LIMIT)
    }

    /// Adds `secret` as `name`, asserting success; returns the new token's id.
    pub fn add(&self, name: &str, secret: &str) -> String {
        let out = self.run_stdin(&["add", "--name", name, "--json"], secret);
        assert_success(&out, "add");
        json(&out)["id"]
            .as_str()
            .expect("add --json prints the id")
            .to_owned()
    }

    /// `list --json`, parsed.
    pub fn list(&self) -> Vec<Value> {
        let out = self.run(&["list", "--json"]);
        assert_success(&out, "list --json");
        match json(&out) {
            Value::Array(items) => items,
            other => panic!("list --json printed {other} instead of an array"),
        }
    }

    /// What `secret-tool` sees under this user's service.
    pub fn keyring_items(&self) -> Vec<String> {
        secret_tool_accounts(&self.service)
    }

    pub fn db_dir(&self) -> &Path {
        self.home.path()
    }
}

impl Drop for Tk {
    fn drop(&mut self) {
        let on_shared_bus = !self
            .env
            .iter()
            .any(|(k, _)| k == "DBUS_SESSION_BUS_ADDRESS");
        if on_shared_bus && std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some() {
            support::secret_tool_clear(&self.service);
        }
    }
}

pub fn assert_success(out: &Output, what: &str) {
    assert!(
        out.status.success(),
        "`tokenkeeper {what}` failed ({}): {}",
        out.status,
        out.stderr
    );
}

/// Stdout parsed as JSON.
pub fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {}", out.stdout_text()))
}

/// Asserts a runtime error as the user sees it: exit 1, nothing on stdout, and exactly one
/// `error: …` line on stderr. Returns that line.
pub fn assert_error(out: &Output, what: &str) -> String {
    assert_eq!(
        out.status.code(),
        Some(1),
        "`tokenkeeper {what}` should fail with exit 1: {}",
        out.stderr
    );
    let lines: Vec<&str> = out.stderr.lines().collect();
    assert!(
        lines.len() == 1 && lines[0].starts_with("error: "),
        "`tokenkeeper {what}` should print one `error:` line, printed:\n{}",
        out.stderr
    );
    assert!(
        out.stdout.is_empty(),
        "`tokenkeeper {what}` printed: {}",
        out.stdout_text()
    );
    lines[0].to_owned()
}
