//! tokenkeeper-remote: everything that talks to an issuer over HTTP — provider checks,
//! revokes and rotations (one adapter per provider API the catalog names), and the key sets
//! `tokenkeeper verify` checks signatures against. One client ([`http::Client`]): reqwest on
//! rustls and tokio, bounded in time and size. It depends on the core, never on the vault or
//! a GUI.

mod adapters;
pub mod http;
mod jwks;

use tokenkeeper_core::{
    Secret,
    check::Finding,
    model::TokenKind,
    providers::{self, Adapter, Api},
};

pub use http::{Client, Origin};
pub use jwks::load_jwks;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Core(#[from] tokenkeeper_core::Error),
    /// The provider could not be reached, or answered in a way no adapter understands.
    #[error("{0}")]
    Network(String),
    /// Tokenkeeper will not send this request (plain http to a remote host, a bad URL).
    #[error("{0}")]
    Refused(String),
    /// The provider answered no (the token is not accepted, the request is wrong).
    #[error("{0}")]
    Rejected(String),
    #[error("{message}")]
    RateLimited {
        message: String,
        retry_after: Option<i64>,
    },
    /// The app cannot do this for this provider or kind of token.
    #[error("{0}")]
    Unsupported(String),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What an adapter is told about the token it acts on.
pub struct Ask<'a> {
    pub secret: &'a Secret,
    pub kind: TokenKind,
    /// The expiry the vault knows, to tell "expired" from "revoked" where the provider says
    /// only "not accepted".
    pub stored_expiry: Option<i64>,
    pub now: i64,
}

/// A programmatic revocation the provider confirmed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revoked {
    /// One human sentence ("GitHub accepted the revocation").
    pub detail: String,
}

/// A replacement a provider issued. The provider may already have revoked the old token
/// (GitLab's rotate does), so the caller stores this before anything else.
pub struct Rotated {
    pub secret: Secret,
    pub expires_at: Option<i64>,
    pub detail: String,
}

/// The checked origin of a provider's API: the environment override (`TOKENKEEPER_API_BASE_*`)
/// first, then the token's own instance (a self-managed GitLab), then the catalog's.
pub fn base_for(api: &Api, instance: Option<&str>) -> Result<Origin> {
    let env = std::env::var(&api.base_env)
        .ok()
        .filter(|v| !v.trim().is_empty());
    let chosen = env
        .as_deref()
        .or(instance.filter(|i| !i.trim().is_empty()))
        .unwrap_or(&api.base_url);
    http::origin(chosen.trim())
}

/// The provider's API, or why the app cannot ask it.
pub fn api_of(provider: &str) -> Result<&'static Api> {
    providers::api(provider).ok_or_else(|| {
        Error::Unsupported(format!(
            "Tokenkeeper cannot ask {} about tokens: it has no API for that",
            providers::display_name(provider)
        ))
    })
}

/// The API and checked origin to ask about a token of `provider` (on `instance`, when set).
pub fn target(provider: &str, instance: Option<&str>) -> Result<(&'static Api, Origin)> {
    let api = api_of(provider)?;
    Ok((api, base_for(api, instance)?))
}

/// Asks the provider about a token. Never fails: what went wrong is the finding's state
/// (`unreachable`, `rate_limited`, `unsupported`) and detail.
pub async fn check(client: &Client, api: &Api, origin: &Origin, ask: &Ask<'_>) -> Finding {
    use tokenkeeper_core::check::CheckState;
    let result = match api.adapter {
        Adapter::Github => adapters::github::check(client, origin, ask).await,
        Adapter::Gitlab => adapters::gitlab::check(client, origin, ask).await,
        Adapter::Meta => adapters::meta::check(client, origin, ask).await,
        Adapter::Slack => adapters::slack::check(client, origin, ask).await,
        Adapter::Npm => adapters::npm::check(client, origin, ask).await,
    };
    result.unwrap_or_else(|e| match e {
        Error::RateLimited {
            message,
            retry_after,
        } => Finding {
            retry_after,
            ..Finding::new(CheckState::RateLimited, message)
        },
        Error::Unsupported(m) => Finding::new(CheckState::Unsupported, m),
        other => Finding::new(CheckState::Unreachable, other.to_string()),
    })
}

/// Revokes a token through the provider's API.
pub async fn revoke(client: &Client, api: &Api, origin: &Origin, ask: &Ask<'_>) -> Result<Revoked> {
    match api.adapter {
        Adapter::Github => adapters::github::revoke(client, origin, ask).await,
        Adapter::Gitlab => adapters::gitlab::revoke(client, origin, ask).await,
        Adapter::Meta => adapters::meta::revoke(client, origin, ask).await,
        Adapter::Slack => adapters::slack::revoke(client, origin, ask).await,
        Adapter::Npm => adapters::npm::revoke(client, origin, ask).await,
    }
}

/// Asks the provider for a replacement token, where it offers that (GitLab).
pub async fn rotate(
    client: &Client,
    api: &Api,
    origin: &Origin,
    ask: &Ask<'_>,
    expires_at: Option<i64>,
) -> Result<Rotated> {
    match api.adapter {
        Adapter::Gitlab => adapters::gitlab::rotate(client, origin, ask, expires_at).await,
        other => Err(Error::Unsupported(format!(
            "{} offers no API to rotate a token; make a new one with the guide and replace \
             this one",
            match other {
                Adapter::Github => "GitHub",
                Adapter::Meta => "Meta",
                Adapter::Slack => "Slack",
                Adapter::Npm => "npm",
                Adapter::Gitlab => "GitLab",
            }
        ))),
    }
}
