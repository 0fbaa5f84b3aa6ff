//! The plain data Tokenkeeper talks about: token metadata, inspections, events, errors as the
//! UI and CLI see them. Every type here crosses a boundary (JSON, IPC), so none holds a secret.
//! Enums that are stored in SQLite spell themselves there as they do in JSON (snake_case, via
//! `strum`), and a word that names no variant is an error, never a guess.

use serde::{Deserialize, Serialize};

pub use crate::error::{ErrorCode, ErrorInfo};
pub use input::{NewTokenMeta, TokenPatch};

mod input;

/// How a token is encoded.
#[derive(strum::EnumString, strum::AsRefStr)]
#[strum(serialize_all = "snake_case")]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Format {
    /// JWS compact serialization: `header.payload.signature`.
    Jwt,
    /// JWE compact serialization: five parts, the payload is encrypted.
    Jwe,
    /// Anything else: a random string only its issuer understands.
    Opaque,
}

/// What a token is for, as far as Tokenkeeper can tell.
#[derive(strum::EnumString, strum::AsRefStr)]
#[strum(serialize_all = "snake_case")]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum TokenKind {
    Access,
    Refresh,
    Id,
    Personal,
    ApiKey,
    SystemUser,
    Bot,
    Other,
}

/// Where a token stands at a given instant. Ordered from worst to best, so `min` is the worst.
#[derive(strum::EnumString, strum::AsRefStr)]
#[strum(serialize_all = "snake_case")]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Revoked,
    Expired,
    NotYetValid,
    ExpiringSoon,
    Valid,
    NoExpiry,
}

/// What is known about a token's signature.
#[derive(strum::EnumString, strum::AsRefStr)]
#[strum(serialize_all = "snake_case")]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum SignatureState {
    /// Signed, but checked against nothing: the claims are not trusted.
    Unverified,
    /// `alg: none` or an opaque token: there is no signature to check.
    Unsigned,
    Valid,
    Invalid,
}

/// Where a stored expiry came from, so the UI can say how much to trust it.
#[derive(strum::EnumString, strum::AsRefStr)]
#[strum(serialize_all = "snake_case")]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum ExpirySource {
    Jwt,
    ExpiresIn,
    Provider,
    User,
}

/// The result of looking inside a token without trusting it. The CLI prints exactly these keys.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Inspection {
    pub format: Format,
    /// A catalog id such as `github`, when the token's prefix says so.
    pub provider: Option<String>,
    pub kind: TokenKind,
    pub alg: Option<String>,
    /// The JOSE header (JWT and JWE), unverified.
    #[cfg_attr(feature = "ts", ts(type = "Record<string, unknown> | null"))]
    pub header: Option<serde_json::Value>,
    /// The payload claims (JWT only), unverified.
    #[cfg_attr(feature = "ts", ts(type = "Record<string, unknown> | null"))]
    pub claims: Option<serde_json::Value>,
    /// RFC 3339 UTC.
    pub expires_at: Option<String>,
    pub issued_at: Option<String>,
    pub not_before: Option<String>,
    /// RFC 3339 UTC: the first second at which the token counts as expiring soon.
    pub soon_at: Option<String>,
    /// Scopes the token names (`scope`, `scp` or `scopes`), as the core reads them.
    pub scopes: Vec<String>,
    /// The account or subject the token acts for, most readable claim first.
    pub account: Option<String>,
    pub status: Status,
    pub signature: SignatureState,
    pub warnings: Vec<String>,
}

/// A stored token's metadata: everything but the secret. Lists are made of these.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TokenMeta {
    pub id: String,
    pub provider: String,
    pub name: String,
    pub kind: TokenKind,
    pub format: Format,
    pub scopes: Vec<String>,
    /// The account or subject the token acts for, when known.
    pub account: Option<String>,
    /// RFC 3339 UTC, when the token was added to Tokenkeeper.
    pub created_at: String,
    /// RFC 3339 UTC, when the token's life began (JWT `iat`), if known.
    pub issued_at: Option<String>,
    pub not_before: Option<String>,
    /// RFC 3339 UTC; `null` means it never expires.
    pub expires_at: Option<String>,
    /// RFC 3339 UTC: the first second at which the token counts as expiring soon (computed by
    /// the core from its lifetime). With `not_before`, `expires_at` and `revoked_at` these are
    /// every instant at which `status` changes; clients compare them with their clock.
    pub soon_at: Option<String>,
    pub expiry_source: Option<ExpirySource>,
    pub notes: String,
    pub tags: Vec<String>,
    pub revoked_at: Option<String>,
    pub last_copied_at: Option<String>,
    /// The keyring no longer holds this token's secret (found by the reconciler).
    pub secret_missing: bool,
    /// The token's own reminder lead times in seconds before expiry (and before the rotation
    /// date); `null` uses the app's (Settings), `[]` means no reminders.
    #[cfg_attr(feature = "ts", ts(type = "Array<number> | null"))]
    pub remind: Option<Vec<i64>>,
    /// "Rotate every N seconds": reminds before the rotation date even when the token never
    /// expires.
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub rotate_every_secs: Option<i64>,
    /// RFC 3339 UTC: when the current secret is due for rotation (stored + `rotate_every_secs`).
    pub rotate_at: Option<String>,
    /// Where `scopes` came from (`provider`: a live check; `user`: typed in; `jwt`).
    pub scopes_source: Option<ExpirySource>,
    /// Where `account` came from.
    pub account_source: Option<ExpirySource>,
    /// The API origin this token is checked against when not the catalog's (self-managed
    /// GitLab).
    pub instance_url: Option<String>,
    /// Status at the moment the list was made; clients with a clock compare the instants above.
    pub status: Status,
}

/// Something that happened to a token. The log is append-only.
#[derive(strum::EnumString, strum::AsRefStr)]
#[strum(serialize_all = "snake_case")]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    Added,
    Copied,
    Revealed,
    Refreshed,
    Revoked,
    Notified,
    Edited,
    SecretReplaced,
    SecretMissing,
    /// The secret was readable again after it had been flagged missing.
    SecretFound,
    /// The row was rebuilt from its keyring item by `tokenkeeper recover`.
    Recovered,
    /// A live check asked the provider about it.
    Checked,
    /// A replacement was stored beside it (a rotation).
    Rotated,
    /// The secret was handed out (`tokenkeeper get` or `run`, a credential helper, an export);
    /// the detail says to whom. Copies and reveals are `copied` and `revealed`.
    Accessed,
    /// A tool reported that the token failed (git's `erase`); it is due for a live check.
    Rejected,
    /// A credential helper's binding to a host changed.
    Bound,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TokenEvent {
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub seq: i64,
    pub token_id: String,
    /// RFC 3339 UTC.
    pub at: String,
    pub kind: EventKind,
    /// A short human note; never a secret.
    pub detail: String,
}

/// Everything the detail pane shows about one token.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TokenDetail {
    pub meta: TokenMeta,
    /// The decoded token, when the keyring could be read.
    pub inspection: Option<Inspection>,
    /// Why `inspection` is missing, when it is.
    pub secret_error: Option<ErrorInfo>,
    /// A masked preview such as `ghp_••••••••3f9a` (prefix and last four only).
    pub masked: Option<String>,
    pub events: Vec<TokenEvent>,
    pub reminders: ReminderInfo,
    /// The last live check, if the provider was ever asked.
    pub check: Option<crate::check::CheckReport>,
    /// The catalog guide for this token (its provider's kind), for Generate, Revoke, Rotate.
    pub guide: Option<String>,
    /// What the app can do for it through the provider's API (check, revoke, rotate).
    pub can: crate::providers::Can,
    /// The OAuth sign-in behind it (its refresh token, the grant's state), if any.
    pub grant: Option<crate::oauth::GrantInfo>,
    /// The hosts git's credential helper hands it to (`github.com`, `host/path`).
    pub git_hosts: Vec<String>,
}

/// A token's reminders as the detail pane shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ReminderInfo {
    /// The token has lead times of its own (else the app's from Settings apply).
    pub own: bool,
    /// The leads that apply to this token's expiry after skipping those that do not fit its
    /// lifetime, as typed in the CLI: `14d,3d,1d,1h,0`, or `none`.
    pub leads_text: String,
    /// RFC 3339 UTC: when the next reminder (expiry or rotation) will be sent, if any.
    pub next_at: Option<String>,
}

/// Whether reminders can reach the desktop: the app shows a banner with `message` when not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct NotificationHealth {
    pub ok: bool,
    /// The notification server that answered ("dunst 1.9.0").
    pub server: Option<String>,
    /// What is wrong and what to install, when `ok` is false.
    pub message: Option<String>,
}

/// Payload of the `open-token` event: show this token (a notification's "Open", the tray).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct OpenToken {
    pub token_id: String,
    /// Open the provider's guide to make its replacement (a notification's "Renew…").
    pub renew: bool,
}

/// Health of the secret store, for the app's banner and `tokenkeeper doctor`-style checks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct KeyringHealth {
    pub ok: bool,
    pub error: Option<ErrorInfo>,
}

/// App preferences the UI can change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Settings {
    /// Seconds before a copied token is cleared from the clipboard (5–600).
    pub clipboard_clear_secs: u32,
    /// Reminder lead times in seconds before each expiry (0 = at expiry). Leads longer than
    /// half a token's life are skipped for it.
    #[cfg_attr(feature = "ts", ts(type = "Array<number>"))]
    pub remind_leads_secs: Vec<i64>,
    /// Start Tokenkeeper at login, hidden in the tray. `null` until decided: it turns on with
    /// the first reminder the user sees, unless they turned it off before.
    pub autostart: Option<bool>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            clipboard_clear_secs: 30,
            remind_leads_secs: crate::remind::DEFAULT_LEADS.to_vec(),
            autostart: None,
        }
    }
}

/// Sent to the UI (event `clipboard-cleared`) when a copied token was cleared.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ClipboardCleared {
    pub token_id: String,
}

/// What the UI learns from a copy: never the secret, only when it will be cleared.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CopyReceipt {
    pub clear_after_secs: u32,
}
