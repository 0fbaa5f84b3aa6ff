//! The expiry watcher: a background task that keeps the tray's summary current and tells the
//! UI when another process (the CLI) changed the vault. It reads the clock; the logic it calls
//! takes `now` as a parameter.

use std::time::Duration;

use tauri::{AppHandle, Emitter, Manager};
use tokenkeeper_core::model::Status;

use crate::{
    state::{AppState, now},
    tray,
};

/// How often the watcher looks. Cheap: one SQLite pragma, and a list only when the minute
/// turns or the data changed.
const TICK: Duration = Duration::from_secs(2);

pub fn start(app: AppHandle) {
    std::thread::Builder::new()
        .name("expiry-watch".into())
        .spawn(move || {
            let mut last_version = None;
            let mut last_minute = None;
            loop {
                let state = app.state::<AppState>();
                let version = state.vault.data_version().ok();
                let changed = last_version.is_some() && version != last_version;
                let minute = now() / 60;
                if changed {
                    let _ = app.emit("tokens-changed", ());
                }
                if changed || last_minute != Some(minute) {
                    summarize(&app, &state);
                    last_minute = Some(minute);
                }
                last_version = version;
                std::thread::sleep(TICK);
            }
        })
        .expect("a thread can be started at launch");
}

fn summarize(app: &AppHandle, state: &AppState) {
    let Ok(tokens) = state.vault.list(now()) else {
        return;
    };
    let count = |s: Status| tokens.iter().filter(|t| t.status == s).count();
    tray::set_soon(app, count(Status::ExpiringSoon), count(Status::Expired));
}
