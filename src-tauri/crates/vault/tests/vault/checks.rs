//! What the vault keeps of a provider's answers: facts the provider stated replace what was
//! known and say so; silence keeps what the user entered; a revocation keeps the row and its
//! history and deletes the secret; a rotation stores the replacement beside the old token.

use tokenkeeper_core::{
    check::{CheckState, Expiry, Finding},
    clock::rfc3339,
    model::{EventKind, ExpirySource, NewTokenMeta, Status, TokenPatch},
};
use tokenkeeper_vault::Error;

use crate::{
    NOW,
    protocol::{PAT, PAT2, memory_vault, secret},
    support::private_tempdir,
};

fn entered() -> NewTokenMeta {
    NewTokenMeta {
        name: "ci".into(),
        expires_at: rfc3339(NOW + 30 * 86_400),
        scopes: Some(vec!["typed".into()]),
        account: Some("me".into()),
        ..NewTokenMeta::default()
    }
}

#[test]
fn a_silent_provider_keeps_what_the_user_entered() {
    let dir = private_tempdir();
    let (v, _) = memory_vault(dir.path());
    let t = v.add(&secret(PAT), entered(), NOW).expect("add");
    assert_eq!(t.expiry_source, Some(ExpirySource::User));
    assert_eq!(t.scopes_source, Some(ExpirySource::User));
    let report = v
        .record_check(&t.id, &Finding::new(CheckState::Valid, "ok"), NOW)
        .expect("record");
    assert!(report.learned.is_empty());
    let after = v.meta(&t.id, NOW).expect("meta");
    assert_eq!(after.expires_at, t.expires_at);
    assert_eq!(after.expiry_source, Some(ExpirySource::User));
    assert_eq!(after.scopes, vec!["typed"]);
    assert_eq!(after.account.as_deref(), Some("me"));
    let detail = v.detail(&t.id, NOW).expect("detail");
    assert_eq!(detail.check.map(|c| c.state), Some(CheckState::Valid));
    assert_eq!(detail.events[0].kind, EventKind::Checked);
}

#[test]
fn what_the_provider_states_replaces_and_is_marked_as_its() {
    let dir = private_tempdir();
    let (v, _) = memory_vault(dir.path());
    let t = v.add(&secret(PAT), entered(), NOW).expect("add");
    let finding = Finding {
        expiry: Expiry::At(NOW + 45 * 86_400),
        scopes: Some(vec!["repo".into()]),
        account: Some("octocat".into()),
        ..Finding::new(CheckState::Valid, "ok")
    };
    let report = v.record_check(&t.id, &finding, NOW).expect("record");
    assert_eq!(report.learned, vec!["expires_at", "scopes", "account"]);
    let after = v.meta(&t.id, NOW).expect("meta");
    assert_eq!(after.expires_at, rfc3339(NOW + 45 * 86_400));
    assert_eq!(after.expiry_source, Some(ExpirySource::Provider));
    assert_eq!(after.scopes_source, Some(ExpirySource::Provider));
    assert_eq!(after.account.as_deref(), Some("octocat"));
    assert_eq!(after.account_source, Some(ExpirySource::Provider));
    // "Never expires" is a fact too.
    let never = Finding {
        expiry: Expiry::Never,
        ..Finding::new(CheckState::Valid, "ok")
    };
    v.record_check(&t.id, &never, NOW).expect("record");
    assert_eq!(v.meta(&t.id, NOW).expect("meta").expires_at, None);
    // The user typing scopes again makes them the user's.
    let patch = TokenPatch {
        scopes: Some(vec!["mine".into()]),
        ..TokenPatch::default()
    };
    let edited = v.update(&t.id, patch, None, NOW).expect("edit");
    assert_eq!(edited.scopes_source, Some(ExpirySource::User));
}

#[test]
fn a_rate_limit_changes_nothing_but_the_report() {
    let dir = private_tempdir();
    let (v, _) = memory_vault(dir.path());
    let t = v.add(&secret(PAT), entered(), NOW).expect("add");
    let limited = Finding {
        retry_after: Some(600),
        expiry: Expiry::At(NOW),
        ..Finding::new(CheckState::RateLimited, "GitHub's rate limit is reached")
    };
    let report = v.record_check(&t.id, &limited, NOW).expect("record");
    assert_eq!(report.retry_after, Some(600));
    assert_eq!(v.meta(&t.id, NOW).expect("meta").expires_at, t.expires_at);
}

#[test]
fn a_revoked_token_keeps_its_row_and_history_and_loses_its_secret() {
    let dir = private_tempdir();
    let (v, store) = memory_vault(dir.path());
    let t = v.add(&secret(PAT), entered(), NOW).expect("add");
    assert_eq!(store.accounts().len(), 1);
    let meta = v
        .mark_revoked(&t.id, "GitHub accepted the revocation", NOW + 5)
        .expect("revoke");
    assert_eq!(meta.status, Status::Revoked);
    assert_eq!(
        store.accounts().len(),
        0,
        "the secret is deleted from the keyring"
    );
    assert!(matches!(
        v.secret(&t.id, NOW + 6),
        Err(Error::Revoked { .. })
    ));
    let detail = v.detail(&t.id, NOW + 6).expect("detail of a revoked token");
    assert_eq!(detail.meta.status, Status::Revoked);
    assert!(!detail.meta.secret_missing, "revoked is not 'missing'");
    assert!(!detail.can.check && !detail.can.revoke);
    assert!(detail.events.iter().any(|e| e.kind == EventKind::Revoked));
    assert!(detail.events.iter().any(|e| e.kind == EventKind::Added));
    // Reopening the vault (which reconciles the keyring) does not flag it as missing.
    drop(v);
    let v = tokenkeeper_vault::Vault::open(dir.path(), store.clone(), NOW + 7)
        .expect("reopen")
        .0;
    assert!(!v.meta(&t.id, NOW + 7).expect("meta").secret_missing);
}

#[test]
fn a_replacement_is_stored_beside_and_takes_over_only_when_finished() {
    let dir = private_tempdir();
    let (v, store) = memory_vault(dir.path());
    let old = v.add(&secret(PAT), entered(), NOW).expect("add");
    let new = v
        .add_replacement(
            &old.id,
            &secret(PAT2),
            Some((NOW + 90 * 86_400, ExpirySource::Provider)),
            NOW,
        )
        .expect("replacement");
    assert_eq!(new.name, "ci (new)");
    assert_eq!(new.expiry_source, Some(ExpirySource::Provider));
    assert_eq!(
        store.accounts().len(),
        2,
        "both secrets are kept until the new one is confirmed"
    );
    assert_eq!(
        v.secret(&old.id, NOW).expect("old still readable").expose(),
        PAT
    );
    let (old_after, new_after) = v
        .finish_replacement(&old.id, &new.id, Some("replaced"), NOW + 10)
        .expect("finish");
    assert_eq!(new_after.name, "ci");
    assert!(
        old_after.name.starts_with("ci (replaced "),
        "{}",
        old_after.name
    );
    assert_eq!(old_after.status, Status::Revoked);
    assert_eq!(store.accounts().len(), 1);
    assert_eq!(v.secret(&new.id, NOW).expect("new").expose(), PAT2);

    // Replaced with the guide, not revoked at the provider: the old one keeps working and
    // keeps its secret until the user revokes it there.
    let again = v
        .add_replacement(&new.id, &secret(PAT), None, NOW + 20)
        .expect("second replacement");
    let (old2, _) = v
        .finish_replacement(&new.id, &again.id, None, NOW + 30)
        .expect("finish without revoking");
    assert_ne!(old2.status, Status::Revoked);
    assert_eq!(v.secret(&new.id, NOW + 30).expect("kept").expose(), PAT2);
}

#[test]
fn a_tool_reporting_a_failure_flags_the_token_until_a_check_answers_it() {
    let dir = private_tempdir();
    let (v, _) = memory_vault(dir.path());
    let t = v.add(&secret(PAT), entered(), NOW).expect("add");
    assert!(v.checks_requested().expect("requested").is_empty());
    v.report_rejected(&t.id, "git-credential github.com", NOW + 1)
        .expect("report");
    assert_eq!(v.checks_requested().expect("requested"), vec![t.id.clone()]);
    // Nothing is lost: the secret and the row stay, the history says what failed.
    assert_eq!(v.secret(&t.id, NOW + 1).expect("secret").expose(), PAT);
    let events = v.events(&t.id, 10).expect("events");
    assert_eq!(events[0].kind, EventKind::Rejected);
    assert_eq!(
        events[0].detail,
        "git-credential github.com reported it failed"
    );
    v.record_check(
        &t.id,
        &Finding::new(CheckState::Invalid, "Bad credentials"),
        NOW + 2,
    )
    .expect("record");
    assert!(v.checks_requested().expect("requested").is_empty());
}
