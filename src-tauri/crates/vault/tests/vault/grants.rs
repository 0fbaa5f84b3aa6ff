//! What the vault keeps of a sign-in, on an in-memory store: the access and refresh rows and
//! their pairing, a rotation-safe refresh (a new refresh token replaces the old one, none
//! keeps it), one request for callers who waited on each other, bounded retries after
//! transient failures, `invalid_grant` ending the grant, and the client secret the reconcile
//! leaves alone.

use tokenkeeper_core::{
    Secret,
    model::{ExpirySource, TokenKind},
    oauth::{Endpoints, Failed, Failure, Flow, GrantState, Issued, MAX_RETRIES, Profile},
};
use tokenkeeper_vault::{Error, Vault};

use crate::{NOW, protocol::memory_vault, support::private_tempdir};

fn profile() -> Profile {
    Profile {
        name: "corp".into(),
        issuer: Some("https://id.example.com".into()),
        endpoints: Endpoints {
            token: "https://id.example.com/token".into(),
            revocation: Some("https://id.example.com/revoke".into()),
            ..Endpoints::default()
        },
        client_id: "app".into(),
        has_client_secret: false,
        iss_required: false,
        scopes: vec!["openid".into(), "offline_access".into()],
        audience: None,
        resource: None,
        refresh_lifetime_secs: Some(14 * 86_400),
        flows: vec![],
    }
}

fn issued(access: &str, refresh: Option<&str>) -> Issued {
    Issued {
        access: Secret::new(access.into()),
        refresh: refresh.map(|r| Secret::new(r.into())),
        id_token: None,
        expires_in: Some(3600),
        refresh_expires_in: None,
        scopes: None,
        id_verified: false,
        access_signature: None,
    }
}

fn signed_in(v: &Vault) -> String {
    let p = v
        .save_profile(&profile(), Some(&Secret::new("client-secret".into())), NOW)
        .expect("profile");
    v.store_grant(
        &p,
        Flow::Code,
        Some("me"),
        &issued("access-1", Some("refresh-1")),
        NOW,
    )
    .expect("store")
    .id
}

fn refresh(
    v: &Vault,
    id: &str,
    asked_ms: i64,
    answer: Result<Issued, Failed>,
) -> Result<bool, Error> {
    let mut answer = Some(answer);
    v.refresh_with(
        id,
        asked_ms,
        || (NOW + 60) * 1000,
        0.5,
        |_| answer.take().expect("asked once"),
    )
    .map(|r| r.asked)
}

fn transient() -> Failed {
    Failed {
        failure: Failure::Transient,
        detail: "the server answered 503".into(),
        retry_after: None,
    }
}

#[test]
fn a_sign_in_is_an_access_row_paired_with_its_refresh_row() {
    let dir = private_tempdir();
    let (v, _) = memory_vault(dir.path());
    let id = signed_in(&v);
    let access = v.meta(&id, NOW).expect("meta");
    assert_eq!(
        (access.provider.as_str(), access.name.as_str()),
        ("corp", "me")
    );
    assert_eq!(access.kind, TokenKind::Access);
    assert_eq!(access.expiry_source, Some(ExpirySource::ExpiresIn));
    let g = v.grant(&id, NOW).expect("grant").expect("a grant");
    let refresh_id = g.refresh_id.clone().expect("paired");
    assert_eq!(
        v.meta(&refresh_id, NOW).expect("refresh row").name,
        "me (refresh)"
    );
    assert_eq!(
        g.refresh_expiry_source,
        Some(ExpirySource::Provider),
        "the stated policy"
    );
    // The refresh row names the same grant.
    assert_eq!(
        v.grant_access_id(&refresh_id).expect("lookup").as_deref(),
        Some(id.as_str())
    );
    assert_eq!(
        g.refresh_at.as_deref(),
        tokenkeeper_core::clock::rfc3339(NOW + 2880).as_deref()
    );
}

#[test]
fn a_refresh_stores_a_new_refresh_token_and_keeps_the_old_one_when_none_comes() {
    let dir = private_tempdir();
    let (v, _) = memory_vault(dir.path());
    let id = signed_in(&v);
    let refresh_id = v.grant(&id, NOW).unwrap().unwrap().refresh_id.unwrap();
    assert!(
        refresh(
            &v,
            &id,
            NOW * 1000,
            Ok(issued("access-2", Some("refresh-2")))
        )
        .unwrap()
    );
    assert_eq!(v.secret(&refresh_id, NOW).unwrap().expose(), "refresh-2");
    assert_eq!(v.secret(&id, NOW).unwrap().expose(), "access-2");
    assert!(refresh(&v, &id, (NOW + 61) * 1000, Ok(issued("access-3", None))).unwrap());
    assert_eq!(
        v.secret(&refresh_id, NOW).unwrap().expose(),
        "refresh-2",
        "kept"
    );
    assert_eq!(v.secret(&id, NOW).unwrap().expose(), "access-3");
}

#[test]
fn a_caller_who_asked_before_the_last_refresh_finished_makes_no_request() {
    let dir = private_tempdir();
    let (v, _) = memory_vault(dir.path());
    let id = signed_in(&v);
    assert!(
        refresh(
            &v,
            &id,
            NOW * 1000,
            Ok(issued("access-2", Some("refresh-2")))
        )
        .unwrap()
    );
    // Asked at NOW (before the refresh that finished at NOW + 60 s): answered by it.
    let mut called = false;
    let done = v
        .refresh_with(
            &id,
            NOW * 1000,
            || (NOW + 61) * 1000,
            0.5,
            |_| {
                called = true;
                Err(transient())
            },
        )
        .expect("answered");
    assert!(!done.asked && !called);
    assert_eq!(v.secret(&id, NOW).unwrap().expose(), "access-2");
}

#[test]
fn transient_failures_keep_the_tokens_and_stop_retrying_after_a_bound() {
    let dir = private_tempdir();
    let (v, _) = memory_vault(dir.path());
    let id = signed_in(&v);
    let mut last_retry = None;
    for attempt in 1..=MAX_RETRIES + 1 {
        let e = refresh(&v, &id, (NOW + i64::from(attempt)) * 1000, Err(transient())).unwrap_err();
        assert!(e.to_string().contains("kept"), "{e}");
        let g = v.grant(&id, NOW).unwrap().unwrap();
        assert_eq!(g.state, GrantState::Retrying);
        last_retry = g.retry_at.clone();
        if attempt <= MAX_RETRIES {
            assert!(last_retry.is_some(), "retry {attempt} is scheduled");
        }
    }
    assert_eq!(
        last_retry, None,
        "no retry after {MAX_RETRIES} failures in a row"
    );
    assert_eq!(v.secret(&id, NOW).unwrap().expose(), "access-1");
    let (due, _) = v.grants_due(NOW + 86_400).expect("due");
    assert!(
        due.is_empty(),
        "the watcher leaves a grant that gave up alone: {due:?}"
    );
}

#[test]
fn invalid_grant_ends_the_grant_and_nothing_asks_again() {
    let dir = private_tempdir();
    let (v, _) = memory_vault(dir.path());
    let id = signed_in(&v);
    let ended = Failed {
        failure: Failure::SignInAgain,
        detail: "invalid_grant".into(),
        retry_after: None,
    };
    assert!(matches!(
        refresh(&v, &id, NOW * 1000, Err(ended)),
        Err(Error::SignInAgain { .. })
    ));
    assert_eq!(
        v.grant(&id, NOW).unwrap().unwrap().state,
        GrantState::SignInAgain
    );
    let again = v.refresh_with(
        &id,
        (NOW + 100) * 1000,
        || (NOW + 100) * 1000,
        0.5,
        |_| panic!("no request for an ended grant"),
    );
    assert!(matches!(again, Err(Error::SignInAgain { .. })));
    let (due, _) = v.grants_due(NOW + 86_400).expect("due");
    assert!(due.is_empty());
    assert_eq!(
        v.secret(&id, NOW).unwrap().expose(),
        "access-1",
        "kept for the record"
    );
}

#[test]
fn the_watcher_is_due_at_eighty_percent_of_the_lifetime() {
    let dir = private_tempdir();
    let (v, _) = memory_vault(dir.path());
    let id = signed_in(&v);
    let (due, next) = v.grants_due(NOW).expect("due");
    assert!(due.is_empty());
    assert_eq!(next, Some(NOW + 2880));
    let (due, _) = v.grants_due(NOW + 2880).expect("due");
    assert_eq!(due, vec![(id, GrantState::Ok)]);
}

#[test]
fn the_reconcile_leaves_a_profiles_client_secret_alone() {
    let dir = private_tempdir();
    let (v, store) = memory_vault(dir.path());
    signed_in(&v);
    let report = v.reconcile(NOW).expect("reconcile");
    assert!(report.unexplained.is_empty(), "{:?}", report.unexplained);
    assert_eq!(report.orphans_removed, 0);
    let (_, secret) = v.profile("corp").expect("profile");
    assert_eq!(secret.expect("kept").expose(), "client-secret");
    let _ = store;
}

#[test]
fn signing_in_again_under_the_same_name_mends_the_token_in_place() {
    let dir = private_tempdir();
    let (v, _) = memory_vault(dir.path());
    let id = signed_in(&v);
    let ended = Failed {
        failure: Failure::SignInAgain,
        detail: "invalid_grant".into(),
        retry_after: None,
    };
    let _ = refresh(&v, &id, NOW * 1000, Err(ended));
    let p = v.profile("corp").unwrap().0;
    let again = v
        .store_grant(
            &p,
            Flow::Device,
            Some("me"),
            &issued("access-9", Some("refresh-9")),
            NOW + 5,
        )
        .expect("sign in again");
    assert_eq!(again.id, id);
    let g = v.grant(&id, NOW).unwrap().unwrap();
    assert_eq!((g.state, g.flow), (GrantState::Ok, Flow::Device));
    assert_eq!(v.secret(&id, NOW).unwrap().expose(), "access-9");
    assert_eq!(
        v.secret(&g.refresh_id.unwrap(), NOW).unwrap().expose(),
        "refresh-9"
    );
}

#[test]
fn signing_in_again_after_a_revocation_brings_the_token_back() {
    let dir = private_tempdir();
    let (v, _) = memory_vault(dir.path());
    let id = signed_in(&v);
    v.revoke_grant_with(&id, 0.5, || NOW + 1, |_, _, _, _| Ok(()))
        .expect("revoked");
    assert!(v.meta(&id, NOW).unwrap().revoked_at.is_some());
    let p = v.profile("corp").unwrap().0;
    let again = v
        .store_grant(
            &p,
            Flow::Code,
            Some("me"),
            &issued("access-5", Some("refresh-5")),
            NOW + 5,
        )
        .expect("sign in again");
    assert_eq!(again.id, id);
    assert!(again.revoked_at.is_none());
    assert_eq!(v.secret(&id, NOW + 5).unwrap().expose(), "access-5");
    let refresh_id = v.grant(&id, NOW).unwrap().unwrap().refresh_id.unwrap();
    assert_eq!(
        v.secret(&refresh_id, NOW + 5).unwrap().expose(),
        "refresh-5"
    );
    assert!(v.grant(&id, NOW).unwrap().unwrap().can_refresh);
}

#[test]
fn removing_a_sign_in_s_token_removes_its_refresh_lock_file() {
    let dir = private_tempdir();
    let (v, _) = memory_vault(dir.path());
    let id = signed_in(&v);
    assert!(refresh(&v, &id, NOW * 1000, Ok(issued("access-2", None))).unwrap());
    let lock = dir.path().join("locks").join(format!("refresh-{id}.lock"));
    assert!(lock.exists(), "a refresh takes its lock file");
    v.remove(&id, NOW).expect("remove");
    assert!(!lock.exists(), "the lock file outlived its token");
}
