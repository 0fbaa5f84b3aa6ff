//! The reconciler and `recover` as logic on an in-memory store: nothing is deleted on
//! suspicion, a keyring without this vault's items is said once, a lost database is rebuilt.

use std::sync::Arc;

use tokenkeeper_core::model::{EventKind, NewTokenMeta};
use tokenkeeper_vault::{
    Error, Vault,
    keyring::{ItemTag, MemoryStore, SecretStore},
};

use crate::{
    NOW, b64, jwt,
    protocol::{PAT, PAT2, memory_vault, named, secret},
};

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
