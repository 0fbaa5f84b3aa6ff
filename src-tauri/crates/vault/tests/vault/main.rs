//! Integration tests of tokenkeeper-vault, one binary with a module per purpose: the write
//! protocol (`protocol`) and the reconciler and `recover` (`reconcile`) as logic on an
//! in-memory store, the same promises and two vaults sharing one service on the real OS
//! keyring (`keyring`), and the data folder's privacy and identity (`folder`).
//!
//! Real-keyring tests need a D-Bus session with an unlocked Secret Service (see `.ci/run`).
//! Without one they fail; set `TOKENKEEPER_SKIP_KEYRING_TESTS=1` to skip them on purpose.

mod checks;
mod folder;
mod grants;
mod import;
mod keyring;
mod protocol;
mod reconcile;
mod remind;
#[path = "../support/mod.rs"]
mod support;

use base64::{Engine as _, engine::general_purpose::URL_SAFE_NO_PAD};
use tokenkeeper_vault::keyring::OsKeyring;

pub use support::{keyring_available, random_alnum};

/// A fixed "now": 2026-01-01T00:00:00Z.
pub const NOW: i64 = 1_767_225_600;

pub fn b64(bytes: impl AsRef<[u8]>) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// A compact JWS from a header and claims, with `sig` as its (unchecked) signature part.
pub fn jwt(header: &serde_json::Value, claims: &serde_json::Value, sig: &str) -> String {
    format!(
        "{}.{}.{sig}",
        b64(header.to_string()),
        b64(claims.to_string())
    )
}

/// A keyring service name of this test's own, whose items are removed when it is dropped.
pub struct TestService {
    pub name: String,
}

impl TestService {
    pub fn unique() -> Self {
        TestService {
            name: support::unique_service(),
        }
    }

    pub fn keyring(&self) -> OsKeyring {
        OsKeyring::new(self.name.clone()).expect("the keyring thread starts")
    }

    /// The accounts stored under this service, as `secret-tool` (not our code) sees them.
    pub fn items(&self) -> Vec<String> {
        support::secret_tool_accounts(&self.name)
    }
}

impl Drop for TestService {
    fn drop(&mut self) {
        support::secret_tool_clear(&self.name);
    }
}
