//! Import's orchestration (`tokenkeeper_vault::import`) on the in-memory store: a plan stores
//! nothing, an import stores each secret once under its provider, a second import finds them
//! already stored, and a rewrite leaves the file without its secrets.

use std::{fs, path::Path};

use tokenkeeper_core::import::FileFormat;
use tokenkeeper_vault::import::{self, Action, Options};

use crate::{NOW, protocol::memory_vault, random_alnum};

fn npmrc(dir: &Path, token: &str) -> std::path::PathBuf {
    let path = dir.join(".npmrc");
    fs::write(&path, format!("//registry.npmjs.org/:_authToken={token}\n")).expect("write");
    path
}

fn actions(imported: &import::Imported) -> Vec<Action> {
    imported.items.iter().map(|i| i.action).collect()
}

#[test]
fn a_dry_run_plans_without_storing_and_an_import_stores_each_secret_once() {
    let data = crate::support::private_tempdir();
    let home = tempfile::tempdir().expect("home");
    let (vault, _store) = memory_vault(data.path());
    let npm = format!("npm_{}", random_alnum(36));
    let path = npmrc(home.path(), &npm);
    let env = home.path().join(".env");
    fs::write(&env, format!("NPM_TOKEN={npm}\n")).expect("write");
    let read = || {
        vec![
            import::read(&path, None, NOW).expect("read npmrc"),
            import::read(&env, Some(FileFormat::Dotenv), NOW).expect("read env"),
        ]
    };
    let dry = Options {
        dry_run: true,
        rewrite: false,
    };
    let plan = vault.import_found(read(), dry, NOW).expect("plan");
    assert_eq!(actions(&plan), [Action::WouldStore, Action::Duplicate]);
    assert!(
        vault.list(NOW).expect("list").is_empty(),
        "a dry run must store nothing"
    );

    let store = Options {
        dry_run: false,
        rewrite: false,
    };
    let done = vault.import_found(read(), store, NOW).expect("import");
    assert_eq!(actions(&done), [Action::Stored, Action::Duplicate]);
    let listed = vault.list(NOW).expect("list");
    assert_eq!(
        listed.len(),
        1,
        "the same secret in two files is stored once"
    );
    assert_eq!(listed[0].provider, "npm");
    assert_eq!(listed[0].tags, ["imported"]);
    assert_eq!(
        vault.secret(&listed[0].id, NOW).expect("secret").expose(),
        npm
    );

    let again = vault.import_found(read(), store, NOW).expect("again");
    assert_eq!(actions(&again), [Action::AlreadyStored, Action::Duplicate]);
    assert_eq!(vault.list(NOW).expect("list").len(), 1);
}

#[test]
fn a_rewrite_leaves_a_reference_and_an_env_file_but_no_secret() {
    let data = crate::support::private_tempdir();
    let home = tempfile::tempdir().expect("home");
    let (vault, _store) = memory_vault(data.path());
    let npm = format!("npm_{}", random_alnum(36));
    let path = npmrc(home.path(), &npm);
    let source = import::read(&path, None, NOW).expect("read");
    let options = Options {
        dry_run: false,
        rewrite: true,
    };
    let done = vault
        .import_found(vec![source], options, NOW)
        .expect("import");
    assert_eq!(actions(&done), [Action::Stored]);
    let text = fs::read_to_string(&path).expect("rewritten");
    assert!(
        !text.contains(&npm),
        "the rewritten file still holds the secret"
    );
    assert!(text.contains("${NPM_TOKEN}"), "{text}");
    let env = fs::read_to_string(home.path().join(import::ENV_FILE)).expect("env file");
    assert!(env.contains("NPM_TOKEN=npm/"), "{env}");
    let described = done
        .rewrites
        .as_ref()
        .expect("rewrites")
        .describe(&done.sources);
    assert!(described[0].starts_with("Rewrote "), "{described:?}");
}

#[test]
fn a_file_that_is_not_text_is_refused_with_its_name() {
    let home = tempfile::tempdir().expect("home");
    let path = home.path().join(".env");
    fs::write(&path, b"A=\xff\n").expect("write");
    let Err(err) = import::read(&path, None, NOW) else {
        panic!("a non-UTF-8 file must be refused");
    };
    assert!(err.to_string().contains("is not UTF-8 text"), "{err}");
}
