//! `tokenkeeper import`, on the config files people keep tokens in (`fixtures/import`): every
//! token is found and stored with its provider, `--dry-run` changes nothing, and a file that
//! cannot be imported whole changes nothing. `--rewrite` is in `import/rewrite.rs`.

use std::{
    fs,
    os::unix::fs::PermissionsExt,
    path::{Path, PathBuf},
};

use serde_json::Value;

use crate::{Tk, assert_error, assert_success, json, keyring_available};

mod rewrite;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/cli/fixtures/import");

const NPMRC_NPM: &str = "npm_FAKEC3J27XDCG2LmlZGEONYlgCtjfIZ4SOcM";
const NPMRC_GITHUB: &str = "ghp_FAKEaQfDPrAJ71fTquWoGsbeKXgzg2sye9b2";
const NETRC_GITHUB: &str = "ghp_FAKERann76dEyTzAeKOmXRrvftva9AW7hipT";
const NETRC_GITLAB: &str = "glpat-FAKEfAdggcG9qpVTzqA0";
const NETRC_DEFAULT: &str = "glpat-FAKE5MFsHl7UeioEJP2N";
const GH_BOB: &str = "gho_FAKElz2MPKgcjnCqaXNv1syeefnLOpaMxxND";
const GH_ALICE: &str = "ghp_FAKEgadDZFlRJmCGmUXiAPyhzAnar3ZLt4bn";
const ENV_GITHUB: &str = "ghp_FAKEi9LE1Ki3ylOjt6o0NpUmkVO8JmR8y4EM";
const ENV_NPM: &str = "npm_FAKEz9CPVNPkNa1Hedcm4pMbXDuCL1mHoOsF";

/// Every token in the fixtures and the address it is stored under.
const STORED: &[(&str, &str)] = &[
    ("npm/registry.npmjs.org", NPMRC_NPM),
    ("github/npm.pkg.github.com", NPMRC_GITHUB),
    ("github/bob@github.com", NETRC_GITHUB),
    ("gitlab/ci@gitlab.com", NETRC_GITLAB),
    ("gitlab/deploy@default", NETRC_DEFAULT),
    ("github/gh-bob@github.com", GH_BOB),
    ("github/gh-alice@ghe.example.com", GH_ALICE),
    ("github/GITHUB_TOKEN", ENV_GITHUB),
    ("npm/NPM_TOKEN", ENV_NPM),
];

/// A project folder with fixtures copied in under the names tools look for.
struct Project {
    dir: tempfile::TempDir,
}

impl Project {
    /// `.npmrc`, `.netrc`, `hosts.yml` and `.env`, each with `mode`.
    fn all(mode: u32) -> Project {
        Project::with(&[
            (".npmrc", "npmrc", mode),
            (".netrc", "netrc", mode),
            ("hosts.yml", "hosts.yml", mode),
            (".env", "dotenv", mode),
        ])
    }

    fn with(files: &[(&str, &str, u32)]) -> Project {
        let dir = tempfile::tempdir().expect("project dir");
        for (name, fixture, mode) in files {
            let to = dir.path().join(name);
            fs::copy(Path::new(FIXTURES).join(fixture), &to).expect("copy fixture");
            fs::set_permissions(&to, fs::Permissions::from_mode(*mode)).expect("chmod");
        }
        Project { dir }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn arg(&self, name: &str) -> String {
        self.path(name).to_str().expect("utf-8 path").to_owned()
    }

    fn read(&self, name: &str) -> String {
        fs::read_to_string(self.path(name)).expect("read project file")
    }

    fn mode(&self, name: &str) -> u32 {
        fs::metadata(self.path(name))
            .expect("stat")
            .permissions()
            .mode()
            & 0o7777
    }

    fn names(&self) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(self.dir.path())
            .expect("list")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }
}

fn fixture(name: &str) -> String {
    fs::read_to_string(Path::new(FIXTURES).join(name)).expect("fixture")
}

/// `tokenkeeper import` with these files and flags.
fn import(tk: &Tk, project: &Project, files: &[&str], flags: &[&str]) -> crate::Output {
    let paths: Vec<String> = files.iter().map(|f| project.arg(f)).collect();
    let mut args: Vec<&str> = vec!["import"];
    args.extend(paths.iter().map(String::as_str));
    args.extend(flags);
    tk.run(&args)
}

const ALL: &[&str] = &[".npmrc", ".netrc", "hosts.yml", ".env"];

fn assert_no_secret_printed(out: &crate::Output, what: &str) {
    let printed = format!("{}{}", out.stdout_text(), out.stderr);
    for (address, secret) in STORED {
        assert!(
            !printed.contains(secret),
            "`tokenkeeper {what}` printed the secret of {address}:\n{printed}"
        );
    }
}

/// `(file name, label, provider/name, action)` of each `--json` row.
fn rows(out: &crate::Output) -> Vec<(String, String, String, String)> {
    let Value::Array(rows) = json(out) else {
        panic!("import --json printed no array: {}", out.stdout_text())
    };
    rows.iter()
        .map(|r| {
            let s = |k: &str| r[k].as_str().unwrap_or_default().to_owned();
            let file = Path::new(&s("file"))
                .file_name()
                .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
            (
                file,
                s("label"),
                format!("{}/{}", s("provider"), s("name")),
                s("action"),
            )
        })
        .collect()
}

fn row(file: &str, label: &str, address: &str, action: &str) -> (String, String, String, String) {
    (file.into(), label.into(), address.into(), action.into())
}

fn get(tk: &Tk, address: &str) -> String {
    let out = tk.run(&["get", address]);
    assert_success(&out, &format!("get {address}"));
    let text = out.stdout_text();
    text.strip_suffix('\n').unwrap_or(&text).to_owned()
}

#[test]
fn every_format_is_found_and_stored_with_its_provider() {
    if !keyring_available("every_format_is_found_and_stored_with_its_provider") {
        return;
    }
    let tk = Tk::fresh();
    let project = Project::all(0o600);
    let out = import(&tk, &project, ALL, &["--json"]);
    assert_success(&out, "import --json");
    assert_no_secret_printed(&out, "import --json");
    assert_eq!(
        rows(&out),
        [
            row(
                ".npmrc",
                "//registry.npmjs.org/:_authToken",
                "npm/registry.npmjs.org",
                "stored"
            ),
            row(
                ".npmrc",
                "//npm.pkg.github.com/:_authToken",
                "github/npm.pkg.github.com",
                "stored"
            ),
            row(
                ".netrc",
                "machine github.com login bob",
                "github/bob@github.com",
                "stored"
            ),
            row(
                ".netrc",
                "machine gitlab.com login ci",
                "gitlab/ci@gitlab.com",
                "stored"
            ),
            row(
                ".netrc",
                "default login deploy",
                "gitlab/deploy@default",
                "stored"
            ),
            row(
                "hosts.yml",
                "github.com users.bob oauth_token",
                "github/gh-bob@github.com",
                "stored"
            ),
            row(
                "hosts.yml",
                "github.com oauth_token",
                "github/gh-bob@github.com",
                "duplicate"
            ),
            row(
                "hosts.yml",
                "ghe.example.com oauth_token",
                "github/gh-alice@ghe.example.com",
                "stored"
            ),
            row(".env", ".env GITHUB_TOKEN", "github/GITHUB_TOKEN", "stored"),
            row(".env", ".env NPM_TOKEN", "npm/NPM_TOKEN", "stored"),
        ],
        "the reference (${{INTERNAL_NPM_TOKEN}}), the entry without a password and the .env \
         values that are no tokens are not imported; gh's repeated token is stored once"
    );
    for (address, secret) in STORED {
        assert_eq!(
            get(&tk, address),
            *secret,
            "{address} holds its file's token"
        );
    }
    assert_eq!(
        tk.keyring_items().len(),
        STORED.len(),
        "one keyring item per token"
    );
    let list = tk.list();
    assert!(
        list.iter()
            .all(|t| t["tags"] == serde_json::json!(["imported"])
                && t["notes"]
                    .as_str()
                    .is_some_and(|n| n.starts_with("Imported from /"))),
        "each imported token says where it came from: {list:?}"
    );
    for (name, fixture_name) in [(".npmrc", "npmrc"), (".env", "dotenv")] {
        assert_eq!(
            project.read(name),
            fixture(fixture_name),
            "without --rewrite {name} stays"
        );
    }

    // Importing again stores nothing twice.
    let again = import(&tk, &project, ALL, &[]);
    assert_success(&again, "import (again)");
    assert!(
        again.stdout_text().contains("10 found, 9 already stored."),
        "{}",
        again.stdout_text()
    );
    assert_eq!(tk.list().len(), STORED.len());
}

#[test]
fn a_dry_run_changes_nothing() {
    if !keyring_available("a_dry_run_changes_nothing") {
        return;
    }
    let tk = Tk::fresh();
    let project = Project::all(0o600);
    let out = import(&tk, &project, ALL, &["--dry-run"]);
    assert_success(&out, "import --dry-run");
    assert_no_secret_printed(&out, "import --dry-run");
    let text = out.stdout_text();
    assert!(
        text.contains("//registry.npmjs.org/:_authToken  npm/registry.npmjs.org")
            && text.contains("would store")
            && text.contains("Nothing was changed (--dry-run)."),
        "the dry run lists what it would store:\n{text}"
    );
    let out = import(&tk, &project, ALL, &["--dry-run", "--json"]);
    assert_success(&out, "import --dry-run --json");
    assert!(
        rows(&out)
            .iter()
            .all(|r| r.3 == "would_store" || r.3 == "duplicate"),
        "{}",
        out.stdout_text()
    );
    assert!(
        json(&out)
            .as_array()
            .is_some_and(|a| a.iter().all(|r| r["id"].is_null())),
        "nothing stored has no id"
    );
    for (name, fixture_name) in [
        (".npmrc", "npmrc"),
        (".netrc", "netrc"),
        ("hosts.yml", "hosts.yml"),
        (".env", "dotenv"),
    ] {
        assert_eq!(
            project.read(name),
            fixture(fixture_name),
            "--dry-run changed {name}"
        );
    }
    assert_eq!(project.names(), [".env", ".netrc", ".npmrc", "hosts.yml"]);
    assert!(tk.list().is_empty(), "--dry-run stored a token");
    assert!(
        tk.keyring_items().is_empty(),
        "--dry-run wrote to the keyring"
    );
}

#[test]
fn a_file_that_cannot_be_imported_whole_changes_nothing() {
    if !keyring_available("a_file_that_cannot_be_imported_whole_changes_nothing") {
        return;
    }
    let tk = Tk::fresh();
    let project = Project::with(&[(".env", "dotenv", 0o600)]);
    // A copy of a token in a comment would survive the rewrite: refused before storing.
    let copied = format!("{}# the old one: {ENV_GITHUB}\n", fixture("dotenv"));
    fs::write(project.path(".env"), &copied).expect("write");
    let out = import(&tk, &project, &[".env"], &["--rewrite"]);
    let line = assert_error(&out, "import --rewrite (a copy in a comment)");
    assert_no_secret_printed(&out, "import --rewrite");
    assert!(
        line.contains("line 6") && line.contains("nothing was stored"),
        "{line}"
    );
    assert_eq!(project.read(".env"), copied);
    assert!(tk.list().is_empty());

    fs::write(project.path("notes.txt"), "just some words\n").expect("write");
    let line = assert_error(
        &import(&tk, &project, &["notes.txt"], &[]),
        "import notes.txt",
    );
    assert!(line.contains("--format"), "{line}");
    let out = import(&tk, &project, &["notes.txt"], &["--format", "dotenv"]);
    assert_success(&out, "import --format dotenv");
    assert!(
        out.stdout_text().contains("No tokens found in"),
        "{}",
        out.stdout_text()
    );

    fs::write(project.path("big.env"), "A=b\n".repeat(300_000)).expect("write");
    let line = assert_error(&import(&tk, &project, &["big.env"], &[]), "import big.env");
    assert!(line.contains("over 1 MiB"), "{line}");
    let line = assert_error(
        &import(&tk, &project, &["missing.env"], &[]),
        "import missing",
    );
    assert!(line.contains("cannot read"), "{line}");
}
