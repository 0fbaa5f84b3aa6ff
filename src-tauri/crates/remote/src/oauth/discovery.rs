//! Finding an authorization server's endpoints from its issuer URL: OpenID Connect discovery,
//! then RFC 8414 metadata. The document must name the very issuer asked for (RFC 8414 §3.3),
//! or a server could send the app to someone else's endpoints.

use reqwest::Method;
use serde::Deserialize;
use tokenkeeper_core::oauth::{Endpoints, discovery_urls};

use crate::{
    Error, Result,
    http::{Client, Request, origin},
};

#[derive(Deserialize)]
struct Metadata {
    issuer: String,
    authorization_endpoint: Option<String>,
    token_endpoint: Option<String>,
    device_authorization_endpoint: Option<String>,
    revocation_endpoint: Option<String>,
    introspection_endpoint: Option<String>,
    jwks_uri: Option<String>,
    #[serde(default)]
    authorization_response_iss_parameter_supported: bool,
}

/// What discovery found.
#[derive(Debug, Clone)]
pub struct Discovered {
    pub issuer: String,
    pub endpoints: Endpoints,
    /// The server promises `iss` in every authorization response (RFC 9207).
    pub sends_iss: bool,
}

/// Resolves `issuer` to its endpoints. Every URL must pass the client's origin rule.
pub async fn discover(client: &Client, issuer: &str) -> Result<Discovered> {
    let issuer = issuer.trim().trim_end_matches('/');
    origin(issuer)?;
    let mut last = None;
    for url in discovery_urls(issuer) {
        let o = origin(&url)?;
        let path = &url[o.base.len()..];
        let answer = match client.send(&o, Request::new(Method::GET, &o, path)).await {
            Ok(a) => a,
            Err(e) => {
                last = Some(e);
                continue;
            }
        };
        if !answer.status.is_success() {
            last = Some(Error::Rejected(format!(
                "{url} answered {}",
                answer.status.as_u16()
            )));
            continue;
        }
        let meta: Metadata = serde_json::from_slice(&answer.body)
            .map_err(|e| Error::Rejected(format!("{url} is not a discovery document: {e}")))?;
        if meta.issuer.trim_end_matches('/') != issuer {
            return Err(Error::Rejected(format!(
                "{url} names the issuer {:?}, not {issuer:?}: refused (RFC 8414 §3.3)",
                meta.issuer
            )));
        }
        let token = meta
            .token_endpoint
            .ok_or_else(|| Error::Rejected(format!("{url} names no token endpoint")))?;
        let endpoints = Endpoints {
            authorization: meta.authorization_endpoint,
            token,
            device_authorization: meta.device_authorization_endpoint,
            revocation: meta.revocation_endpoint,
            introspection: meta.introspection_endpoint,
            jwks_uri: meta.jwks_uri,
        };
        for u in endpoint_urls(&endpoints) {
            origin(u)?;
        }
        return Ok(Discovered {
            issuer: meta.issuer.trim_end_matches('/').to_owned(),
            endpoints,
            sends_iss: meta.authorization_response_iss_parameter_supported,
        });
    }
    Err(last.unwrap_or_else(|| Error::Refused(format!("{issuer} is not a URL"))))
}

/// Every endpoint URL a profile holds.
pub fn endpoint_urls(e: &Endpoints) -> impl Iterator<Item = &str> {
    [
        e.authorization.as_deref(),
        Some(e.token.as_str()),
        e.device_authorization.as_deref(),
        e.revocation.as_deref(),
        e.introspection.as_deref(),
        e.jwks_uri.as_deref(),
    ]
    .into_iter()
    .flatten()
}
