//! Start at login, hidden in the tray (`--hidden`), through tauri-plugin-autostart. The
//! setting is `null` until decided: the first reminder the user sees turns it on, unless they
//! turned it off before; an explicit choice is applied whenever Settings are saved.

use tauri::AppHandle;
use tauri_plugin_autostart::ManagerExt;
use tokenkeeper_vault::Error;

use crate::state::AppState;

/// The argument the login entry passes: start in the tray without showing the window.
pub const HIDDEN_ARG: &str = "--hidden";

pub fn apply(app: &AppHandle, on: bool) -> Result<(), Error> {
    let launcher = app.autolaunch();
    let done = if on {
        launcher.enable()
    } else {
        launcher.disable()
    };
    done.map_err(|e| Error::Internal(format!("could not change the login item: {e}")))
}

/// After the first reminder shown: reminders only help while the app runs, so start it at
/// login from now on, unless the user already chose.
pub fn on_first_reminder(app: &AppHandle, state: &AppState) {
    let Ok(mut settings) = state.vault.settings() else {
        return;
    };
    if settings.autostart.is_some() {
        return;
    }
    settings.autostart = Some(true);
    match apply(app, true).and_then(|()| state.vault.save_settings(&settings).map(|_| ())) {
        Ok(()) => tracing::info!("Tokenkeeper now starts at login (Settings can turn it off)"),
        Err(e) => tracing::warn!("autostart not turned on: {e}"),
    }
}
