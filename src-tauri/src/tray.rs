//! The tray icon and its menu: open the window, what is due within 3 days and the next three
//! tokens (a click opens that token), quit. The icon gets an attention dot while anything is
//! expired or due. The words come from the core (`notice::tray_summary`).

use std::sync::{
    Mutex,
    atomic::{AtomicBool, Ordering},
};

use tauri::{
    AppHandle, Emitter, Manager, Wry,
    image::Image,
    menu::{Menu, MenuItem, PredefinedMenuItem},
    tray::{MouseButton, MouseButtonState, TrayIconBuilder, TrayIconEvent},
};
use tokenkeeper_core::{model::OpenToken, notice::TraySummary};

static QUITTING: AtomicBool = AtomicBool::new(false);

const TOKEN_ITEM: &str = "token:";

/// True once the user chose Quit: the window may then really close.
pub fn quitting() -> bool {
    QUITTING.load(Ordering::Relaxed)
}

/// The summary the tray shows now, so an unchanged one costs no menu rebuild.
#[derive(Default)]
struct Shown(Mutex<Option<TraySummary>>);

pub fn install(app: &AppHandle) -> tauri::Result<()> {
    let menu = build_menu(app, None)?;
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
            id => {
                if let Some(token) = id.strip_prefix(TOKEN_ITEM) {
                    open_token(app, Some(token), false);
                }
            }
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
    app.manage(Shown::default());
    Ok(())
}

fn build_menu(app: &AppHandle, summary: Option<&TraySummary>) -> tauri::Result<Menu<Wry>> {
    let menu = Menu::new(app)?;
    menu.append(&MenuItem::with_id(
        app,
        "open",
        "Open Tokenkeeper",
        true,
        None::<&str>,
    )?)?;
    let text = summary.map_or("Checking expiry…", |s| s.text.as_str());
    menu.append(&MenuItem::with_id(
        app,
        "summary",
        text,
        false,
        None::<&str>,
    )?)?;
    for (id, label) in summary.map(|s| s.next.as_slice()).unwrap_or_default() {
        let item_id = format!("{TOKEN_ITEM}{id}");
        menu.append(&MenuItem::with_id(app, item_id, label, true, None::<&str>)?)?;
    }
    menu.append(&PredefinedMenuItem::separator(app)?)?;
    menu.append(&MenuItem::with_id(app, "quit", "Quit", true, None::<&str>)?)?;
    Ok(menu)
}

pub fn show_main(app: &AppHandle) {
    if let Some(w) = app.get_webview_window("main") {
        let _ = w.show();
        let _ = w.unminimize();
        let _ = w.set_focus();
    }
}

/// Shows the window at `token` (a notification's "Open", a token in the tray's menu); with
/// `renew`, at its provider's guide for a replacement (a notification's "Renew…").
pub fn open_token(app: &AppHandle, token: Option<&str>, renew: bool) {
    show_main(app);
    if let Some(id) = token {
        let _ = app.emit(
            "open-token",
            OpenToken {
                token_id: id.to_owned(),
                renew,
            },
        );
    }
}

/// Shows `summary` in the tooltip, the menu and the icon, when it differs from what is shown.
pub fn set_summary(app: &AppHandle, summary: &TraySummary) {
    let Some(shown) = app.try_state::<Shown>() else {
        return;
    };
    let mut shown = shown.0.lock().unwrap_or_else(|p| p.into_inner());
    if shown.as_ref() == Some(summary) {
        return;
    }
    let Some(tray) = app.tray_by_id("main") else {
        return;
    };
    let mut tooltip = format!("Tokenkeeper — {}", summary.text);
    for (_, line) in &summary.next {
        tooltip.push('\n');
        tooltip.push_str(line);
    }
    let _ = tray.set_tooltip(Some(tooltip));
    match build_menu(app, Some(summary)) {
        Ok(menu) => {
            let _ = tray.set_menu(Some(menu));
        }
        Err(e) => tracing::warn!("tray menu not rebuilt: {e}"),
    }
    let was_attention = shown.as_ref().is_some_and(|s| s.attention);
    if (summary.attention != was_attention || shown.is_none())
        && let Some(icon) = app.default_window_icon()
    {
        let icon = if summary.attention {
            attention_variant(icon)
        } else {
            icon.clone().to_owned()
        };
        let _ = tray.set_icon(Some(icon));
    }
    *shown = Some(summary.clone());
}

/// The app icon with a red dot in its top-right quarter: "something needs you".
fn attention_variant(icon: &Image<'_>) -> Image<'static> {
    let (w, h) = (icon.width(), icon.height());
    let mut rgba = icon.rgba().to_vec();
    let r = f64::from(w.min(h)) * 0.22;
    let (cx, cy) = (f64::from(w) - r - 1.0, r + 1.0);
    for y in 0..h {
        for x in 0..w {
            let (dx, dy) = (f64::from(x) + 0.5 - cx, f64::from(y) + 0.5 - cy);
            let d = (dx * dx + dy * dy).sqrt();
            let i = ((y * w + x) * 4) as usize;
            if d <= r {
                rgba[i..i + 4].copy_from_slice(&[0xd9, 0x2d, 0x20, 0xff]);
            } else if d <= r + 1.2 {
                rgba[i..i + 4].copy_from_slice(&[0xff, 0xff, 0xff, 0xff]);
            }
        }
    }
    Image::new_owned(rgba, w, h)
}
