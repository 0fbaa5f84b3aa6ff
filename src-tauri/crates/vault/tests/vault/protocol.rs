//! The vault's write protocol, as logic on an in-memory store (the same promises on the real
//! keyring are in `keyring`; the reconciler's are in `reconcile`).

use std::{
    path::Path,
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
};

use tokenkeeper_core::{
    Secret,
    model::{EventKind, ExpirySource, Format, NewTokenMeta, TokenKind, TokenPatch},
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

pub(crate) fn memory_vault(dir: &Path) -> (Vault, Arc<MemoryStore>) {
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

#[test]
fn an_edit_binds_git_hosts_in_its_commit_and_a_bad_host_changes_nothing() {
    let dir = crate::support::private_tempdir();
    let (vault, _store) = memory_vault(dir.path());
    let id = vault.add(&secret(PAT), named("ci"), NOW).expect("add").id;
    let bind = |hosts: &[&str], name: Option<&str>| TokenPatch {
        name: name.map(Into::into),
        git_hosts: Some(hosts.iter().map(|h| (*h).to_owned()).collect()),
        ..TokenPatch::default()
    };
    let hosts = |v: &tokenkeeper_vault::Vault| -> Vec<String> {
        v.detail(&id, NOW).expect("detail").git_hosts
    };
    let bound_events = |v: &tokenkeeper_vault::Vault| -> Vec<String> {
        v.events(&id, 20)
            .expect("events")
            .into_iter()
            .filter(|e| e.kind == EventKind::Bound)
            .map(|e| e.detail)
            .collect()
    };

    vault
        .update(
            &id,
            bind(&["GitHub.com", "https://git.corp/acme/app.git"], None),
            None,
            NOW,
        )
        .expect("bind");
    assert_eq!(hosts(&vault), ["git.corp/acme/app", "github.com"]);
    assert_eq!(bound_events(&vault), ["git: git.corp/acme/app, github.com"]);

    // One host that is not one: the rename in the same edit is not saved either.
    let refused = vault.update(
        &id,
        bind(&["github.com", "bob@evil"], Some("renamed")),
        None,
        NOW,
    );
    assert!(refused.is_err(), "a bad host is refused");
    assert_eq!(vault.meta(&id, NOW).expect("meta").name, "ci");
    assert_eq!(hosts(&vault), ["git.corp/acme/app", "github.com"]);

    // The same hosts again is no change and no event; an empty list unbinds.
    vault
        .update(
            &id,
            bind(&["github.com", "git.corp/acme/app"], None),
            None,
            NOW,
        )
        .expect("same");
    assert_eq!(bound_events(&vault).len(), 1);
    vault
        .update(&id, bind(&[], None), None, NOW)
        .expect("unbind");
    assert!(hosts(&vault).is_empty());
    assert_eq!(bound_events(&vault)[0], "git: no host");
}

#[test]
fn a_self_managed_instance_must_be_https_and_can_go_back_to_the_providers_own() {
    let dir = crate::support::private_tempdir();
    let (vault, _store) = memory_vault(dir.path());
    let id = vault.add(&secret(PAT), named("ci"), NOW).expect("add").id;
    let set = |url: Option<&str>| TokenPatch {
        instance_url: Some(url.map(Into::into)),
        ..TokenPatch::default()
    };
    let t = vault
        .update(&id, set(Some(" https://gitlab.example.com/ ")), None, NOW)
        .expect("an https origin");
    assert_eq!(
        t.instance_url.as_deref(),
        Some("https://gitlab.example.com")
    );
    // The token would be sent there: plain http off this machine, or a user in the URL, is refused.
    for bad in [
        "http://gitlab.example.com",
        "https://bob@gitlab.example.com",
        "gitlab.example.com",
    ] {
        assert!(
            vault.update(&id, set(Some(bad)), None, NOW).is_err(),
            "{bad}"
        );
    }
    assert_eq!(
        vault.meta(&id, NOW).expect("meta").instance_url.as_deref(),
        Some("https://gitlab.example.com"),
        "a refused edit changes nothing"
    );
    let t = vault.update(&id, set(None), None, NOW).expect("back");
    assert_eq!(t.instance_url, None);
}
