//! Desktop notifications for reminders. On Linux through the freedesktop notification server
//! (`notify-rust`, which reports failures, unlike the Tauri plugin); a missing server is
//! detected and named so the app can say what to install instead of pretending success.

use tokenkeeper_core::notice::{Notice, Urgency};

/// The action id of "Open" (show the app at the token) and "Renew…" (its generate guide).
pub const ACTION_OPEN: &str = "open";
pub const ACTION_RENEW: &str = "renew";

/// What the user clicked on a notification.
pub type OnAction = Box<dyn FnOnce(&str) + Send>;

/// The running notification server ("dunst 1.9.0"), or why there is none.
#[cfg(target_os = "linux")]
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

/// Sends `notice`. With `on_action`, the notification offers "Open" (and "Renew…" when
/// `renew` is true) and a thread waits for the click; without, it is plain (the CLI).
#[cfg(target_os = "linux")]
pub fn send(notice: &Notice, renew: bool, on_action: Option<OnAction>) -> Result<(), String> {
    use notify_rust::{Hint, Notification, Timeout};
    let mut n = Notification::new();
    n.appname("Tokenkeeper")
        .summary(&notice.title)
        .body(&notice.body)
        .icon("tokenkeeper-app")
        .hint(Hint::Category("presence".into()))
        .hint(Hint::DesktopEntry("tokenkeeper-app".into()));
    match notice.urgency {
        Urgency::Critical => n.urgency(notify_rust::Urgency::Critical),
        Urgency::Normal => n.urgency(notify_rust::Urgency::Normal),
    };
    n.timeout(Timeout::Default);
    if on_action.is_some() {
        n.action(ACTION_OPEN, "Open");
        if renew {
            n.action(ACTION_RENEW, "Renew…");
        }
    }
    let handle = n
        .show()
        .map_err(|e| format!("the notification was not sent: {e}"))?;
    if let Some(on_action) = on_action {
        std::thread::Builder::new()
            .name("notification-action".into())
            .spawn(move || handle.wait_for_action(|a| on_action(a)))
            .map_err(|e| format!("could not wait for the notification's buttons: {e}"))?;
    }
    Ok(())
}

/// macOS and Windows delivery (through the Tauri notification plugin) is not written yet: say
/// so, so the app shows its banner instead of claiming reminders reach the desktop.
#[cfg(not(target_os = "linux"))]
pub fn server() -> Result<String, String> {
    Err(
        "Desktop notifications are only supported on Linux so far; the tray and \
         `tokenkeeper due` still show what is due"
            .into(),
    )
}

#[cfg(not(target_os = "linux"))]
pub fn send(_notice: &Notice, _renew: bool, _on_action: Option<OnAction>) -> Result<(), String> {
    Err("desktop notifications are only supported on Linux so far".into())
}
