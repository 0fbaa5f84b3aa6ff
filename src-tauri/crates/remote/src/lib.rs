//! tokenkeeper-remote: everything that talks to an issuer over HTTP — provider checks,
//! revokes and rotations (one adapter per provider API the catalog names), and the key sets
//! `tokenkeeper verify` checks signatures against. One client ([`http::Client`]): reqwest on
//! rustls and tokio, bounded in time and size. It depends on the core, never on the vault or
//! a GUI.

mod adapters;
pub mod http;
mod jwks;
pub mod oauth;

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
    /// An OAuth server's error answer: `code` is its `error` (`invalid_grant`, ...), for
    /// [`tokenkeeper_core::oauth::classify`].
    #[error("{description}")]
    OAuth { code: String, description: String },
    /// The server could not answer now (5xx, 429, a timeout, no connection): keep what is
    /// stored and try again, after `retry_after` seconds when it said.
    #[error("{message}")]
    Unavailable {
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

/// A stored token as the provider API needs to know it.
pub struct Held<'a> {
    pub provider: &'a str,
    pub kind: TokenKind,
    /// The token's own API origin (a self-managed GitLab), if not the catalog's.
    pub instance: Option<&'a str>,
    pub secret: &'a Secret,
    /// The expiry the vault knows.
    pub stored_expiry: Option<i64>,
    /// When the current secret was stored: a rotation keeps the lifetime it had.
    pub secret_set_at: i64,
}

/// What the app may ask a provider's API to do with a token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Act {
    Check,
    Revoke,
    Rotate,
}

impl Held<'_> {
    fn ask(&self, now: i64) -> Ask<'_> {
        Ask {
            secret: self.secret,
            kind: self.kind,
            stored_expiry: self.stored_expiry,
            now,
        }
    }

    /// Whether the catalog says the provider's API can do `act` for this kind of token (the
    /// guide its prefix or kind names).
    pub fn supports(&self, act: Act) -> bool {
        let can = providers::guide_for(self.provider, self.kind, Some(self.secret.expose()))
            .map(|g| g.can)
            .unwrap_or_default();
        providers::api(self.provider).is_some()
            && match act {
                Act::Check => can.check,
                Act::Revoke => can.revoke,
                Act::Rotate => can.rotate,
            }
    }

    /// The API and checked origin for `act`, when [`Held::supports`] it.
    fn target(&self, act: Act) -> Result<(&'static Api, Origin)> {
        let name = providers::display_name(self.provider);
        let api = providers::api(self.provider)
            .filter(|_| self.supports(act))
            .ok_or_else(|| {
                Error::Unsupported(match act {
                    Act::Check => {
                        format!("Tokenkeeper cannot ask {name} about this kind of token")
                    }
                    Act::Revoke => format!(
                        "{name} offers no API to revoke this token: revoke it on its page, then \
                         mark it revoked"
                    ),
                    Act::Rotate => format!(
                        "{name} offers no API to rotate this token: make a new one with its \
                         guide and replace this one"
                    ),
                })
            })?;
        Ok((api, base_for(api, self.instance)?))
    }
}

/// Asks the provider about a stored token. A provider the app cannot ask is an `unsupported`
/// finding; only a base URL Tokenkeeper refuses (plain http to a remote host) is an error.
pub async fn check_held(client: &Client, held: &Held<'_>, now: i64) -> Result<Finding> {
    use tokenkeeper_core::check::CheckState;
    match held.target(Act::Check) {
        Ok((api, origin)) => Ok(check(client, api, &origin, &held.ask(now)).await),
        Err(Error::Unsupported(m)) => Ok(Finding::new(CheckState::Unsupported, m)),
        Err(e) => Err(e),
    }
}

/// Revokes a stored token through its provider's API.
pub async fn revoke_held(client: &Client, held: &Held<'_>, now: i64) -> Result<Revoked> {
    let (api, origin) = held.target(Act::Revoke)?;
    revoke(client, api, &origin, &held.ask(now)).await
}

/// Asks the provider for a replacement of a stored token, with the lifetime it had.
pub async fn rotate_held(client: &Client, held: &Held<'_>, now: i64) -> Result<Rotated> {
    let (api, origin) = held.target(Act::Rotate)?;
    let lifetime = held
        .stored_expiry
        .map(|e| e - held.secret_set_at)
        .filter(|l| *l > 0);
    rotate(
        client,
        api,
        &origin,
        &held.ask(now),
        lifetime.map(|l| now + l),
    )
    .await
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
