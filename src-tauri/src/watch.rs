//! The expiry watcher: a tokio task that sleeps until the next instant the reminder schedule or
//! the tray's summary changes (the core computes it), then announces what is due and updates
//! the tray. It wakes early when the database changes (inotify on the data folder, so the
//! CLI's writes are seen without polling), after resume from sleep (logind's
//! `PrepareForSleep`), and after a wall-clock jump (wall and monotonic time are compared every
//! 30 s). Idle, it wakes once per 30 s and does no work then.

use std::{
    path::Path,
    sync::Arc,
    time::{Duration, Instant},
};

use ::notify as notify_fs;
use tauri::{AppHandle, Emitter, Manager};
use tokenkeeper_core::{
    model::NotificationHealth,
    notice::{Notice, TRAY_WINDOW_SECS, tray_summary},
    remind::attention_changes_at,
};
use tokenkeeper_vault::notify;
use tokio::sync::Notify;

use crate::{autostart, state::AppState, tray};

/// How often the watcher compares wall and monotonic time to notice a clock jump or a resume.
const JUMP_CHECK: Duration = Duration::from_secs(30);
/// A difference between wall and monotonic time larger than this is a jump.
const JUMP_SLACK_MS: i64 = 2_000;

/// Wakes the watcher from anywhere (a command that changed the vault, the file watcher).
pub struct Wake(pub Arc<Notify>);

pub fn start(app: &AppHandle, data_dir: &Path) {
    let wake = Arc::new(Notify::new());
    app.manage(Wake(wake.clone()));
    match watch_folder(data_dir, wake.clone()) {
        // Kept for the app's lifetime: dropping it stops the watch.
        Ok(w) => {
            app.manage(FolderWatch(w));
        }
        Err(e) => tracing::warn!(
            "the data folder is not watched ({e}); CLI changes show at the next wake"
        ),
    }
    #[cfg(target_os = "linux")]
    watch_sleep(wake.clone());
    let app = app.clone();
    tauri::async_runtime::spawn(async move { run(app, wake).await });
}

/// Asks the watcher to look again now (lead times changed).
pub fn poke(app: &AppHandle) {
    if let Some(w) = app.try_state::<Wake>() {
        w.0.notify_one();
    }
}

struct FolderWatch(#[allow(dead_code)] notify_fs::RecommendedWatcher);

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

async fn run(app: AppHandle, wake: Arc<Notify>) {
    let mut last_version: Option<i64> = None;
    let mut first = true;
    loop {
        let handle = app.clone();
        let outcome = tauri::async_runtime::spawn_blocking(move || pass(&handle, first)).await;
        first = false;
        let Ok(outcome) = outcome else {
            tracing::warn!("the watcher's pass panicked; trying again in 30 s");
            tokio::time::sleep(JUMP_CHECK).await;
            continue;
        };
        if last_version.is_some() && outcome.version != last_version {
            // Another process (the CLI) changed the vault: the window lists again.
            let _ = app.emit("tokens-changed", ());
        }
        last_version = outcome.version;
        sleep_until(outcome.next_at, outcome.recheck, &wake).await;
    }
}

/// Sleeps until `next_at` (unix seconds), a wake-up, a clock jump, or (with `recheck`) the
/// next 30 s check.
async fn sleep_until(next_at: Option<i64>, recheck: bool, wake: &Notify) {
    let (wall0, mono0) = (now_ms(), Instant::now());
    loop {
        let left_ms = next_at.map_or(i64::MAX, |n| n.saturating_mul(1_000) - now_ms());
        if left_ms <= 0 {
            tracing::debug!(reason = "due", "watcher woke");
            return;
        }
        let nap = Duration::from_millis(u64::try_from(left_ms).unwrap_or(u64::MAX)).min(JUMP_CHECK);
        tokio::select! {
            () = tokio::time::sleep(nap) => {}
            () = wake.notified() => {
                tracing::debug!(reason = "changed", "watcher woke");
                // Writes come in bursts (a transaction, a checkpoint): let them settle.
                tokio::time::sleep(Duration::from_millis(150)).await;
                return;
            }
        }
        let wall = now_ms() - wall0;
        let mono = i64::try_from(mono0.elapsed().as_millis()).unwrap_or(i64::MAX);
        if (wall - mono).abs() > JUMP_SLACK_MS {
            tracing::debug!(reason = "clock jump or resume", "watcher woke");
            return;
        }
        if recheck {
            tracing::debug!(reason = "recheck notification server", "watcher woke");
            return;
        }
        tracing::debug!(reason = "clock check", "watcher woke");
    }
}

struct Outcome {
    version: Option<i64>,
    next_at: Option<i64>,
    /// Check again in 30 s (the notification server was missing).
    recheck: bool,
}

/// One look at the vault: announce what is due, update the tray, say when to look again.
fn pass(app: &AppHandle, first: bool) -> Outcome {
    let state = app.state::<AppState>();
    let now = crate::state::now();
    let version = state.vault.data_version().ok();
    let mut next_at = None;
    let mut healthy = state.notification_health().ok;
    if first || !healthy {
        healthy = check_server(app, &state);
    }
    // One read of the vault serves the reminders and the tray.
    match state.vault.watched() {
        Ok(watched) => {
            if healthy {
                match state
                    .vault
                    .announce(&watched, now, &chrono::Local, |n| send(app, n))
                {
                    Ok(done) => {
                        next_at = done.wake_at;
                        if let Some(e) = done.failed {
                            tracing::warn!("a reminder was not sent: {e}");
                            healthy = check_server(app, &state);
                        }
                        if !done.sent.is_empty() {
                            autostart::on_first_reminder(app, &state);
                        }
                    }
                    Err(e) => tracing::warn!(code = ?e.code(), "reminders not checked: {e}"),
                }
            }
            tray::set_summary(app, &tray_summary(&watched, now, &chrono::Local));
            let tray_next = attention_changes_at(&watched, TRAY_WINDOW_SECS, now);
            next_at = [next_at, tray_next].into_iter().flatten().min();
        }
        Err(e) => tracing::warn!(code = ?e.code(), "reminders and tray not updated: {e}"),
    }
    // Tokens git reported failing are asked about, once each.
    crate::remote::check_requested(&state.vault, now);
    // Sign-ins due for a refresh (or a retry) are renewed before they lapse.
    let renew_at = crate::oauth::renew_due(&state.vault, now);
    next_at = [next_at, renew_at].into_iter().flatten().min();
    tracing::debug!(next_at, healthy, "watcher planned");
    Outcome {
        version,
        next_at,
        recheck: !healthy,
    }
}

/// Asks the notification server what it is; the UI is told when the answer changes.
fn check_server(app: &AppHandle, state: &AppState) -> bool {
    let health = match notify::server() {
        Ok(server) => NotificationHealth {
            ok: true,
            server: Some(server),
            message: None,
        },
        Err(message) => NotificationHealth {
            ok: false,
            server: None,
            message: Some(message),
        },
    };
    let ok = health.ok;
    if state.set_notification_health(health) {
        let _ = app.emit("notifications-changed", ());
    }
    ok
}

/// Sends one reminder; "Open" (or a click on the notification) shows the app at its token,
/// "Renew…" (offered when the catalog has a guide for its provider) at the guide for its
/// replacement.
fn send(app: &AppHandle, notice: &Notice) -> Result<(), String> {
    let renew = notice.token_id.as_deref().is_some_and(|id| {
        app.state::<AppState>()
            .vault
            .meta(id, crate::state::now())
            .is_ok_and(|t| has_guide(&t.provider))
    });
    let (app, token_id) = (app.clone(), notice.token_id.clone());
    let on_action: notify::OnAction = Box::new(move |action: &str| {
        if action == notify::ACTION_OPEN || action == "default" {
            tray::open_token(&app, token_id.as_deref(), false);
        } else if action == notify::ACTION_RENEW {
            tray::open_token(&app, token_id.as_deref(), true);
        }
    });
    notify::send(notice, renew, Some(on_action))
}

/// A provider guide worth offering "Renew…" for: any but the catch-all's generic steps.
fn has_guide(provider: &str) -> bool {
    provider != "other"
        && tokenkeeper_core::providers::provider(provider).is_some_and(|p| !p.guides.is_empty())
}

/// Wakes the watcher when a file of the database changes (any process's write).
fn watch_folder(dir: &Path, wake: Arc<Notify>) -> notify_fs::Result<notify_fs::RecommendedWatcher> {
    use notify_fs::{EventKind, RecursiveMode, Watcher};
    let mut watcher =
        notify_fs::recommended_watcher(move |res: notify_fs::Result<notify_fs::Event>| {
            let Ok(event) = res else { return };
            let ours = event.paths.iter().any(|p| {
                p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with("tokenkeeper.db"))
            });
            if ours
                && matches!(
                    event.kind,
                    EventKind::Modify(_) | EventKind::Create(_) | EventKind::Remove(_)
                )
            {
                wake.notify_one();
            }
        })?;
    watcher.watch(dir, RecursiveMode::NonRecursive)?;
    Ok(watcher)
}

/// logind announces sleep and resume on the system bus; a resume re-plans at once (the 30 s
/// jump check would catch it too, later). Without a system bus (CI, containers) it is skipped.
#[cfg(target_os = "linux")]
fn watch_sleep(wake: Arc<Notify>) {
    let spawned = std::thread::Builder::new()
        .name("sleep-watch".into())
        .spawn(move || {
            let messages =
                zbus::blocking::Connection::system().and_then(|conn| sleep_signals(&conn));
            match messages {
                Ok(messages) => on_resume(messages, || wake.notify_one()),
                Err(e) => tracing::debug!(
                    "no system bus ({e}): resume from sleep is caught by the clock check"
                ),
            }
        });
    if let Err(e) = spawned {
        tracing::warn!("the sleep watcher did not start: {e}");
    }
}

/// Subscribes to logind's `PrepareForSleep` on `conn` (only logind's own, not another
/// sender's of the same name).
#[cfg(target_os = "linux")]
fn sleep_signals(
    conn: &zbus::blocking::Connection,
) -> zbus::Result<zbus::blocking::MessageIterator> {
    let rule = zbus::MatchRule::builder()
        .msg_type(zbus::message::Type::Signal)
        .sender("org.freedesktop.login1")?
        .interface("org.freedesktop.login1.Manager")?
        .member("PrepareForSleep")?
        .build();
    zbus::blocking::MessageIterator::for_match_rule(rule, conn, Some(8))
}

/// Calls `resumed` at each `PrepareForSleep(false)`, the resume (`true` is the way down).
#[cfg(target_os = "linux")]
fn on_resume(messages: zbus::blocking::MessageIterator, mut resumed: impl FnMut()) {
    for msg in messages.flatten() {
        if msg.body().deserialize::<bool>().is_ok_and(|going| !going) {
            resumed();
        }
    }
}

#[cfg(test)]
#[path = "watch_tests.rs"]
mod tests;
