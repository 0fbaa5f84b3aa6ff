//! Integration tests of tokenkeeper-core, one binary with a module per purpose: decoding tokens
//! (`decode`) and refusing bad ones (`malformed`), and checking signatures (`verify`). Nothing
//! here touches a disk, a keyring or a network: the core does no I/O.

mod decode;
mod malformed;
#[path = "../vectors.rs"]
mod vectors;
mod verify;

use base64::{Engine as _, engine::general_purpose::URL_SAFE_NO_PAD};

/// A fixed "now" for decode tests: 2026-01-01T00:00:00Z.
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
