//! OAuth 2.0 / OpenID Connect as data and rules: a provider profile, the flows the app offers,
//! where a refresh token's lifetime comes from, when to refresh, how to back off, and what a
//! failure means for the token. The requests themselves are in `tokenkeeper-remote`; the
//! storage in `tokenkeeper-vault`. No I/O, no clock: every function takes `now`.

use serde::{Deserialize, Serialize};

use crate::{Secret, model::ExpirySource};

/// The endpoints of an authorization server: from discovery, or typed in.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Endpoints {
    pub authorization: Option<String>,
    pub token: String,
    pub device_authorization: Option<String>,
    pub revocation: Option<String>,
    pub introspection: Option<String>,
    pub jwks_uri: Option<String>,
}

/// A provider profile: one OAuth client at one authorization server. Tokens from profile `name`
/// are stored as `name/TOKEN_NAME`. The client secret, when there is one, is in the keyring.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Profile {
    pub name: String,
    /// The issuer discovery resolved, or None for endpoints typed in by hand.
    pub issuer: Option<String>,
    pub endpoints: Endpoints,
    pub client_id: String,
    pub has_client_secret: bool,
    /// The server promises `iss` in authorization responses (RFC 9207): a callback without
    /// it is refused.
    #[serde(default)]
    pub iss_required: bool,
    pub scopes: Vec<String>,
    /// Sent as `audience` (Auth0) when set.
    pub audience: Option<String>,
    /// Sent as `resource` (RFC 8707) when set.
    pub resource: Option<String>,
    /// How long a refresh token lives when neither the response nor the token says: the
    /// provider's known policy, as the user stated it.
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub refresh_lifetime_secs: Option<i64>,
    /// The flows this profile can run ([`Flow::available`]), filled in when it is read.
    #[serde(default)]
    pub flows: Vec<Flow>,
}

impl Profile {
    /// The profile with `flows` filled in from what it has.
    pub fn with_flows(mut self) -> Profile {
        self.flows = [Flow::Code, Flow::Device, Flow::ClientCredentials]
            .into_iter()
            .filter(|f| f.available(&self).is_ok())
            .collect();
        self
    }
}

/// The flows the app offers. Implicit and password grants are not among them (OAuth 2.1).
#[derive(strum::EnumString, strum::AsRefStr, strum::Display)]
#[strum(serialize_all = "kebab-case")]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "kebab-case")]
pub enum Flow {
    Code,
    Device,
    ClientCredentials,
}

impl Flow {
    /// Whether the profile has what this flow needs; the reason when not.
    pub fn available(self, p: &Profile) -> Result<(), String> {
        match self {
            Flow::Code if p.endpoints.authorization.is_none() => {
                Err("the server has no authorization endpoint".into())
            }
            Flow::Device if p.endpoints.device_authorization.is_none() => Err(
                "the server has no device authorization endpoint (RFC 8628 not offered)".into(),
            ),
            Flow::ClientCredentials if !p.has_client_secret => Err(
                "client credentials need a confidential client: add the profile with its client secret".into(),
            ),
            _ => Ok(()),
        }
    }
}

/// Where a token stands with its grant, beyond expiry.
#[derive(strum::EnumString, strum::AsRefStr)]
#[strum(serialize_all = "snake_case")]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum GrantState {
    Ok,
    /// The server said `invalid_grant`: only a new sign-in helps; no retry is scheduled.
    SignInAgain,
    /// A refresh failed for a reason that may pass (5xx, 429, timeout); `retry_at` says when.
    Retrying,
    /// The server could not take a revocation; it is tried again at `retry_at`.
    RevocationPending,
}

/// What the app knows about an OAuth token's grant. Never holds a secret.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct GrantInfo {
    /// The grant's access token (the token itself, or the one a refresh token belongs to).
    pub access_id: String,
    pub profile: String,
    pub flow: Flow,
    pub state: GrantState,
    /// One sentence on the last failure, for the user.
    pub detail: Option<String>,
    pub retry_at: Option<String>,
    /// The paired refresh token's id, and when it lapses (None: unknown or never).
    pub refresh_id: Option<String>,
    pub refresh_expires_at: Option<String>,
    pub refresh_expiry_source: Option<ExpirySource>,
    /// When the watcher refreshes the access token (80% of its lifetime).
    pub refresh_at: Option<String>,
    /// The ID token's claims (unverified unless `id_verified`), never the ID token itself.
    #[cfg_attr(feature = "ts", ts(type = "Record<string, unknown> | null"))]
    pub id_claims: Option<serde_json::Value>,
    pub id_verified: bool,
    /// A JWT access token's signature against the issuer's keys, when it was checked.
    pub access_signature: Option<crate::model::SignatureState>,
    /// Refresh can be asked for: a refresh token is held (or the client can ask again), and
    /// the grant has not ended.
    pub can_refresh: bool,
    /// The profile names an introspection endpoint (RFC 7662).
    pub can_introspect: bool,
}

/// A profile as the user enters it: an issuer to discover, or endpoints typed in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ProfileInput {
    pub name: String,
    /// Resolved by discovery; leave empty to give `endpoints` by hand.
    pub issuer: Option<String>,
    /// Used when there is no issuer, and to override what discovery found.
    pub endpoints: Option<Endpoints>,
    pub client_id: String,
    pub scopes: Vec<String>,
    pub audience: Option<String>,
    pub resource: Option<String>,
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub refresh_lifetime_secs: Option<i64>,
}

/// The code the user types in on another device (RFC 8628).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DeviceCode {
    pub user_code: String,
    pub verification_uri: String,
    /// The address with the code in it (for the QR code), when the server gives one.
    pub verification_uri_complete: Option<String>,
}

/// A sign-in under way in the app. It ends with a `login-finished` event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct LoginStarted {
    pub login_id: String,
    pub profile: String,
    pub flow: Flow,
    /// Code flow: the address opened in the system browser (to copy when no browser opened).
    pub authorization_url: Option<String>,
    pub device: Option<DeviceCode>,
    /// When the sign-in gives up waiting.
    pub expires_at: String,
}

/// How a sign-in ended: a stored token, an error, or cancelled.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct LoginFinished {
    pub login_id: String,
    pub token: Option<crate::model::TokenMeta>,
    pub error: Option<crate::error::ErrorInfo>,
    pub cancelled: bool,
}

/// What a token request gave. The secrets are [`Secret`]s from the moment they are read.
pub struct Issued {
    pub access: Secret,
    pub refresh: Option<Secret>,
    pub id_token: Option<Secret>,
    pub expires_in: Option<i64>,
    /// A refresh token's lifetime when the server says (`refresh_expires_in`, Keycloak;
    /// `refresh_token_expires_in`, GitHub and Entra).
    pub refresh_expires_in: Option<i64>,
    /// The scopes granted, when the server says (else those asked for).
    pub scopes: Option<Vec<String>>,
    /// The ID token passed its checks against the issuer's key set.
    pub id_verified: bool,
    /// A JWT access token's signature against the issuer's key set (None: not checked).
    pub access_signature: Option<crate::model::SignatureState>,
}

impl std::fmt::Debug for Issued {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Issued")
            .field("refresh", &self.refresh.is_some())
            .field("id_token", &self.id_token.is_some())
            .field("expires_in", &self.expires_in)
            .finish_non_exhaustive()
    }
}

/// Share of an access token's lifetime after which it is refreshed.
pub const REFRESH_AT_PERCENT: i64 = 80;

/// The soonest a token is refreshed after it was issued.
pub const MIN_REFRESH_SECS: i64 = 10;

/// Transient failures in a row before the watcher stops retrying and says so.
pub const MAX_RETRIES: u32 = 6;

/// When to refresh a token issued at `issued_at` that lapses at `expires_at`: at 80% of its
/// lifetime, and never sooner than [`MIN_REFRESH_SECS`] after it was issued (a server that
/// hands out seconds-long tokens does not get a refresh loop).
pub fn refresh_at(issued_at: i64, expires_at: i64) -> i64 {
    (issued_at + (expires_at - issued_at).max(0) * REFRESH_AT_PERCENT / 100)
        .max(issued_at + MIN_REFRESH_SECS)
}

/// Whether a refresh asked for at `asked_at_ms` is already answered by the grant's last refresh
/// (at `refreshed_at_ms`): one that finished after the caller asked, while it waited for the
/// lock. So the app and any number of CLIs asking at once make one token request (with
/// rotation, a second one on the same refresh token would revoke the whole grant), while a
/// refresh asked for after the last one finished is made.
pub fn refreshed_since(refreshed_at_ms: Option<i64>, asked_at_ms: i64) -> bool {
    refreshed_at_ms.is_some_and(|done| done >= asked_at_ms)
}

/// Whether a token about to be handed to a program should be refreshed first: it is past its
/// refresh point (80% of its lifetime), or has lapsed.
pub fn refresh_before_use(issued_at: Option<i64>, expires_at: Option<i64>, now: i64) -> bool {
    match (issued_at, expires_at) {
        (_, Some(exp)) if now >= exp => true,
        (Some(iat), Some(exp)) => now >= refresh_at(iat, exp),
        _ => false,
    }
}

/// Seconds to wait before retry `attempt` (1-based): exponential from 5 s, capped at 10 min,
/// with jitter (`jitter` in 0..1 from the caller's randomness) so many clients do not retry
/// in step. A server's `Retry-After` wins when it asks for longer.
pub fn backoff_secs(attempt: u32, jitter: f64, retry_after: Option<i64>) -> i64 {
    let base = 5i64
        .saturating_mul(1 << attempt.clamp(1, 8).saturating_sub(1))
        .min(600);
    let jittered = (base as f64 * (0.5 + jitter.clamp(0.0, 1.0) / 2.0)).round() as i64;
    jittered.max(retry_after.unwrap_or(0).min(3600)).max(1)
}

/// How a token endpoint's error bears on the token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// The grant is gone (revoked, expired, reused): sign in again.
    SignInAgain,
    /// Try again later; the current tokens stay.
    Transient,
    /// The request is wrong (client misconfigured): retrying will not help.
    Fatal,
}

/// A token request that failed, as the vault records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failed {
    pub failure: Failure,
    /// One sentence for the user (never a secret).
    pub detail: String,
    pub retry_after: Option<i64>,
}

/// Classifies an OAuth `error` code (RFC 6749 §5.2, RFC 8628 §3.5).
pub fn classify(error: &str) -> Failure {
    match error {
        "invalid_grant" | "expired_token" | "access_denied" => Failure::SignInAgain,
        "temporarily_unavailable" | "server_error" | "slow_down" => Failure::Transient,
        _ => Failure::Fatal,
    }
}

/// The discovery document URLs to try for an issuer: OpenID Connect's, then RFC 8414's
/// (which inserts the well-known segment before the issuer's path).
pub fn discovery_urls(issuer: &str) -> Vec<String> {
    let issuer = issuer.trim_end_matches('/');
    let mut urls = vec![format!("{issuer}/.well-known/openid-configuration")];
    if let Some(scheme_end) = issuer.find("://") {
        let after = &issuer[scheme_end + 3..];
        let (host, path) = after.split_at(after.find('/').unwrap_or(after.len()));
        urls.push(format!(
            "{}://{host}/.well-known/oauth-authorization-server{path}",
            &issuer[..scheme_end]
        ));
    }
    urls
}

/// `prompt=consent` is needed for `offline_access` to be honoured (OIDC Core §11): without it
/// a server may silently drop the scope and issue no refresh token.
pub fn needs_consent_prompt(scopes: &[String]) -> bool {
    scopes.iter().any(|s| s == "offline_access")
}

/// A refresh token's expiry and where it came from: the response's `refresh_expires_in`
/// (or `refresh_token_expires_in`), else the token's own `exp` when it is a JWT, else the
/// profile's stated policy.
pub fn refresh_expiry(
    from_response: Option<i64>,
    from_jwt: Option<i64>,
    policy_secs: Option<i64>,
    now: i64,
) -> Option<(i64, ExpirySource)> {
    from_response
        .filter(|s| *s > 0)
        .map(|s| (now + s, ExpirySource::ExpiresIn))
        .or_else(|| from_jwt.map(|exp| (exp, ExpirySource::Jwt)))
        .or_else(|| {
            policy_secs
                .filter(|s| *s > 0)
                .map(|s| (now + s, ExpirySource::Provider))
        })
}

/// Checks a profile name: it addresses tokens as `name/token`, so it follows provider-id rules
/// and may not shadow a catalog provider.
pub fn validate_profile_name(name: &str) -> Result<(), String> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
        && name.starts_with(|c: char| c.is_ascii_lowercase());
    if !ok {
        return Err(format!(
            "profile name {name:?}: use 1–64 lower-case letters, digits, '-' or '_', starting with a letter"
        ));
    }
    if crate::providers::provider(name).is_some() {
        return Err(format!(
            "{name:?} is a built-in provider; name the profile after the app, e.g. {name}-oauth"
        ));
    }
    Ok(())
}

#[cfg(test)]
#[path = "oauth_tests.rs"]
mod tests;
