//! Reminders against SQLite: each fires once across processes (two vault handles on one
//! folder, as the app and `tokenkeeper due --notify` are), across restarts, and a failed send
//! is tried again rather than lost.

use chrono::Utc;
use tokenkeeper_core::{
    model::{EventKind, NewTokenMeta, TokenPatch},
    notice::Notice,
};

use tokenkeeper_vault::Vault;

use crate::{
    NOW,
    protocol::{PAT, PAT2, memory_vault, secret},
    support::private_tempdir,
};

const DAY: i64 = 86_400;

fn expiring(name: &str, in_secs: i64, remind: Option<Vec<i64>>) -> NewTokenMeta {
    NewTokenMeta {
        name: name.into(),
        expires_at: tokenkeeper_core::clock::rfc3339(NOW + in_secs),
        remind,
        ..NewTokenMeta::default()
    }
}

/// One announcing pass, over the vault's tokens as they are now.
fn announce(
    v: &Vault,
    now: i64,
    tz: &Utc,
    send: impl FnMut(&Notice) -> Result<(), String>,
) -> tokenkeeper_vault::Result<tokenkeeper_vault::remind::Announced> {
    v.announce(&v.watched()?, now, tz, send)
}

fn titles(sent: &[Notice]) -> Vec<String> {
    sent.iter().map(|n| n.title.clone()).collect()
}

#[test]
fn a_reminder_fires_once_across_two_processes_and_a_restart() {
    let dir = private_tempdir();
    let (app, _) = memory_vault(dir.path());
    let t = app
        .add(&secret(PAT), expiring("ci", 90, Some(vec![60])), NOW)
        .unwrap();
    let (cli, _) = memory_vault(dir.path());
    let quiet = |_: &Notice| Ok(());
    // Nothing is due yet; the schedule says when to look.
    let a = announce(&app, NOW + 10, &Utc, quiet).unwrap();
    assert!(a.sent.is_empty());
    assert_eq!(a.wake_at, Some(NOW + 30), "60 s before a 90 s expiry");
    let a = announce(&app, NOW + 30, &Utc, quiet).unwrap();
    assert_eq!(titles(&a.sent), ["GitHub / ci expires in 1 min"]);
    // The CLI (another handle on the same folder) and a restarted app announce nothing again.
    assert!(
        announce(&cli, NOW + 31, &Utc, quiet)
            .unwrap()
            .sent
            .is_empty()
    );
    drop(app);
    let (app, _) = memory_vault(dir.path());
    assert!(
        announce(&app, NOW + 40, &Utc, quiet)
            .unwrap()
            .sent
            .is_empty()
    );
    let notified: Vec<_> = app
        .events(&t.id, 50)
        .unwrap()
        .into_iter()
        .filter(|e| e.kind == EventKind::Notified)
        .collect();
    assert_eq!(notified.len(), 1, "one `notified` event: {notified:?}");
    assert_eq!(notified[0].detail, "GitHub / ci expires in 1 min");
}

#[test]
fn a_failed_send_is_tried_again_and_records_nothing() {
    let dir = private_tempdir();
    let (v, _) = memory_vault(dir.path());
    let t = v
        .add(&secret(PAT), expiring("ci", 7 * DAY, None), NOW)
        .unwrap();
    let a = announce(&v, NOW + 4 * DAY, &Utc, |_| Err("no server".into())).unwrap();
    assert!(a.sent.is_empty());
    assert_eq!(a.failed.as_deref(), Some("no server"));
    let events = v.events(&t.id, 50).unwrap();
    assert!(
        events.iter().all(|e| e.kind != EventKind::Notified),
        "{events:?}"
    );
    let a = announce(&v, NOW + 4 * DAY + 5, &Utc, |_| Ok(())).unwrap();
    assert_eq!(titles(&a.sent), ["GitHub / ci expires in 3 days"]);
}

#[test]
fn a_replaced_secret_with_a_new_expiry_starts_fresh() {
    let dir = private_tempdir();
    let (v, _) = memory_vault(dir.path());
    let t = v
        .add(&secret(PAT), expiring("ci", 2 * DAY, Some(vec![DAY])), NOW)
        .unwrap();
    let ok = |_: &Notice| Ok(());
    assert_eq!(announce(&v, NOW + DAY, &Utc, ok).unwrap().sent.len(), 1);
    let patch = TokenPatch {
        expires_at: Some(tokenkeeper_core::clock::rfc3339(NOW + 10 * DAY)),
        ..TokenPatch::default()
    };
    v.update(&t.id, patch, Some(&secret(PAT2)), NOW + DAY + 5)
        .unwrap();
    assert!(
        announce(&v, NOW + DAY + 10, &Utc, ok)
            .unwrap()
            .sent
            .is_empty()
    );
    let a = announce(&v, NOW + 9 * DAY, &Utc, ok).unwrap();
    assert_eq!(titles(&a.sent), ["GitHub / ci expires in 24 hours"]);
}

#[test]
fn lead_times_and_rotation_are_kept_and_validated() {
    let dir = private_tempdir();
    let (v, _) = memory_vault(dir.path());
    let meta = NewTokenMeta {
        provider: Some("meta".into()),
        kind: Some(tokenkeeper_core::model::TokenKind::SystemUser),
        ..expiring("wa", 0, None)
    };
    let meta = NewTokenMeta {
        expires_at: None,
        ..meta
    };
    let t = v
        .add(&secret("EAAGm0PX4ZCpsBAKZC0abcdefghij"), meta, NOW)
        .unwrap();
    assert_eq!(
        t.rotate_every_secs,
        Some(60 * DAY),
        "the catalog's proposal"
    );
    assert_eq!(
        t.rotate_at,
        tokenkeeper_core::clock::rfc3339(NOW + 60 * DAY)
    );
    let bad = TokenPatch {
        remind: Some(Some(vec![-5])),
        ..TokenPatch::default()
    };
    assert!(v.update(&t.id, bad, None, NOW).is_err());
    let off = TokenPatch {
        remind: Some(Some(vec![])),
        rotate_every_secs: Some(None),
        ..TokenPatch::default()
    };
    let t = v.update(&t.id, off, None, NOW).unwrap();
    assert_eq!((t.remind, t.rotate_every_secs), (Some(vec![]), None));
    let mut s = v.settings().unwrap();
    assert_eq!(s.remind_leads_secs, vec![14 * DAY, 3 * DAY, DAY, 3_600, 0]);
    s.remind_leads_secs = vec![0, 7 * DAY];
    assert_eq!(
        v.save_settings(&s).unwrap().remind_leads_secs,
        vec![7 * DAY, 0]
    );
}
