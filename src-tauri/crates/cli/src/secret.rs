//! `tokenkeeper get` and `copy`: the two ways a secret leaves the CLI for a person or a
//! script, each recorded in the token's access log.

use std::{
    io::{IsTerminal, Write},
    sync::atomic::Ordering,
    time::{Duration, Instant},
};

use anyhow::Result;
use tokenkeeper_core::credential::Accessor;
use tokenkeeper_vault::{Vault, clipboard::SecretClipboard};

/// Prints the secret to stdout (warning first when that is a terminal).
pub fn get(vault: &Vault, token: &str, no_newline: bool, quiet: bool, now: i64) -> Result<()> {
    let id = vault.resolve(token)?.id;
    let secret = vault.hand_out(&id, &Accessor::CliGet, now)?;
    let mut out = std::io::stdout().lock();
    if !quiet && out.is_terminal() {
        eprintln!(
            "warning: the secret is printed on screen (and may stay in the terminal's \
             scrollback); `tokenkeeper copy` puts it on the clipboard instead (--quiet \
             hides this)"
        );
    }
    out.write_all(secret.expose().as_bytes())?;
    if !no_newline {
        out.write_all(b"\n")?;
    }
    out.flush()?;
    Ok(())
}

/// Puts the secret on the clipboard, marked secret, and serves it until `clear_after`
/// seconds (the app's setting when `None`) or Ctrl+C, then clears it if it still holds it.
pub fn copy(vault: &Vault, token: &str, clear_after: Option<u32>, now: i64) -> Result<()> {
    let row = vault.resolve(token)?;
    let secret = vault.secret(&row.id, now)?;
    let clear_after = match clear_after {
        Some(s) => s,
        None => vault.settings()?.clipboard_clear_secs,
    };
    // Registered before the copy, so an early Ctrl+C cannot leave the secret behind.
    let stop = crate::signals::stop_flag()?;
    let mut clipboard = SecretClipboard::new()?;
    clipboard.copy(&secret)?;
    vault.record_access(&row.id, &Accessor::CliCopy, now)?;
    eprintln!(
        "Copied {}/{}; the clipboard clears in {clear_after} s, or now on Ctrl+C (keep \
         this running: it serves the clipboard)",
        row.provider, row.name
    );
    let deadline = Instant::now() + Duration::from_secs(clear_after.into());
    while Instant::now() < deadline && !stop.load(Ordering::Relaxed) {
        std::thread::sleep(Duration::from_millis(50));
    }
    if clipboard.clear_if_holds(&secret)? {
        eprintln!("Clipboard cleared.");
    }
    Ok(())
}
