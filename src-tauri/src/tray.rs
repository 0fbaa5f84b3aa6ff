//! The tray icon and its menu: open the window, how many tokens expire soon, quit.

use std::sync::atomic::{AtomicBool, Ordering};

use tauri::{
    AppHandle, Manager, Wry,
    menu::{Menu, MenuItem, PredefinedMenuItem},
    tray::{MouseButton, MouseButtonState, TrayIconBuilder, TrayIconEvent},
};

static QUITTING: AtomicBool = AtomicBool::new(false);

/// True once the user chose Quit: the window may then really close.
pub fn quitting() -> bool {
    QUITTING.load(Ordering::Relaxed)
}

/// The menu item whose text the watcher updates.
pub struct SoonItem(pub MenuItem<Wry>);

pub fn install(app: &AppHandle) -> tauri::Result<()> {
    let open = MenuItem::with_id(app, "open", "Open Tokenkeeper", true, None::<&str>)?;
    let soon = MenuItem::with_id(app, "soon", "Checking expiry…", false, None::<&str>)?;
    let quit = MenuItem::with_id(app, "quit", "Quit", true, None::<&str>)?;
    let menu = Menu::with_items(
        app,
        &[&open, &soon, &PredefinedMenuItem::separator(app)?, &quit],
    )?;
    let mut builder = TrayIconBuilder::with_id("main")
        .tooltip("Tokenkeeper")
        .menu(&menu)
        .show_menu_on_left_click(false)
        .on_menu_event(|app, event| match event.id.as_ref() {
            "open" => show_main(app),
            "quit" => {
                QUITTING.store(true, Ordering::Relaxed);
                app.exit(0);
            }
            _ => {}
        })
        .on_tray_icon_event(|tray, event| {
            if let TrayIconEvent::Click {
                button: MouseButton::Left,
                button_state: MouseButtonState::Up,
                ..
            } = event
            {
                show_main(tray.app_handle());
            }
        });
    if let Some(icon) = app.default_window_icon() {
        builder = builder.icon(icon.clone());
    }
    builder.build(app)?;
    app.manage(SoonItem(soon));
    Ok(())
}

pub fn show_main(app: &AppHandle) {
    if let Some(w) = app.get_webview_window("main") {
        let _ = w.show();
        let _ = w.unminimize();
        let _ = w.set_focus();
    }
}

/// Updates the tray's "expire soon" line and tooltip.
pub fn set_soon(app: &AppHandle, soon: usize, expired: usize) {
    let expire = |s: usize| format!("{s} expire{} soon", if s == 1 { "s" } else { "" });
    let text = match (soon, expired) {
        (0, 0) => "Nothing expires soon".to_owned(),
        (s, 0) => expire(s),
        (0, e) => format!("{e} expired"),
        (s, e) => format!("{}, {e} expired", expire(s)),
    };
    if let Some(item) = app.try_state::<SoonItem>() {
        let _ = item.0.set_text(&text);
    }
    if let Some(tray) = app.tray_by_id("main") {
        let _ = tray.set_tooltip(Some(format!("Tokenkeeper — {text}")));
    }
}
