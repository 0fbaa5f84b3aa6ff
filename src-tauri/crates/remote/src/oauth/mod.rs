//! OAuth 2.0 / OpenID Connect against any server a profile names: authorization code + PKCE
//! S256 through the system browser and a one-shot loopback listener, the device authorization
//! grant (RFC 8628), client credentials, refresh, revocation (RFC 7009) and introspection
//! (RFC 7662). The protocol is the `oauth2` crate's; every request goes through the one HTTP
//! client ([`wire`]). What a failure means for a token is core's rule
//! ([`tokenkeeper_core::oauth::classify`]). Implicit and password grants are not offered.

mod discovery;
mod flows;
pub mod keys;
pub mod listener;
mod wire;

pub use discovery::{Discovered, discover, endpoint_urls};
pub use flows::{
    PendingCode, PendingDevice, client_credentials, introspect, refresh, revoke, start_code,
    start_device,
};

use oauth2::{
    ExtraTokenFields, RequestTokenError, StandardTokenResponse, TokenResponse,
    basic::BasicTokenType,
};
use serde::{Deserialize, Serialize};
use tokenkeeper_core::Secret;

pub use tokenkeeper_core::oauth::Issued as Grant;

use crate::Error;

/// A string the `oauth2` crate deserialises for us that must never show in a `Debug`.
#[derive(Clone, Deserialize, Serialize)]
#[serde(transparent)]
pub struct Hidden(String);

impl std::fmt::Debug for Hidden {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("[redacted]")
    }
}

/// The token response fields beyond RFC 6749's that the app reads.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Extra {
    id_token: Option<Hidden>,
    refresh_expires_in: Option<i64>,
    refresh_token_expires_in: Option<i64>,
}

impl ExtraTokenFields for Extra {}

pub type TokenAnswer = StandardTokenResponse<Extra, BasicTokenType>;

/// The app's view of a token answer.
pub(crate) fn grant(t: TokenAnswer) -> Grant {
    {
        let extra = t.extra_fields().clone();
        Grant {
            access: Secret::new(t.access_token().secret().clone()),
            refresh: t.refresh_token().map(|r| Secret::new(r.secret().clone())),
            id_token: extra.id_token.map(|h| Secret::new(h.0)),
            expires_in: t
                .expires_in()
                .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX)),
            refresh_expires_in: extra.refresh_expires_in.or(extra.refresh_token_expires_in),
            scopes: t
                .scopes()
                .map(|s| s.iter().map(|s| s.to_string()).collect()),
            id_verified: false,
            access_signature: None,
        }
    }
}

/// Turns an `oauth2` failure into the app's words. Never includes a response body.
pub(crate) fn failed<T>(what: &str, e: RequestTokenError<wire::Wire, T>) -> Error
where
    T: oauth2::ErrorResponse + ErrorWords + 'static,
{
    match e {
        RequestTokenError::ServerResponse(r) => {
            let (code, description) = r.words();
            let detail = description.map(|d| format!(" ({d})")).unwrap_or_default();
            Error::OAuth {
                description: format!("{what}: the server answered {code}{detail}"),
                code,
            }
        }
        RequestTokenError::Request(w) => w.into(),
        RequestTokenError::Parse(e, _body) => Error::Rejected(format!(
            "{what}: the server's answer could not be read (at `{}`)",
            e.path()
        )),
        RequestTokenError::Other(m) => Error::Rejected(format!("{what}: {m}")),
    }
}

/// An error response's `error` and `error_description`.
pub(crate) trait ErrorWords {
    fn words(&self) -> (String, Option<String>);
}

impl<T: oauth2::ErrorResponseType + AsRef<str>> ErrorWords for oauth2::StandardErrorResponse<T> {
    fn words(&self) -> (String, Option<String>) {
        (
            self.error().as_ref().to_owned(),
            self.error_description().cloned(),
        )
    }
}

/// Renews a grant: with its refresh token when it has one, else (client credentials) by
/// asking again.
pub async fn renew(
    client: &crate::Client,
    p: &tokenkeeper_core::oauth::Profile,
    secret: Option<&Secret>,
    refresh_token: Option<&Secret>,
) -> crate::Result<Grant> {
    match (refresh_token, secret) {
        (Some(r), _) => refresh(client, p, secret, r).await,
        (None, Some(s)) => client_credentials(client, p, s).await,
        (None, None) => Err(Error::OAuth {
            code: "invalid_grant".into(),
            description: "No refresh token is stored for this sign-in".into(),
        }),
    }
}

/// What a failed request means for the token (core's rule on the server's `error` word).
pub fn failure_of(e: &Error) -> tokenkeeper_core::oauth::Failed {
    use tokenkeeper_core::oauth::{Failed, Failure, classify};
    let (failure, retry_after) = match e {
        Error::OAuth { code, .. } => (classify(code), None),
        Error::Unavailable { retry_after, .. } => (Failure::Transient, *retry_after),
        Error::RateLimited { retry_after, .. } => (Failure::Transient, *retry_after),
        Error::Network(_) => (Failure::Transient, None),
        _ => (Failure::Fatal, None),
    };
    Failed {
        failure,
        detail: e.to_string(),
        retry_after,
    }
}
