//! The vault's write protocol and reconciler, as logic on an in-memory store (the same
//! promises on the real keyring are in `keyring`).

use std::{
    path::Path,
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
};

use tokenkeeper_core::{
    Secret,
    model::{EventKind, ExpirySource, Format, NewTokenMeta, TokenKind},
};
use tokenkeeper_vault::{
    Error, Vault,
    keyring::{ItemTag, MemoryStore, SecretStore, StoredItem},
};

use crate::{NOW, b64, jwt};

pub(crate) const PAT: &str = "ghp_aaaaBBBBccccDDDDeeeeFFFFgggg0123456789";
pub(crate) const PAT2: &str = "ghp_zzzzYYYYxxxxWWWWvvvvUUUUtttt9876543210";

pub(crate) fn named(name: &str) -> NewTokenMeta {
    NewTokenMeta {
        name: name.into(),
        ..NewTokenMeta::default()
    }
}

pub(crate) fn secret(s: &str) -> Secret {
    Secret::new(s.to_owned())
}

fn memory_vault(dir: &Path) -> (Vault, Arc<MemoryStore>) {
    let store = Arc::new(MemoryStore::default());
    let vault = Vault::open_metadata(dir, store.clone()).expect("open vault");
    (vault, store)
}

/// Wraps a store and, while armed, fails the read-back that follows each write: a failure
/// between the keyring write and the row commit.
pub(crate) struct BreakAfterWrite<S> {
    pub(crate) inner: S,
    pub(crate) armed: AtomicBool,
    just_wrote: AtomicBool,
}

impl<S> BreakAfterWrite<S> {
    pub(crate) fn new(inner: S) -> Self {
        BreakAfterWrite {
            inner,
            armed: true.into(),
            just_wrote: false.into(),
        }
    }
}

impl<S: SecretStore> SecretStore for BreakAfterWrite<S> {
    fn set(&self, account: &str, tag: &ItemTag, secret: &Secret) -> tokenkeeper_vault::Result<()> {
        self.inner.set(account, tag, secret)?;
        self.just_wrote.store(true, Ordering::SeqCst);
        Ok(())
    }
    fn get(&self, account: &str) -> tokenkeeper_vault::Result<Option<Secret>> {
        if self.just_wrote.swap(false, Ordering::SeqCst) && self.armed.load(Ordering::SeqCst) {
            return Err(Error::KeyringFailure {
                detail: "injected after the write".into(),
            });
        }
        self.inner.get(account)
    }
    fn delete(&self, account: &str) -> tokenkeeper_vault::Result<()> {
        self.inner.delete(account)
    }
    fn retag(&self, account: &str, tag: &ItemTag) -> tokenkeeper_vault::Result<()> {
        self.inner.retag(account, tag)
    }
    fn items(&self) -> tokenkeeper_vault::Result<Vec<StoredItem>> {
        self.inner.items()
    }
    fn service(&self) -> &str {
        self.inner.service()
    }
    fn check(&self) -> tokenkeeper_vault::Result<()> {
        self.inner.check()
    }
    fn calls(&self) -> u64 {
        self.inner.calls()
    }
}

#[test]
fn add_then_secret_returns_the_same_bytes() {
    let dir = crate::support::private_tempdir();
    let (vault, _) = memory_vault(dir.path());
    let long_jwt = jwt(
        &serde_json::json!({"alg": "RS256", "kid": "k1"}),
        &serde_json::json!({"sub": "me", "exp": NOW + 3600, "pad": "x".repeat(6000)}),
        &b64([7u8; 256]),
    );
    for (name, stored, pasted) in [
        ("pat", PAT.to_owned(), format!("  Bearer {PAT}\n")),
        ("jwt", long_jwt.clone(), long_jwt.clone()),
        (
            "unicode",
            "tok-é✓-ünïcode-0123456789".to_owned(),
            "tok-é✓-ünïcode-0123456789".into(),
        ),
    ] {
        let meta = vault.add(&secret(&pasted), named(name), NOW).expect("add");
        let got = vault.secret(&meta.id, NOW).expect("get");
        assert_eq!(
            got.expose().as_bytes(),
            stored.as_bytes(),
            "{name}: get returned other bytes"
        );
    }
    let jwt_meta = vault
        .resolve("other/jwt")
        .expect("resolve by provider/name")
        .into_meta(NOW);
    assert_eq!(jwt_meta.format, Format::Jwt);
    assert_eq!(
        jwt_meta.expiry_source,
        Some(ExpirySource::Jwt),
        "exp read from the JWT"
    );
    assert_eq!(jwt_meta.account.as_deref(), Some("me"));
    let pat_meta = vault
        .resolve("pat")
        .expect("resolve by unique name")
        .into_meta(NOW);
    assert_eq!(
        (pat_meta.provider.as_str(), pat_meta.kind),
        ("github", TokenKind::Personal)
    );
}

#[test]
fn listing_and_metadata_never_call_the_keyring() {
    let dir = crate::support::private_tempdir();
    let (vault, _) = memory_vault(dir.path());
    let id = vault.add(&secret(PAT), named("a"), NOW).expect("add").id;
    drop(vault);
    let (vault, store) = memory_vault(dir.path());
    assert_eq!(vault.list(NOW).expect("list").len(), 1);
    vault.meta(&id, NOW).expect("meta");
    vault.resolve("github/a").expect("resolve");
    vault.events(&id, 10).expect("events");
    assert_eq!(
        store.calls(),
        0,
        "list/show must work with a locked or absent keyring"
    );
}

#[test]
fn a_malformed_token_writes_nothing() {
    let dir = crate::support::private_tempdir();
    let (vault, store) = memory_vault(dir.path());
    let err = vault
        .add(&secret("eyJhbGciOi.broken"), named("bad"), NOW)
        .expect_err("refused");
    assert!(
        matches!(err, Error::Core(tokenkeeper_core::Error::TokenMalformed(_))),
        "{err:?}"
    );
    assert_eq!(
        store.calls(),
        0,
        "the keyring was written for a token that was refused"
    );
    assert!(vault.list(NOW).expect("list").is_empty());
}

#[test]
fn a_duplicate_name_leaves_no_secret_behind() {
    let dir = crate::support::private_tempdir();
    let (vault, store) = memory_vault(dir.path());
    let first = vault.add(&secret(PAT), named("ci"), NOW).expect("add");
    let calls_before = store.calls();
    let err = vault
        .add(&secret(PAT2), named("ci"), NOW)
        .expect_err("duplicate");
    assert!(matches!(err, Error::DuplicateName { .. }), "{err:?}");
    assert_eq!(
        store.calls(),
        calls_before,
        "a name already taken still cost keyring calls before it was refused"
    );
    assert_eq!(store.accounts(), vec![format!("{}.g1", first.id)]);
    assert_eq!(vault.secret(&first.id, NOW).expect("get").expose(), PAT);
}

#[test]
fn replacing_a_secret_moves_to_a_new_generation() {
    let dir = crate::support::private_tempdir();
    let (vault, store) = memory_vault(dir.path());
    let id = vault.add(&secret(PAT), named("ci"), NOW).expect("add").id;
    vault
        .replace_secret(&id, &secret(PAT2), NOW + 5)
        .expect("replace");
    assert_eq!(vault.secret(&id, NOW).expect("get").expose(), PAT2);
    assert_eq!(store.accounts(), vec![format!("{id}.g2")], "old one kept");
    let kinds: Vec<EventKind> = vault
        .events(&id, 10)
        .expect("events")
        .iter()
        .map(|e| e.kind)
        .collect();
    assert_eq!(kinds, [EventKind::SecretReplaced, EventKind::Added]);
}

#[test]
fn a_failure_between_keyring_write_and_commit_keeps_the_previous_secret() {
    let dir = crate::support::private_tempdir();
    let store = Arc::new(BreakAfterWrite::new(MemoryStore::default()));
    let vault = Vault::open_metadata(dir.path(), store.clone()).expect("open");
    vault
        .add(&secret(PAT), named("lost"), NOW)
        .expect_err("the injected failure surfaces");
    assert!(
        vault.list(NOW).expect("list").is_empty(),
        "a row was committed without its secret"
    );
    assert!(
        store.inner.accounts().is_empty(),
        "the new secret was left behind"
    );

    store.armed.store(false, Ordering::SeqCst);
    let id = vault.add(&secret(PAT), named("kept"), NOW).expect("add").id;
    store.armed.store(true, Ordering::SeqCst);
    vault
        .replace_secret(&id, &secret(PAT2), NOW)
        .expect_err("the injected failure surfaces");
    assert_eq!(
        vault.secret(&id, NOW).expect("get").expose(),
        PAT,
        "the old secret stopped working"
    );
    assert_eq!(store.inner.accounts(), vec![format!("{id}.g1")]);
}

#[test]
fn a_crashed_writer_s_entry_is_removed_on_the_next_open() {
    let dir = crate::support::private_tempdir();
    let (vault, store) = memory_vault(dir.path());
    let id = vault.add(&secret(PAT), named("ci"), NOW).expect("add").id;
    drop(vault);
    note_from_dead_process(dir.path(), &format!("{id}.g2"), &id);
    store.set_untagged(&format!("{id}.g2"), &secret(PAT2));
    let (vault, problem) = Vault::open(dir.path(), store.clone(), NOW).expect("reopen");
    assert!(problem.is_none(), "{problem:?}");
    assert_eq!(store.accounts(), vec![format!("{id}.g1")]);
    assert_eq!(
        vault.secret(&id, NOW).expect("get").expose(),
        PAT,
        "the old secret stopped working"
    );
}

#[test]
fn remove_deletes_the_row_and_its_secret() {
    let dir = crate::support::private_tempdir();
    let (vault, store) = memory_vault(dir.path());
    let id = vault.add(&secret(PAT), named("gone"), NOW).expect("add").id;
    vault.remove(&id, NOW).expect("remove");
    assert!(store.accounts().is_empty());
    assert!(matches!(vault.resolve("gone"), Err(Error::NotFound(_))));
    assert!(
        matches!(vault.remove(&id, NOW), Err(Error::NotFound(_))),
        "second remove"
    );
}

/// The tag an item of `vault` for token `id` carries.
pub(crate) fn tag(vault: &Vault, id: &str, name: &str) -> ItemTag {
    ItemTag {
        vault: vault.id().to_owned(),
        token_id: id.to_owned(),
        name: name.to_owned(),
    }
}

#[test]
fn reconcile_keeps_what_it_cannot_explain_and_flags_missing_secrets() {
    let dir = crate::support::private_tempdir();
    let (vault, store) = memory_vault(dir.path());
    let id = vault.add(&secret(PAT), named("ci"), NOW).expect("add").id;
    // A generation no row or note names, an item of another vault, and one without a tag.
    store
        .set(
            &format!("{id}.g2"),
            &tag(&vault, &id, "github/ci"),
            &secret(PAT2),
        )
        .expect("set");
    let foreign = ItemTag {
        vault: "11111111-1111-4111-8111-111111111111".into(),
        token_id: "00000000-0000-4000-8000-000000000000".into(),
        name: "github/theirs".into(),
    };
    store
        .set(
            "00000000-0000-4000-8000-000000000000.g1",
            &foreign,
            &secret(PAT2),
        )
        .expect("set");
    store.set_untagged("22222222-2222-4222-8222-222222222222.g1", &secret(PAT2));
    let before = store.accounts();
    let report = vault.reconcile(NOW).expect("reconcile");
    assert_eq!(
        store.accounts(),
        before,
        "reconcile deleted an item on suspicion"
    );
    assert_eq!(report.orphans_removed, 0);
    assert_eq!(
        report
            .unexplained
            .iter()
            .map(|i| i.account.clone())
            .collect::<Vec<_>>(),
        vec![format!("{id}.g2")],
        "the unnamed item of this vault is reported"
    );
    assert_eq!(
        report.other_vaults.get(&foreign.vault),
        Some(&1),
        "the other vault is listed"
    );
    assert_eq!(report.untagged, 1);
    assert_eq!(vault.secret(&id, NOW).expect("get").expose(), PAT);

    store
        .delete(&format!("{id}.g1"))
        .expect("delete outside tokenkeeper");
    let report = vault.reconcile(NOW).expect("reconcile");
    assert_eq!(report.flagged_missing, 1);
    assert!(
        vault.meta(&id, NOW).expect("meta").secret_missing,
        "list shows no warning"
    );
    match vault.secret(&id, NOW) {
        Err(Error::SecretMissing { token }) => assert_eq!(token, "github/ci"),
        other => panic!("a missing secret should be named: {other:?}"),
    }
    store
        .set(
            &format!("{id}.g1"),
            &tag(&vault, &id, "github/ci"),
            &secret(PAT),
        )
        .expect("put back");
    assert_eq!(vault.reconcile(NOW).expect("reconcile").recovered, 1);
    assert!(!vault.meta(&id, NOW).expect("meta").secret_missing);
}

#[test]
fn a_keyring_without_this_vault_s_items_is_said_once_and_flags_nothing() {
    let dir = crate::support::private_tempdir();
    let (vault, store) = memory_vault(dir.path());
    let a = vault.add(&secret(PAT), named("a"), NOW).expect("add").id;
    vault.add(&secret(PAT2), named("b"), NOW).expect("add");
    drop(vault);
    // A freshly reset keyring: the same database, an empty store.
    let empty = Arc::new(MemoryStore::default());
    let vault = Vault::open_metadata(dir.path(), empty.clone()).expect("open");
    let report = vault.reconcile(NOW).expect("reconcile");
    assert_eq!(report.not_this_vault, Some(2));
    assert_eq!(report.flagged_missing, 0);
    let err = vault.secret(&a, NOW).expect_err("nothing to read");
    assert!(
        matches!(err, Error::KeyringNotThisVault { expected: 2, .. }),
        "{err:?}"
    );
    assert!(
        err.to_string().contains("none of this vault's 2 secrets"),
        "{err}"
    );
    let health = vault.health();
    assert!(!health.ok, "the banner must say so");
    for t in vault.list(NOW).expect("list") {
        assert!(!t.secret_missing, "{} was flagged", t.name);
        let kinds: Vec<EventKind> = vault
            .events(&t.id, 10)
            .expect("events")
            .iter()
            .map(|e| e.kind)
            .collect();
        assert!(
            !kinds.contains(&EventKind::SecretMissing),
            "{}: {kinds:?}",
            t.name
        );
    }
    // The right keyring is back: everything reads again and the state clears itself.
    drop(vault);
    let vault = Vault::open_metadata(dir.path(), store.clone()).expect("open");
    assert_eq!(
        vault.reconcile(NOW).expect("reconcile").not_this_vault,
        None
    );
    assert_eq!(vault.secret(&a, NOW).expect("get").expose(), PAT);
    assert!(vault.health().ok);
}

#[test]
fn recover_rebuilds_a_deleted_database_from_the_keyring() {
    let dir = crate::support::private_tempdir();
    let (vault, store) = memory_vault(dir.path());
    let jwt_token = jwt(
        &serde_json::json!({"alg": "HS256"}),
        &serde_json::json!({"sub": "svc", "exp": NOW + 3600, "scope": "read write"}),
        &b64([1u8; 32]),
    );
    vault.add(&secret(PAT), named("ci"), NOW).expect("add");
    vault
        .add(
            &secret(&jwt_token),
            NewTokenMeta {
                provider: Some("auth0".into()),
                ..named("api")
            },
            NOW,
        )
        .expect("add");
    let vault_id = vault.id().to_owned();
    drop(vault);
    for f in ["tokenkeeper.db", "tokenkeeper.db-wal", "tokenkeeper.db-shm"] {
        let _ = std::fs::remove_file(dir.path().join(f));
    }
    let vault = Vault::open_metadata(dir.path(), store.clone()).expect("reopen");
    assert_eq!(vault.id(), vault_id, "the vault-id file kept the identity");
    assert!(vault.list(NOW).expect("list").is_empty());
    let report = vault.rebuild(None, NOW).expect("recover");
    let mut rebuilt = report.rebuilt.clone();
    rebuilt.sort();
    assert_eq!(rebuilt, ["auth0/api", "github/ci"], "{report:?}");
    assert_eq!(
        vault
            .secret(&vault.resolve("github/ci").expect("row").id, NOW)
            .expect("get")
            .expose(),
        PAT
    );
    let api = vault.resolve("auth0/api").expect("row").into_meta(NOW);
    assert_eq!(
        api.scopes,
        ["read", "write"],
        "re-inspected from the secret"
    );
    assert_eq!(api.account.as_deref(), Some("svc"));
    assert!(api.expires_at.is_some());
    assert!(
        vault.rebuild(None, NOW).expect("again").rebuilt.is_empty(),
        "a second recover made rows twice"
    );
}

#[test]
fn opening_needs_no_keyring_until_a_secret_is_read() {
    let dir = crate::support::private_tempdir();
    let (vault, _) = memory_vault(dir.path());
    let id = vault.add(&secret(PAT), named("ci"), NOW).expect("add").id;
    drop(vault);
    let store = Arc::new(MemoryStore::default());
    *store.fail_with.lock().expect("lock") = Some(|| Error::KeyringLocked {
        detail: "test".into(),
    });
    let (vault, problem) = Vault::open(dir.path(), store.clone(), NOW).expect("open");
    assert!(
        problem.is_none(),
        "nothing was pending, yet the open reported {problem:?}"
    );
    assert_eq!(vault.list(NOW).expect("list still works").len(), 1);
    assert_eq!(store.calls(), 0, "a clean open must not call the keyring");
    assert!(matches!(
        vault.secret(&id, NOW),
        Err(Error::KeyringLocked { .. })
    ));
    assert!(
        matches!(
            vault.add(&secret(PAT2), named("new"), NOW),
            Err(Error::KeyringLocked { .. })
        ),
        "an add with a locked keyring must fail with the keyring's error"
    );
    assert_eq!(
        vault.list(NOW).expect("list").len(),
        1,
        "the failed add left a row"
    );
}

/// Commits a pending-write note as a process that has since died would have left it.
pub(crate) fn note_from_dead_process(dir: &Path, account: &str, token_id: &str) {
    let mut child = std::process::Command::new("true")
        .spawn()
        .expect("spawn true");
    let dead_pid = child.id();
    child.wait().expect("reap true");
    // Its lease: a file nobody holds a lock on any more.
    let lease = format!("00000000-0000-4000-8000-{:012}", dead_pid);
    let leases = dir.join("leases");
    std::fs::create_dir_all(&leases).expect("leases folder");
    std::fs::write(leases.join(format!("{lease}.lock")), "").expect("lease file");
    let conn = tokenkeeper_vault::db::open(&dir.join("tokenkeeper.db")).expect("open db");
    conn.execute(
        "INSERT INTO pending_secrets (account, token_id, purpose, pid, started_at, lease)
         VALUES (?1, ?2, 'new', 0, ?3, ?4)",
        rusqlite::params![account, token_id, NOW, lease],
    )
    .expect("insert note");
}
