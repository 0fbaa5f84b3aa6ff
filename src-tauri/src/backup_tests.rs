use std::os::unix::fs::PermissionsExt;

use tokenkeeper_core::model::{ErrorCode, NewTokenMeta};
use tokenkeeper_vault::keyring::MemoryStore;

use super::*;

const NOW: i64 = 1_790_000_000;
const SENTINEL: &str = "sk-backup-sentinel-0123456789abcdef";
const PASSPHRASE: &str = "correct horse battery";

/// The vault refuses a data folder other users can read.
fn private_dir() -> tempfile::TempDir {
    tempfile::Builder::new()
        .permissions(fs::Permissions::from_mode(0o700))
        .tempdir()
        .expect("a private temporary folder")
}

fn vault(dir: &Path) -> Vault {
    Vault::open_metadata(dir, Arc::new(MemoryStore::default())).expect("a vault in a temp dir")
}

fn add(vault: &Vault, name: &str, secret: &str) -> String {
    let meta = NewTokenMeta {
        provider: Some("openai".into()),
        name: name.into(),
        ..NewTokenMeta::default()
    };
    vault
        .add(&Secret::new(secret.into()), meta, NOW)
        .expect("add a token")
        .id
}

fn pass(p: &str) -> Secret {
    Secret::new(p.into())
}

#[test]
fn a_new_backup_needs_eight_characters_counted_as_the_user_types_them() {
    let short = check_new_passphrase(&pass("seven77")).expect_err("7 characters accepted");
    assert_eq!(short.code(), ErrorCode::InvalidInput);
    assert!(
        short.to_string().contains("at least 8 characters"),
        "{short}"
    );
    // Seven characters of two bytes each are still seven.
    assert!(check_new_passphrase(&pass("ééééééé")).is_err());
    assert!(check_new_passphrase(&pass("eight888")).is_ok());
}

#[test]
fn the_save_dialog_proposes_a_dated_age_file() {
    let name = suggested_name(NOW);
    assert!(
        name.starts_with("tokenkeeper-2026-") && name.ends_with(".age") && name.len() == 26,
        "proposed {name}"
    );
}

#[test]
fn the_file_is_private_replaces_the_old_one_and_leaves_no_temporary_file() {
    let dir = private_dir();
    let path = dir.path().join("tokens.age");
    fs::write(&path, b"old").expect("an old file");
    fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).expect("chmod");
    write_private(&path, b"new backup").expect("written");
    assert_eq!(fs::read(&path).expect("read"), b"new backup");
    let mode = fs::metadata(&path).expect("stat").permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "the backup can be read by other users");
    let names: Vec<_> = fs::read_dir(dir.path())
        .expect("list")
        .map(|e| e.expect("entry").file_name())
        .collect();
    assert_eq!(names, ["tokens.age"], "a temporary file was left beside it");
}

#[test]
fn a_write_into_a_missing_folder_fails_and_says_where() {
    let dir = private_dir();
    let path = dir.path().join("gone").join("tokens.age");
    let e = write_private(&path, b"x").expect_err("written into a missing folder");
    assert!(e.to_string().contains("Cannot write"), "{e}");
    assert!(e.to_string().contains("tokens.age"), "{e}");
}

#[test]
fn only_a_regular_file_of_backup_size_is_read() {
    let dir = private_dir();
    assert_eq!(
        read_backup(dir.path()).expect_err("a folder read").code(),
        ErrorCode::InvalidInput
    );
    let huge = dir.path().join("huge.age");
    let f = fs::File::create(&huge).expect("create");
    f.set_len(MAX_FILE_BYTES + 1).expect("a sparse file");
    let e = read_backup(&huge).expect_err("a file over the limit read");
    assert!(e.to_string().contains("not a Tokenkeeper backup"), "{e}");
    let small = dir.path().join("small.age");
    fs::write(&small, b"age").expect("write");
    assert_eq!(read_backup(&small).expect("read"), b"age");
}

#[test]
fn a_picked_file_is_known_by_its_handle_until_another_is_picked_or_it_is_restored() {
    let picked = Picked::default();
    let first = picked.hold("a.age".into(), b"one".to_vec());
    let (name, bytes) = picked.get(&first).expect("held");
    assert_eq!((name.as_str(), &*bytes), ("a.age", &b"one"[..]));
    assert!(picked.get("some-other-handle").is_err());
    let second = picked.hold("b.age".into(), b"two".to_vec());
    assert!(
        picked.get(&first).is_err(),
        "the first pick outlived the second"
    );
    picked.forget(&first);
    assert!(
        picked.get(&second).is_ok(),
        "forgetting a stale handle dropped the current file"
    );
    picked.forget(&second);
    assert!(picked.get(&second).is_err());
}

#[test]
fn export_then_restore_round_trips_and_never_answers_a_secret() {
    let from = private_dir();
    let source = vault(from.path());
    let id = add(&source, "ci", SENTINEL);
    let gone = add(&source, "old", "sk-backup-revoked-0123456789abcdef");
    source.mark_revoked(&gone, "revoked", NOW).expect("revoke");
    let path = from.path().join("tokens.age");
    let seal = Seal::Passphrase(pass(PASSPHRASE));

    let saved = export_to(&source, &seal, &path, NOW).expect("export");
    let ExportOutcome::Saved {
        file_name,
        exported,
    } = &saved
    else {
        panic!("export answered {saved:?}");
    };
    assert_eq!(file_name, "tokens.age");
    assert_eq!((exported.tokens, exported.skipped_revoked), (1, 1));
    let answer = serde_json::to_string(&saved).expect("json");
    assert!(answer.starts_with(r#"{"outcome":"saved","#), "{answer}");
    assert!(
        !answer.contains(SENTINEL),
        "the export's answer carries the secret"
    );
    let file = fs::read(&path).expect("the file");
    assert!(
        !String::from_utf8_lossy(&file).contains(SENTINEL),
        "the file is not encrypted"
    );

    let to = private_dir();
    let target = vault(to.path());
    let key = Unseal::Passphrase(pass(PASSPHRASE));
    let preview =
        restore_from(&target, "tokens.age".into(), &file, &key, true, NOW).expect("dry run");
    assert!(preview.dry_run && preview.changes());
    assert_eq!(preview.tokens.len(), 1);
    assert_eq!(preview.tokens[0].token, "openai/ci");
    assert_eq!(preview.tokens[0].action, RestoreAction::Restored);
    assert!(
        target.list(NOW).expect("list").is_empty(),
        "the dry run stored something"
    );

    let done =
        restore_from(&target, "tokens.age".into(), &file, &key, false, NOW).expect("restore");
    assert_eq!(
        done.tokens[0].id, id,
        "the token came back under another id"
    );
    assert_eq!(target.secret(&id, NOW).expect("secret").expose(), SENTINEL);
    let answer = serde_json::to_string(&done).expect("json");
    assert!(
        !answer.contains(SENTINEL),
        "the restore's answer carries the secret"
    );

    let again = restore_from(&target, "tokens.age".into(), &file, &key, false, NOW).expect("again");
    assert!(
        !again.changes(),
        "a second restore changed something: {again:?}"
    );
}

#[test]
fn a_wrong_passphrase_changes_nothing_and_says_so() {
    let dir = private_dir();
    let source = vault(dir.path());
    add(&source, "ci", SENTINEL);
    let path = dir.path().join("tokens.age");
    export_to(&source, &Seal::Passphrase(pass(PASSPHRASE)), &path, NOW).expect("export");
    let file = fs::read(&path).expect("the file");
    let to = private_dir();
    let target = vault(to.path());
    let key = Unseal::Passphrase(pass("not the passphrase"));
    let e = restore_from(&target, "tokens.age".into(), &file, &key, true, NOW)
        .expect_err("a wrong passphrase opened the backup");
    assert_eq!(e.code(), ErrorCode::InvalidInput);
    assert!(e.to_string().starts_with("wrong passphrase"), "{e}");
    assert!(target.list(NOW).expect("list").is_empty());
}
