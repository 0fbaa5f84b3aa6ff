//! The Tauri shell: wires plugins, state, the tray and the expiry watcher around
//! `tokenkeeper-core`. It holds no domain logic; commands are one-line adapters.

mod autostart;
mod backup;
mod commands;
mod oauth;
mod remote;
mod scan;
mod state;
mod tray;
mod watch;

use std::sync::Arc;

use tauri::Emitter;
use tauri::{Manager, RunEvent, WindowEvent};
use tokenkeeper_vault::{Vault, keyring::OsKeyring, paths};

use crate::state::AppState;

// The scan's answers, for the same bindings, and the scan itself for the fake host's fixture.
pub use crate::scan::{
    FoundToken, ImportAction, ImportOutcome, ScanReport, Scanned, ScannedFile,
    import as import_found, scan as scan_for_tokens,
};
// The backup answers, for the UI's generated bindings (tests/generated.rs).
pub use crate::backup::{
    BackupPick, ExportOutcome, ExportReport, RestoreAction, RestoreReport, RestoredToken,
};

pub fn run() {
    tokenkeeper_vault::edge::harden_process();
    // Warnings from us by default; secret-bearing crates are capped whatever RUST_LOG says.
    tokenkeeper_vault::edge::init_logging("warn");
    let app = tauri::Builder::default()
        .plugin(tauri_plugin_single_instance::init(|app, _args, _cwd| {
            tray::show_main(app);
        }))
        .plugin(tauri_plugin_opener::init())
        // Only Rust opens file dialogs (backups): the webview is granted no `dialog:` permission.
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_autostart::init(
            tauri_plugin_autostart::MacosLauncher::LaunchAgent,
            Some(vec![autostart::HIDDEN_ARG]),
        ))
        .setup(|app| {
            let dir = paths::data_dir()?;
            let secrets = Arc::new(OsKeyring::new(paths::keyring_service())?);
            // Metadata first so the window has a list at once; the keyring is reconciled in
            // the background because a locked keyring can take seconds to answer.
            let vault = Arc::new(Vault::open_metadata(&dir, secrets)?);
            // Started at login (`--hidden`), the app waits in the tray. (Creating the window
            // hidden and showing it here would avoid a flash, but WebKitWebDriver then loses
            // its session: measured with the e2e suite.)
            if std::env::args().any(|a| a == autostart::HIDDEN_ARG)
                && let Some(w) = app.get_webview_window("main")
            {
                let _ = w.hide();
            }
            app.manage(AppState::new(vault.clone()));
            app.manage(oauth::Logins::default());
            app.manage(backup::Picked::default());
            app.manage(scan::Scanned::default());
            let handle = app.handle().clone();
            std::thread::spawn(move || {
                // Let the first list paint before the scan competes for the CPU and D-Bus.
                std::thread::sleep(std::time::Duration::from_secs(2));
                match vault.reconcile(state::now()) {
                    Err(e) => tracing::warn!(code = ?e.code(), "keyring not reconciled: {e}"),
                    // Flags may have changed, or the keyring turned out not to be this vault's:
                    // the list and the banner ask again.
                    Ok(_) => {
                        let _ = handle.emit("tokens-changed", ());
                        let _ = handle.emit("keyring-changed", ());
                    }
                }
            });
            tray::install(app.handle())?;
            #[cfg(target_os = "linux")]
            software_rendering(app.handle());
            watch::start(app.handle(), &dir);
            Ok(())
        })
        .on_window_event(|window, event| {
            // Closing the window keeps the app in the tray, so it can still warn about expiry.
            if let WindowEvent::CloseRequested { api, .. } = event
                && window.label() == "main"
                && !tray::quitting()
            {
                api.prevent_close();
                let _ = window.hide();
            }
        })
        .invoke_handler(tauri::generate_handler![
            commands::list_tokens,
            commands::list_profiles,
            commands::save_profile,
            commands::start_login,
            commands::cancel_login,
            commands::open_login_page,
            commands::refresh_token,
            commands::introspect_token,
            commands::export_backup,
            commands::choose_backup,
            commands::restore_backup,
            commands::scan_for_tokens,
            commands::import_found,
            commands::list_providers,
            commands::inspect_token,
            commands::add_token,
            commands::update_token,
            commands::delete_token,
            commands::token_detail,
            commands::reveal_token,
            commands::copy_token,
            commands::keyring_health,
            commands::get_settings,
            commands::set_settings,
            commands::open_provider_link,
            commands::notification_health,
            commands::parse_leads,
            commands::format_leads,
            commands::check_shape,
            commands::check_token,
            commands::revoke_token,
            commands::mark_revoked,
            commands::rotate_token,
            commands::add_replacement,
            commands::finish_replacement,
        ])
        .build(tauri::generate_context!())
        .expect("the Tauri context is valid");
    app.run(|handle, event| {
        if let RunEvent::Exit = event
            && let Some(state) = handle.try_state::<AppState>()
        {
            // A copied token must not outlive the app on the clipboard.
            state.clear_clipboard_on_exit();
        }
    });
}

/// A list of text needs no GPU compositing; under software GL (no GPU, Xvfb, many VMs) it
/// costs ~80 MB and a few percent of a core per repaint. `TOKENKEEPER_GPU=1` keeps WebKit's
/// default policy.
#[cfg(target_os = "linux")]
fn software_rendering(app: &tauri::AppHandle) {
    if std::env::var_os("TOKENKEEPER_GPU").is_some_and(|v| v == "1") {
        return;
    }
    if let Some(window) = app.get_webview_window("main") {
        let _ = window.with_webview(|webview| {
            use webkit2gtk::{HardwareAccelerationPolicy, SettingsExt, WebViewExt};
            if let Some(settings) = WebViewExt::settings(&webview.inner()) {
                settings.set_hardware_acceleration_policy(HardwareAccelerationPolicy::Never);
            }
        });
    }
}
