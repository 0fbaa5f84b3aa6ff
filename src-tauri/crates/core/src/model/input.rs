//! What a user types to add a token or change one, as the CLI and the app's forms send it.

use serde::Deserialize;

use super::TokenKind;

/// What a user supplies to add a token. Fields left `None` are filled from inspection.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields = nullable))]
pub struct NewTokenMeta {
    pub provider: Option<String>,
    pub name: String,
    pub kind: Option<TokenKind>,
    pub scopes: Option<Vec<String>>,
    pub account: Option<String>,
    /// RFC 3339; overrides what the token says.
    pub expires_at: Option<String>,
    pub notes: Option<String>,
    pub tags: Option<Vec<String>>,
    /// Reminder lead times in seconds; `None` uses the app's.
    #[cfg_attr(feature = "ts", ts(type = "Array<number> | null", optional))]
    pub remind: Option<Vec<i64>>,
    /// Seconds between rotations; `None` takes the provider's proposal, if it has one.
    #[cfg_attr(feature = "ts", ts(type = "number | null", optional))]
    pub rotate_every_secs: Option<i64>,
    /// The API origin for a self-managed instance (`https://gitlab.example.com`).
    #[cfg_attr(feature = "ts", ts(optional))]
    pub instance_url: Option<String>,
}

/// An edit of a stored token's metadata. `None` leaves a field as it is.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields = nullable))]
pub struct TokenPatch {
    pub provider: Option<String>,
    pub name: Option<String>,
    pub kind: Option<TokenKind>,
    pub scopes: Option<Vec<String>>,
    pub account: Option<String>,
    /// `Some(None)` clears the expiry (never expires); `Some(Some(t))` sets it.
    #[serde(default, deserialize_with = "double_option")]
    #[cfg_attr(feature = "ts", ts(type = "string | null", optional))]
    pub expires_at: Option<Option<String>>,
    pub notes: Option<String>,
    pub tags: Option<Vec<String>>,
    /// `Some(None)` goes back to the app's lead times; `Some(Some([]))` turns reminders off.
    #[serde(default, deserialize_with = "double_option")]
    #[cfg_attr(feature = "ts", ts(type = "Array<number> | null", optional))]
    pub remind: Option<Option<Vec<i64>>>,
    /// `Some(None)` drops the rotation policy.
    #[serde(default, deserialize_with = "double_option")]
    #[cfg_attr(feature = "ts", ts(type = "number | null", optional))]
    pub rotate_every_secs: Option<Option<i64>>,
    /// `Some(None)` goes back to the catalog's API origin.
    #[serde(default, deserialize_with = "double_option")]
    #[cfg_attr(feature = "ts", ts(type = "string | null", optional))]
    pub instance_url: Option<Option<String>>,
    /// Replaces the hosts git's credential helper hands this token to (`github.com`, or
    /// `host/path` for repositories under a path); `Some([])` unbinds it.
    #[cfg_attr(feature = "ts", ts(optional))]
    pub git_hosts: Option<Vec<String>>,
}

fn double_option<'de, D, T>(de: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(de).map(Some)
}
