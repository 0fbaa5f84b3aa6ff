//! The fake host's "Find tokens on this machine": a fake home with three config files that hold
//! tokens (one already in the demo vault, one twice) and one that cannot be read, scanned and
//! then imported with a rewrite by the shell's own code, as `scan_for_tokens` and
//! `import_found` would answer.

use std::{fs, path::Path};

use serde_json::{Value, json};
use tokenkeeper_app::{Scanned, import_found, scan_for_tokens};
use tokenkeeper_core::import::usual_locations;
use tokenkeeper_vault::Vault;

use super::{NOW, filler};

/// The new secrets the fake files hold (the inspections fixture knows them too).
pub fn secrets() -> Vec<String> {
    vec![
        format!("npm_{}", filler(36, 30)),
        format!("ghp_{}", filler(36, 31)),
    ]
}

/// `ghp_…` of the demo vault's `github/ci-deploy`, which `~/.netrc` also holds.
fn stored_github() -> String {
    format!("ghp_{}", filler(36, 2))
}

pub fn fixture(vault: &Vault) -> Value {
    let home = tempfile::tempdir().expect("a fake home");
    let home = home.path();
    let [npm, gh] = <[String; 2]>::try_from(secrets()).expect("two secrets");
    let write = |rel: &str, bytes: &[u8]| {
        let path = home.join(rel);
        fs::create_dir_all(path.parent().unwrap_or(Path::new("."))).expect("folder");
        fs::write(path, bytes).expect("fake file");
    };
    write(
        ".npmrc",
        format!("registry=https://registry.npmjs.org/\n//registry.npmjs.org/:_authToken={npm}\n")
            .as_bytes(),
    );
    write(
        ".netrc",
        format!(
            "machine github.com login ada password {}\nmachine api.github.com login ada password {gh}\n",
            stored_github()
        )
        .as_bytes(),
    );
    write(
        ".config/gh/hosts.yml",
        format!("github.com:\n    user: ada\n    oauth_token: {gh}\n    git_protocol: https\n")
            .as_bytes(),
    );
    write(".env", b"API_KEY=\xff\xfe\n");
    let locations = usual_locations(home, None);
    let scanned = Scanned::default();
    let before = vault.list(NOW).expect("list").len();
    let scan = scan_for_tokens(vault, &scanned, &locations, NOW).expect("scan");
    assert_eq!(
        vault.list(NOW).expect("list").len(),
        before,
        "a scan must store nothing"
    );
    let npmrc = fs::read(home.join(".npmrc")).expect("npmrc");
    let readable: Vec<String> = scan
        .files
        .iter()
        .filter(|f| f.error.is_none())
        .map(|f| f.path.clone())
        .collect();
    let files = scanned.resolve(&readable).expect("the scan listed them");
    assert!(
        String::from_utf8_lossy(&npmrc).contains(&npm),
        "a scan must change no file"
    );
    let imported = import_found(vault, files, true, NOW).expect("import with a rewrite");
    let rewritten = fs::read_to_string(home.join(".npmrc")).expect("npmrc");
    assert!(
        !rewritten.contains(&npm),
        "an import with a rewrite leaves no secret in the file"
    );
    let secrets_by_file = json!({
        "~/.npmrc": [npm],
        "~/.netrc": [stored_github(), gh],
        "~/.config/gh/hosts.yml": [gh],
    });
    json!({
        "now": NOW,
        "scan": scan,
        "secrets": secrets_by_file,
        "imported": imported,
    })
}
