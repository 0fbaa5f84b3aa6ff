//! Helpers shared by the core and CLI test binaries (the CLI includes this file by path):
//! random names, the keyring gate, `secret-tool` as an outside observer, and bounded runs of
//! child processes. Not a test target itself.

#![allow(dead_code)]

use std::{
    io::{Read, Write},
    process::{Command, ExitStatus, Stdio},
    sync::OnceLock,
    time::{Duration, Instant},
};

use tokenkeeper_vault::keyring::{OsKeyring, SecretStore};

#[path = "../../../core/tests/vectors.rs"]
pub mod vectors;
#[allow(unused_imports)]
pub use vectors::*;

/// `len` random characters from `[0-9a-z]`, from the OS.
pub fn random_alnum(len: usize) -> String {
    const ALPHABET: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut bytes = vec![0u8; len];
    std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut bytes))
        .expect("/dev/urandom is readable");
    bytes
        .iter()
        .map(|b| char::from(ALPHABET[usize::from(*b) % ALPHABET.len()]))
        .collect()
}

/// A keyring service name no other test (or user) shares.
pub fn unique_service() -> String {
    format!("tk-test-{}", random_alnum(12))
}

/// Whether `TOKENKEEPER_SKIP_KEYRING_TESTS=1` asks to skip keyring tests; says so loudly.
pub fn keyring_tests_skipped(test: &str) -> bool {
    let skip = std::env::var("TOKENKEEPER_SKIP_KEYRING_TESTS").as_deref() == Ok("1");
    if skip {
        // Straight to stderr, past the test harness's capture, so the skip is seen.
        let _ = writeln!(
            std::io::stderr(),
            "!!!!! SKIPPED {test}: TOKENKEEPER_SKIP_KEYRING_TESTS=1, so nothing proves that \
             secrets reach the real keyring !!!!!"
        );
    }
    skip
}

/// Whether tests on the session's keyring should run. A missing or locked keyring fails the
/// calling test (with how to get one), unless `TOKENKEEPER_SKIP_KEYRING_TESTS=1` asks for a
/// loud skip.
pub fn keyring_available(test: &str) -> bool {
    if keyring_tests_skipped(test) {
        return false;
    }
    static PROBE: OnceLock<Result<(), String>> = OnceLock::new();
    let probe = PROBE.get_or_init(|| {
        OsKeyring::new(unique_service())
            .and_then(|k| k.check())
            .map_err(|e| e.to_string())
    });
    if let Err(e) = probe {
        panic!(
            "{test} needs an unlocked Secret Service on the D-Bus session, and none answered: \
             {e}\nRun inside `dbus-run-session` with gnome-keyring unlocked (see .ci/run), or \
             set TOKENKEEPER_SKIP_KEYRING_TESTS=1 to skip keyring tests on purpose."
        );
    }
    true
}

/// Runs `secret-tool search --all service <service>` and returns the `username` attribute of
/// every item it finds, sorted (secret-tool prints attributes on stderr, the rest on stdout).
pub fn secret_tool_accounts(service: &str) -> Vec<String> {
    let out = run_bounded(
        Command::new("secret-tool").args(["search", "--all", "service", service]),
        None,
        Duration::from_secs(10),
    );
    assert!(
        out.status.success(),
        "secret-tool search failed: {}",
        out.stderr
    );
    let mut accounts: Vec<String> = format!("{}\n{}", out.stdout_text(), out.stderr)
        .lines()
        .filter_map(|l| l.trim().strip_prefix("attribute.username = "))
        .map(str::to_owned)
        .collect();
    accounts.sort();
    accounts
}

/// Removes every item under `service` (a test's cleanup; nothing found is fine).
pub fn secret_tool_clear(service: &str) {
    let _ = run_bounded(
        Command::new("secret-tool").args(["clear", "service", service]),
        None,
        Duration::from_secs(10),
    );
}

pub struct Output {
    pub status: ExitStatus,
    pub stdout: Vec<u8>,
    pub stderr: String,
}

impl Output {
    pub fn stdout_text(&self) -> String {
        String::from_utf8_lossy(&self.stdout).into_owned()
    }
}

/// Runs a command to completion with `stdin` (or none), killing it if it takes longer than
/// `limit`, so no test can hang on a keyring prompt.
pub fn run_bounded(cmd: &mut Command, stdin: Option<&[u8]>, limit: Duration) -> Output {
    let mut child = cmd
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {cmd:?}: {e}"));
    if let (Some(mut pipe), Some(bytes)) = (child.stdin.take(), stdin) {
        let bytes = bytes.to_vec();
        // A child that exits without reading gives a broken pipe: not our concern here.
        std::thread::spawn(move || {
            let _ = pipe.write_all(&bytes);
        });
    }
    fn drain(pipe: Option<impl Read + Send + 'static>) -> std::thread::JoinHandle<Vec<u8>> {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            if let Some(mut p) = pipe {
                let _ = p.read_to_end(&mut buf);
            }
            buf
        })
    }
    let stdout = drain(child.stdout.take());
    let stderr = drain(child.stderr.take());
    let deadline = Instant::now() + limit;
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait on child") {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{cmd:?} did not finish within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    Output {
        status,
        stdout: stdout.join().expect("stdout reader"),
        stderr: String::from_utf8_lossy(&stderr.join().expect("stderr reader")).into_owned(),
    }
}

/// Writes `count` token rows straight into the database in `dir` (no keyring: their secrets do
/// not exist), named `token-0…`, with expiries spread over a year from `now`.
pub fn seed_tokens(dir: &std::path::Path, count: usize, now: i64) -> Vec<String> {
    use tokenkeeper_core::model::{ExpirySource, Format, TokenKind};
    use tokenkeeper_vault::db::{self, tokens::TokenRow};
    std::fs::create_dir_all(dir).expect("create the data folder");
    let mut conn = db::open(&dir.join("tokenkeeper.db")).expect("open the database");
    let tx = conn.transaction().expect("begin");
    let providers = [
        "github", "gitlab", "npm", "slack", "stripe", "openai", "google", "aws",
    ];
    let mut ids = Vec::with_capacity(count);
    for i in 0..count {
        let offset = i64::try_from(i).expect("count fits i64");
        let row = TokenRow {
            id: format!("00000000-0000-4000-8000-{i:012}"),
            provider: providers[i % providers.len()].to_owned(),
            name: format!("token-{i}"),
            kind: TokenKind::Personal,
            format: Format::Opaque,
            scopes: vec!["repo".into(), "read:org".into()],
            account: Some(format!("user{i}@example.com")),
            created_at: now - 86_400,
            issued_at: Some(now - 86_400),
            not_before: None,
            expires_at: (i % 10 != 0).then_some(now + (offset * 3_153) % 31_536_000 - 86_400),
            expiry_source: (i % 10 != 0).then_some(ExpirySource::User),
            notes: format!("seeded row {i}"),
            tags: vec!["bench".into()],
            revoked_at: None,
            last_copied_at: None,
            secret_generation: 1,
            secret_missing: false,
            remind: None,
            rotate_every: None,
            secret_set_at: now - 86_400,
            scopes_source: Some(ExpirySource::User),
            account_source: Some(ExpirySource::User),
            instance_url: None,
        };
        db::tokens::insert(&tx, &row).expect("insert a seeded row");
        ids.push(row.id);
    }
    tx.commit().expect("commit the seeded rows");
    ids
}

/// A temporary folder only its owner can read, as Tokenkeeper requires of a data folder.
pub fn private_tempdir() -> tempfile::TempDir {
    use std::os::unix::fs::PermissionsExt;
    tempfile::Builder::new()
        .permissions(std::fs::Permissions::from_mode(0o700))
        .tempdir()
        .expect("a private temporary folder")
}
