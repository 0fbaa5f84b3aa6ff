//! Copying a secret to the system clipboard: marked secret for clipboard managers
//! (`x-kde-passwordManagerHint: secret` on Linux, the equivalent hints on macOS and Windows)
//! and cleared later only if the clipboard still holds that secret.

use tokenkeeper_core::Secret;

use crate::error::{Error, Result};

/// Default seconds before a copied secret is cleared.
pub const DEFAULT_CLEAR_SECS: u64 = 30;

fn clipboard_error(e: arboard::Error) -> Error {
    Error::Clipboard(format!(
        "The clipboard is not available ({e}); on Linux a graphical session (X11 or Wayland) \
         is needed"
    ))
}

/// A handle on the clipboard. Keep it alive while the copied secret should stay available:
/// on X11 the content is served by this process.
pub struct SecretClipboard {
    inner: arboard::Clipboard,
}

impl SecretClipboard {
    pub fn new() -> Result<Self> {
        arboard::Clipboard::new()
            .map(|inner| SecretClipboard { inner })
            .map_err(clipboard_error)
    }

    /// Puts `secret` on the clipboard, excluded from clipboard history.
    pub fn copy(&mut self, secret: &Secret) -> Result<()> {
        let set = self.inner.set();
        #[cfg(all(
            unix,
            not(any(target_os = "macos", target_os = "ios", target_os = "android"))
        ))]
        let set = {
            use arboard::SetExtLinux as _;
            set.exclude_from_history()
        };
        #[cfg(target_os = "macos")]
        let set = {
            use arboard::SetExtApple as _;
            set.exclude_from_history()
        };
        #[cfg(target_os = "windows")]
        let set = {
            use arboard::SetExtWindows as _;
            set.exclude_from_monitoring()
                .exclude_from_cloud()
                .exclude_from_history()
        };
        set.text(secret.expose().to_owned())
            .map_err(clipboard_error)
    }

    /// Clears the clipboard if it still holds `secret`; returns whether it did. Anything the
    /// user copied since is left alone.
    pub fn clear_if_holds(&mut self, secret: &Secret) -> Result<bool> {
        let holds = match self.inner.get_text() {
            Ok(text) => {
                let same = text == secret.expose();
                zeroize::Zeroize::zeroize(&mut { text });
                same
            }
            Err(arboard::Error::ContentNotAvailable) => false,
            Err(e) => return Err(clipboard_error(e)),
        };
        if holds {
            self.inner.clear().map_err(clipboard_error)?;
        }
        Ok(holds)
    }
}
