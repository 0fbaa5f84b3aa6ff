//! Desktop notifications for reminders, through `notify-rust` on every desktop: the
//! freedesktop notification server on Linux and the BSDs, Notification Center on macOS, toasts on
//! Windows. The Tauri notification plugin wraps the same crate but sends on a background task
//! and answers `Ok` whatever happened, so the app could not tell a reminder that reached the
//! desktop from one that did not. Called directly it reports failures, and on Linux a missing
//! server is detected and named, so the app can say what to install instead of pretending.
//!
//! Off Linux nothing can be asked beforehand: macOS's Notification Center and Windows' toasts
//! are always there. A failed Windows toast is still reported; macOS reports nothing (its
//! deliveries are fire and forget).

use notify_rust::{Notification, Timeout};
use tokenkeeper_core::notice::Notice;

pub use platform::server;

/// The action id of "Open" (show the app at the token) and "Renew…" (its generate guide).
pub const ACTION_OPEN: &str = "open";
pub const ACTION_RENEW: &str = "renew";

/// The app's identifier, as `tauri.conf.json` has it: macOS files notifications under the app
/// bundle of this id, Windows under the Start-menu shortcut's AppUserModelID of this name (the
/// installers register both).
pub const APP_ID: &str = "dev.tokenkeeper.app";

/// What the user clicked on a notification.
pub type OnAction = Box<dyn FnOnce(&str) + Send>;

/// Sends `notice`. With `on_action`, the notification offers "Open" (and "Renew…" when
/// `renew` is true) and a thread waits for the click; without, it is plain (the CLI).
pub fn send(notice: &Notice, renew: bool, on_action: Option<OnAction>) -> Result<(), String> {
    let mut n = Notification::new();
    n.appname("Tokenkeeper")
        .summary(&notice.title)
        .body(&notice.body)
        .timeout(Timeout::Default);
    platform::dress(&mut n, notice.urgency);
    if on_action.is_some() {
        n.action(ACTION_OPEN, "Open");
        if renew {
            n.action(ACTION_RENEW, "Renew…");
        }
    }
    let handle = n
        .show()
        .map_err(|e| format!("the notification was not sent: {e}"))?;
    match on_action {
        Some(on_action) => {
            std::thread::Builder::new()
                .name("notification-action".into())
                .spawn(move || handle.wait_for_action(|a| on_action(a)))
                .map_err(|e| format!("could not wait for the notification's buttons: {e}"))?;
        }
        // macOS delivers a notification whose handle is dropped unwatched.
        None => drop(handle),
    }
    Ok(())
}

#[cfg(not(any(target_os = "macos", target_os = "windows")))]
mod platform {
    use notify_rust::{Hint, Notification};
    use tokenkeeper_core::notice::Urgency;

    /// The running notification server ("dunst 1.9.0"), or why there is none.
    pub fn server() -> Result<String, String> {
        notify_rust::get_server_information()
            .map(|i| format!("{} {}", i.name, i.version))
            .map_err(|e| {
                format!(
                    "No desktop notification server answered ({e}). Install and start one \
                     (GNOME and KDE have one built in; on other desktops: dunst, mako or \
                     xfce4-notifyd) so Tokenkeeper can remind you."
                )
            })
    }

    pub(super) fn dress(n: &mut Notification, urgency: Urgency) {
        n.icon("tokenkeeper-app")
            .hint(Hint::Category("presence".into()))
            .hint(Hint::DesktopEntry("tokenkeeper-app".into()))
            .urgency(super::urgency(urgency));
    }
}

#[cfg(target_os = "windows")]
mod platform {
    use notify_rust::Notification;
    use tokenkeeper_core::notice::Urgency;

    /// Windows always has its toasts; a toast that fails is reported when it is sent.
    pub fn server() -> Result<String, String> {
        Ok("Windows notifications".into())
    }

    pub(super) fn dress(n: &mut Notification, urgency: Urgency) {
        // An installed app's toasts carry its name and icon. Run from a cargo build folder no
        // shortcut registers the id and Windows would drop them, so they go out under
        // PowerShell's id (notify-rust's default), as the Tauri plugin does.
        if !super::from_build_folder() {
            n.app_id(super::APP_ID);
        }
        n.urgency(super::urgency(urgency));
    }
}

#[cfg(target_os = "macos")]
mod platform {
    use notify_rust::Notification;
    use tokenkeeper_core::notice::Urgency;

    /// Notification Center is always there; whether the user allows Tokenkeeper's
    /// notifications is not something it will say.
    pub fn server() -> Result<String, String> {
        Ok("macOS Notification Center".into())
    }

    pub(super) fn dress(_n: &mut Notification, _urgency: Urgency) {
        // Notifications are filed under an app bundle, chosen once per process: ours when
        // running from Tokenkeeper.app, else Terminal's (a development build has no bundle).
        static APPLICATION: std::sync::Once = std::sync::Once::new();
        APPLICATION.call_once(|| {
            let bundle = if super::from_build_folder() {
                "com.apple.Terminal"
            } else {
                super::APP_ID
            };
            if let Err(e) = notify_rust::set_application(bundle) {
                tracing::warn!("notifications are not filed under {bundle}: {e}");
            }
        });
    }
}

/// The notification urgency for a notice's (critical once expired).
#[cfg(not(target_os = "macos"))]
fn urgency(urgency: tokenkeeper_core::notice::Urgency) -> notify_rust::Urgency {
    use tokenkeeper_core::notice::Urgency;
    match urgency {
        Urgency::Critical => notify_rust::Urgency::Critical,
        Urgency::Normal => notify_rust::Urgency::Normal,
    }
}

/// Whether this program runs from a cargo build folder (`target/debug`, `target/release`)
/// rather than from an installed copy.
#[cfg(any(target_os = "macos", target_os = "windows"))]
fn from_build_folder() -> bool {
    std::env::current_exe().is_ok_and(|exe| {
        exe.parent()
            .is_some_and(|dir| dir.ends_with("target/debug") || dir.ends_with("target/release"))
    })
}
