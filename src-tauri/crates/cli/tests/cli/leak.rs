//! A sentinel secret goes through every command with `RUST_LOG=trace` and must come out only
//! where the user asked for it: `get`'s stdout. Not in the database files, not in a log line,
//! not in any other output.

use std::{path::Path, process::Command, time::Duration};

use crate::{Tk, assert_success, keyring_available, random_alnum, support};

/// Every file under `dir` whose bytes contain `needle`. Read by `cat`, not by this process:
/// closing any descriptor of the database here would drop the SQLite locks of `_keep_wal`
/// (POSIX locks are per process), and the next CLI run would delete the -wal file.
pub(crate) fn files_containing(dir: &Path, needle: &[u8]) -> Vec<String> {
    let mut hits = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).expect("read data folder") {
            let path = entry.expect("dir entry").path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let cat = support::run_bounded(
                    Command::new("cat").arg(&path),
                    None,
                    Duration::from_secs(10),
                );
                assert!(
                    cat.status.success(),
                    "cannot read {}: {}",
                    path.display(),
                    cat.stderr
                );
                let bytes = cat.stdout;
                if bytes.windows(needle.len()).any(|w| w == needle) {
                    hits.push(path.display().to_string());
                }
            }
        }
    }
    hits
}

#[test]
fn the_secret_appears_only_in_get_output() {
    if !keyring_available("the_secret_appears_only_in_get_output") {
        return;
    }
    // The per-target directives are what used to beat the caps on secret-bearing crates.
    let tk = Tk::fresh().env("RUST_LOG", "trace,zbus::connection=trace,tauri::ipc=trace");
    let random = random_alnum(36);
    let sentinel = format!("ghp_{random}");
    // Held open so SQLite keeps its -wal and -shm files between commands, where a leak would sit.
    let db = tk.db_dir().join("tokenkeeper.db");
    let _keep_wal = tokenkeeper_vault::db::open(&db).expect("open the database");
    let jwks = tk.db_dir().join("test-jwks.json");
    std::fs::write(&jwks, r#"{"kty":"oct","k":"c2VjcmV0"}"#).expect("write jwks");

    let copy = std::env::var_os("DISPLAY").is_some();
    let mut commands: Vec<(Vec<&str>, Option<&str>)> = vec![
        (
            vec!["add", "--name", "leak", "--notes", "sentinel test"],
            Some(sentinel.as_str()),
        ),
        (vec!["list"], None),
        (vec!["list", "--json"], None),
        (vec!["show", "github/leak"], None),
        (vec!["show", "--json", "github/leak"], None),
        (vec!["get", "github/leak"], None),
        (vec!["run", "--env", "T=github/leak", "--", "true"], None),
        (vec!["decode", sentinel.as_str()], None),
        (vec!["decode", "--json", sentinel.as_str()], None),
        (vec!["decode", "--json"], Some(sentinel.as_str())),
        (
            vec![
                "verify",
                "--jwks",
                jwks.to_str().expect("utf-8 path"),
                sentinel.as_str(),
            ],
            None,
        ),
    ];
    if copy {
        commands.push((vec!["copy", "--clear-after", "5", "github/leak"], None));
    } else {
        eprintln!("DISPLAY is not set: `copy` is left out of the leak test");
    }
    commands.push((vec!["show", "github/leak"], None));
    commands.push((vec!["rm", "--yes", "github/leak"], None));

    let mut logged = false;
    for (args, stdin) in &commands {
        let what = args.join(" ");
        let out = match stdin {
            Some(input) => tk.run_stdin(args, input),
            None => tk.run(args),
        };
        if args[0] != "verify" {
            assert_success(&out, &what);
        }
        if args[0] == "add" {
            assert_eq!(
                tk.keyring_items().len(),
                1,
                "the sentinel did not reach the keyring"
            );
        }
        logged |= out.stderr.contains(" TRACE ") || out.stderr.contains(" DEBUG ");
        let stdout = out.stdout_text();
        if args[0] == "get" {
            assert_eq!(
                stdout,
                format!("{sentinel}\n"),
                "get must print the secret, and only it"
            );
        } else {
            assert!(
                !stdout.contains(&random),
                "`tokenkeeper {what}` printed the secret:\n{stdout}"
            );
        }
        assert!(
            !out.stderr.contains(&random),
            "`tokenkeeper {what}` logged the secret with RUST_LOG=trace:\n{}",
            out.stderr
        );
        let leaked = files_containing(tk.db_dir(), random.as_bytes());
        assert!(
            leaked.is_empty(),
            "after `{what}` the secret is on disk in {leaked:?}"
        );
    }
    for suffix in ["", "-wal", "-shm"] {
        let path = format!("{}{suffix}", db.display());
        assert!(
            Path::new(&path).exists(),
            "{path} was not there to be checked"
        );
    }
    assert!(
        logged,
        "RUST_LOG=trace produced no log line, so the log check proved nothing"
    );
}
