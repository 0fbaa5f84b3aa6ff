//! Encrypted backups as a user relies on them: export, lose everything, restore, and every
//! secret is back byte for byte; a recipient export opens with the `age` tool (Debian's); no
//! secret is in the file in plaintext; a wrong passphrase or key changes nothing.

use std::process::Command;

use crate::{Tk, assert_success, docker, json, keyring_available};

const TOKENS: [(&str, &str); 3] = [
    ("ci", "ghp_backuptestsecret0123456789abcdefghijk"),
    ("publish", "npm_backuptestsecret0123456789abcdefghij"),
    ("deploy", "glpat-backuptest0123456789"),
];
const DOCKER_PAT: &str = "dckr_pat_backuptestsecret0123456789ab";
const PASSPHRASE: &str = "correct horse battery staple";

/// `age-keygen`'s identity file in `dir`, and its public key.
fn age_key(dir: &std::path::Path) -> (std::path::PathBuf, String) {
    let path = dir.join("key.txt");
    let out = Command::new("age-keygen")
        .arg("-o")
        .arg(&path)
        .output()
        .expect("age-keygen (Debian's age package; scripts/deps.sh installs it)");
    assert!(
        out.status.success(),
        "age-keygen: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(&path).expect("key file");
    let public = text
        .lines()
        .find_map(|l| l.strip_prefix("# public key: "))
        .expect("public key line")
        .to_owned();
    (path, public)
}

fn ids_and_secrets(tk: &Tk) -> Vec<(String, String, String)> {
    let mut all: Vec<(String, String, String)> = tk
        .list()
        .iter()
        .map(|t| {
            let id = t["id"].as_str().expect("id").to_owned();
            let out = tk.run(&["get", &id]);
            assert_success(&out, "get");
            let name = format!(
                "{}/{}",
                t["provider"].as_str().unwrap(),
                t["name"].as_str().unwrap()
            );
            (name, id, out.stdout_text().trim_end().to_owned())
        })
        .collect();
    all.sort();
    all
}

#[test]
fn export_remove_everything_restore_and_every_secret_is_back() {
    if !keyring_available("export_remove_everything_restore_and_every_secret_is_back") {
        return;
    }
    let tk = Tk::fresh();
    for (name, secret) in TOKENS {
        tk.add(name, secret);
    }
    assert_success(
        &tk.run(&["edit", "github/ci", "--git-host", "github.com"]),
        "edit",
    );
    let docker_login = serde_json::json!({
        "ServerURL": docker::SERVER, "Username": "alice", "Secret": DOCKER_PAT,
    });
    let out = docker::helper(&tk, "store", &docker_login.to_string());
    assert!(out.status.success(), "docker login: {}", out.stdout_text());
    let before = ids_and_secrets(&tk);
    let dir = tempfile::tempdir().expect("dir");
    let (key, public) = age_key(dir.path());
    let to_key = dir.path().join("tokens.age");
    let to_pass = dir.path().join("tokens-pass.age");

    let out = tk.run(&[
        "export",
        "--out",
        to_key.to_str().unwrap(),
        "--recipient",
        &public,
    ]);
    assert_success(&out, "export --recipient");
    let out = tk.run_stdin(
        &[
            "export",
            "--out",
            to_pass.to_str().unwrap(),
            "--passphrase",
            "--json",
        ],
        PASSPHRASE,
    );
    assert_success(&out, "export --passphrase");
    assert_eq!(json(&out)["tokens"], before.len());
    for file in [&to_key, &to_pass] {
        let bytes = std::fs::read(file).expect("backup");
        assert!(bytes.starts_with(b"age-encryption.org/v1\n"), "an age file");
        for (_, secret) in TOKENS {
            assert!(
                !bytes.windows(secret.len()).any(|w| w == secret.as_bytes()),
                "plaintext secret"
            );
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(file).expect("meta").permissions().mode() & 0o777;
            assert_eq!(mode, 0o600, "the backup is private");
        }
    }
    // The standard tool opens a recipient export: the secrets are in it, byte for byte.
    let opened = Command::new("age")
        .arg("-d")
        .arg("-i")
        .arg(&key)
        .arg(&to_key)
        .output()
        .expect("age");
    assert!(
        opened.status.success(),
        "age -d: {}",
        String::from_utf8_lossy(&opened.stderr)
    );
    let doc: serde_json::Value = serde_json::from_slice(&opened.stdout).expect("a JSON document");
    let secrets: Vec<&str> = doc["tokens"]
        .as_array()
        .expect("tokens")
        .iter()
        .filter_map(|t| t["secret"].as_str())
        .collect();
    for (_, secret) in TOKENS {
        assert!(secrets.contains(&secret), "{secret} in the backup");
    }

    // Lose everything.
    for (name, _, _) in &before {
        assert_success(&tk.run(&["rm", "--yes", name]), "rm");
    }
    assert!(tk.list().is_empty());
    assert!(tk.keyring_items().is_empty(), "{:?}", tk.keyring_items());

    // A wrong passphrase, or the passphrase file opened with a key: nothing changes.
    let out = tk.run_stdin(
        &["import-backup", to_pass.to_str().unwrap()],
        "not the passphrase\n",
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stderr.contains("wrong passphrase"), "{}", out.stderr);
    let out = tk.run(&[
        "import-backup",
        to_pass.to_str().unwrap(),
        "--identity",
        key.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        out.stderr.contains("cannot open the backup"),
        "{}",
        out.stderr
    );
    assert!(
        tk.list().is_empty() && tk.keyring_items().is_empty(),
        "a failed restore changed nothing"
    );

    // A dry run lists and changes nothing.
    let out = tk.run_stdin(
        &["import-backup", to_pass.to_str().unwrap(), "--dry-run"],
        PASSPHRASE,
    );
    assert_success(&out, "import-backup --dry-run");
    assert!(
        out.stdout_text().contains("would restore github/ci"),
        "{}",
        out.stdout_text()
    );
    assert!(tk.list().is_empty());

    let out = tk.run_stdin(&["import-backup", to_pass.to_str().unwrap()], PASSPHRASE);
    assert_success(&out, "import-backup");
    assert_eq!(
        ids_and_secrets(&tk),
        before,
        "same ids, names and secrets, byte for byte"
    );
    let show = json(&tk.run(&["show", "github/ci", "--json"]));
    assert_eq!(show["git_hosts"], serde_json::json!(["github.com"]));
    // docker's login came back with its token.
    let got = json(&docker::helper(&tk, "get", docker::SERVER));
    assert_eq!(got, docker_login);

    // Restoring again (the key's copy) finds everything already here.
    let out = tk.run(&[
        "import-backup",
        to_key.to_str().unwrap(),
        "--identity",
        key.to_str().unwrap(),
        "--json",
    ]);
    assert_success(&out, "import-backup --identity");
    let actions: Vec<String> = json(&out)
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["action"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(actions, vec!["unchanged"; before.len()]);

    // A token since replaced is not overwritten: the backup's copy lands beside it.
    assert_success(
        &tk.run_stdin(
            &["replace", "github/ci"],
            "ghp_replacedsecret0123456789abcdefghijklm",
        ),
        "replace",
    );
    let out = tk.run(&[
        "import-backup",
        to_key.to_str().unwrap(),
        "--identity",
        key.to_str().unwrap(),
    ]);
    assert_success(&out, "import-backup beside");
    assert!(
        out.stdout_text().contains("github/ci (restored)"),
        "{}",
        out.stdout_text()
    );
    let out = tk.run(&["get", "github/ci (restored)"]);
    assert_eq!(out.stdout_text().trim_end(), TOKENS[0].1);
    let log = json(&tk.run(&["log", "--json"]));
    assert!(
        log.as_array()
            .unwrap()
            .iter()
            .any(|e| e["by"] == "cli export")
    );
}
