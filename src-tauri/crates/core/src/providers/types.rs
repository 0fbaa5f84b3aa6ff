//! The catalog's data as the UI and CLI see it: a provider, its API, and one guide per kind of
//! token (shapes, lifetimes with their sources, steps, what the API can do); and the links the
//! app may open, named by where they are in the catalog rather than by URL.

use serde::{Deserialize, Serialize};

use crate::model::TokenKind;

/// A provider as the UI and CLI see it: its file from the catalog, as it is, plus the figures
/// older clients read (`kinds`, `prefixes`, the first guide's links and default lifetime).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ProviderInfo {
    pub id: String,
    pub name: String,
    pub kinds: Vec<TokenKind>,
    pub prefixes: Vec<String>,
    pub default_lifetime_days: Option<u32>,
    pub create_url: Option<String>,
    pub revoke_url: Option<String>,
    pub docs_url: Option<String>,
    /// The provider's HTTP API, when the app can ask it about a token.
    pub api: Option<Api>,
    /// One per kind of token it issues, in the order the wizard lists them.
    pub guides: Vec<Guide>,
}

/// A provider's API as the catalog describes it. The code that speaks it is the `adapter` in
/// tokenkeeper-remote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct Api {
    pub adapter: Adapter,
    /// The API's origin (`https://api.github.com`).
    pub base_url: String,
    /// The environment variable that replaces `base_url` (tests, self-hosted instances).
    pub base_env: String,
    pub docs_url: String,
    /// It also runs as self-managed instances at origins of their own: a token's instance URL
    /// then replaces `base_url` (and names the git host).
    #[serde(default)]
    pub self_managed: bool,
}

/// How git reaches a provider over HTTPS: its host, and the username its docs say to send with
/// a token (git's Basic auth needs one; the token is the password).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GitLogin {
    pub host: String,
    pub username: String,
    pub source: Option<String>,
}

/// Which provider API an adapter in tokenkeeper-remote speaks.
#[derive(strum::EnumString, strum::AsRefStr)]
#[strum(serialize_all = "snake_case")]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Adapter {
    Github,
    Gitlab,
    Meta,
    Slack,
    Npm,
}

/// How to make, check and revoke one kind of a provider's tokens.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct Guide {
    pub id: String,
    pub name: String,
    pub kind: TokenKind,
    #[serde(default)]
    pub summary: Option<String>,
    pub shapes: Vec<Shape>,
    pub lifetime: GuideLifetime,
    #[serde(default)]
    pub rotate_every_days: Option<u32>,
    pub create_url: Option<String>,
    pub revoke_url: Option<String>,
    pub facts: Vec<String>,
    pub steps: Vec<Step>,
    pub revoke_steps: Vec<Step>,
    pub can: Can,
}

/// How a token of one kind looks: enough to catch a wrong or truncated paste.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct Shape {
    pub prefix: String,
    pub kind: TokenKind,
    /// Whole token, prefix included.
    #[serde(default)]
    pub min_length: Option<u32>,
    #[serde(default)]
    pub max_length: Option<u32>,
    #[serde(default)]
    pub alphabet: Option<Alphabet>,
    #[serde(default)]
    pub checksum: Option<Checksum>,
    #[serde(default)]
    pub source: Option<String>,
}

/// The characters a token may hold after its prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Alphabet {
    Base62,
    Base62Underscore,
    Base64url,
    Hex,
    AlnumDash,
    Printable,
}

/// A checksum a token format documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Checksum {
    /// GitHub's and npm's: CRC32 of the random part, base62 (`0-9A-Za-z`), the last six
    /// characters.
    Crc32Base62Last6,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct GuideLifetime {
    pub default: Figure,
    pub max: Figure,
    /// Lifetimes the wizard offers, in days; 0 means no expiry.
    pub choices_days: Vec<u32>,
}

/// A lifetime with the page that states it. `days: None` (and no `hours`) means none: no
/// expiry by default, or no maximum.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct Figure {
    #[serde(default)]
    pub days: Option<u32>,
    #[serde(default)]
    pub hours: Option<u32>,
    pub source: String,
}

impl Figure {
    /// The lifetime in seconds, `None` when there is none.
    pub fn secs(&self) -> Option<i64> {
        match (self.hours, self.days) {
            (Some(h), _) => Some(i64::from(h) * 3_600),
            (None, Some(d)) => Some(i64::from(d) * 86_400),
            (None, None) => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct Step {
    pub text: String,
    /// The choice that matters at this step and what to pick.
    #[serde(default)]
    pub choice: Option<String>,
    #[serde(default)]
    pub url: Option<String>,
}

/// What the app can do for a kind of token through the provider's API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct Can {
    pub check: bool,
    pub revoke: bool,
    pub rotate: bool,
}

/// Which of a provider's pages a link opens.
#[derive(strum::EnumString, strum::AsRefStr)]
#[strum(serialize_all = "snake_case")]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum LinkKind {
    /// Where a token is made (the guide's, else the provider's first guide's).
    Create,
    /// Where a token is revoked.
    Revoke,
    /// The provider's page about its tokens.
    Docs,
    /// The page of a guide's generate step (`step` is its index).
    Step,
    /// The page of a guide's revoke step.
    RevokeStep,
    /// The page that states a guide's default lifetime.
    DefaultSource,
    /// The page that states a guide's maximum lifetime.
    MaxSource,
}

/// A link the UI asks the shell to open: never a URL, only where to find one in the catalog.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields = nullable))]
pub struct LinkRef {
    pub provider: String,
    pub kind: LinkKind,
    /// A guide id; `None` means the provider's first guide.
    #[serde(default)]
    pub guide: Option<String>,
    #[serde(default)]
    pub step: Option<u32>,
}

impl LinkRef {
    pub fn page(provider: &str, kind: LinkKind) -> LinkRef {
        LinkRef {
            provider: provider.to_owned(),
            kind,
            guide: None,
            step: None,
        }
    }
}
