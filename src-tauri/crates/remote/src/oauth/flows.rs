//! The flows and token requests, one function each. Every one takes the profile and, for a
//! confidential client, its secret from the keyring; none stores anything (the vault does).

use std::time::Duration;

use oauth2::{
    AuthUrl, AuthorizationCode, ClientId, ClientSecret, CsrfToken, DeviceAuthorizationUrl,
    EndpointNotSet, EndpointSet, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, RefreshToken,
    Scope, StandardDeviceAuthorizationResponse, StandardRevocableToken, TokenUrl,
    basic::{BasicErrorResponse, BasicRevocationErrorResponse, BasicTokenIntrospectionResponse},
};
use reqwest::Method;
use tokenkeeper_core::{
    Secret,
    oauth::{Profile, needs_consent_prompt},
};
use zeroize::Zeroizing;

use super::{
    Grant, TokenAnswer, failed,
    listener::{Expect, Listener},
    wire,
};
use crate::{
    Error, Result,
    http::{Client, Request, origin, percent},
};

type OAuth<A = EndpointNotSet, D = EndpointNotSet, R = EndpointNotSet> = oauth2::Client<
    BasicErrorResponse,
    TokenAnswer,
    BasicTokenIntrospectionResponse,
    StandardRevocableToken,
    BasicRevocationErrorResponse,
    A,
    D,
    EndpointNotSet,
    R,
    EndpointSet,
>;

fn bad_url(what: &str) -> impl Fn(url::ParseError) -> Error + '_ {
    move |e| Error::Refused(format!("The profile's {what} is not a URL: {e}"))
}

/// The app's view of a token answer, its JWTs checked against the issuer's keys.
async fn checked(client: &Client, p: &Profile, answer: TokenAnswer) -> Result<Grant> {
    let mut g = super::grant(answer);
    super::keys::check(client, p, &mut g, chrono::Utc::now().timestamp()).await?;
    Ok(g)
}

/// A client for the profile's token endpoint, with the client secret when there is one.
fn base(p: &Profile, secret: Option<&Secret>) -> Result<OAuth> {
    origin(&p.endpoints.token)?;
    let token = TokenUrl::new(p.endpoints.token.clone()).map_err(bad_url("token endpoint"))?;
    let mut c = oauth2::Client::new(ClientId::new(p.client_id.clone())).set_token_uri(token);
    if let Some(s) = secret {
        c = c.set_client_secret(ClientSecret::new(s.expose().to_owned()));
    }
    Ok(c)
}

fn scopes(p: &Profile) -> impl Iterator<Item = Scope> + '_ {
    p.scopes.iter().map(|s| Scope::new(s.clone()))
}

/// `audience` and `resource`, for the requests that take them.
fn targets(p: &Profile) -> Vec<(&'static str, String)> {
    let mut v = Vec::new();
    if let Some(a) = &p.audience {
        v.push(("audience", a.clone()));
    }
    if let Some(r) = &p.resource {
        v.push(("resource", r.clone()));
    }
    v
}

/// An authorization-code sign-in waiting for the browser to come back.
pub struct PendingCode {
    /// The URL to open in the system browser. Holds the PKCE challenge and `state`, never a
    /// secret: the verifier stays here.
    pub url: String,
    listener: Listener,
    verifier: PkceCodeVerifier,
    state: CsrfToken,
}

/// Starts an authorization-code sign-in: PKCE S256, a fresh `state`, and the loopback
/// listener the server redirects to.
pub async fn start_code(p: &Profile) -> Result<PendingCode> {
    let auth = p.endpoints.authorization.as_deref().ok_or_else(|| {
        Error::Unsupported(format!(
            "{}: the server has no authorization endpoint",
            p.name
        ))
    })?;
    origin(auth)?;
    let listener = Listener::bind().await?;
    let c = base(p, None)?
        .set_auth_uri(AuthUrl::new(auth.to_owned()).map_err(bad_url("authorization endpoint"))?)
        .set_redirect_uri(
            RedirectUrl::new(listener.redirect_uri.clone()).map_err(bad_url("redirect"))?,
        );
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let mut req = c
        .authorize_url(CsrfToken::new_random)
        .add_scopes(scopes(p))
        .set_pkce_challenge(challenge);
    if needs_consent_prompt(&p.scopes) {
        req = req.add_extra_param("prompt", "consent");
    }
    for (k, v) in targets(p) {
        req = req.add_extra_param(k, v);
    }
    let (url, state) = req.url();
    Ok(PendingCode {
        url: url.to_string(),
        listener,
        verifier,
        state,
    })
}

impl PendingCode {
    /// Where the browser must come back to.
    pub fn redirect_uri(&self) -> &str {
        &self.listener.redirect_uri
    }

    /// Waits for the browser (at most `timeout`), checks the callback, then exchanges the
    /// code. A refused callback makes no token request.
    pub async fn finish(
        self,
        client: &Client,
        p: &Profile,
        secret: Option<&Secret>,
        timeout: Duration,
    ) -> Result<Grant> {
        let redirect = self.listener.redirect_uri.clone();
        let expect = Expect {
            state: self.state.secret(),
            issuer: p.issuer.as_deref(),
            iss_required: p.iss_required,
        };
        let callback = self.listener.accept(&expect, timeout).await?;
        let c = base(p, secret)?
            .set_redirect_uri(RedirectUrl::new(redirect).map_err(bad_url("redirect"))?);
        let mut req = c
            .exchange_code(AuthorizationCode::new(callback.code.to_string()))
            .set_pkce_verifier(self.verifier);
        for (k, v) in targets(p) {
            req = req.add_extra_param(k, v);
        }
        let http = wire::http(client);
        let answer = req
            .request_async(&http)
            .await
            .map_err(|e| failed("Exchanging the sign-in code", e))?;
        checked(client, p, answer).await
    }
}

/// A device sign-in waiting for the user to enter the code elsewhere.
pub struct PendingDevice {
    pub user_code: String,
    pub verification_uri: String,
    pub verification_uri_complete: Option<String>,
    pub expires_in: Duration,
    pub interval: Duration,
    details: StandardDeviceAuthorizationResponse,
}

/// Asks for a device code (RFC 8628 §3.1).
pub async fn start_device(
    client: &Client,
    p: &Profile,
    secret: Option<&Secret>,
) -> Result<PendingDevice> {
    let url = p.endpoints.device_authorization.as_deref().ok_or_else(|| {
        Error::Unsupported(format!(
            "{}: the server offers no device sign-in (RFC 8628)",
            p.name
        ))
    })?;
    origin(url)?;
    let c = base(p, secret)?.set_device_authorization_url(
        DeviceAuthorizationUrl::new(url.to_owned()).map_err(bad_url("device endpoint"))?,
    );
    let mut req = c.exchange_device_code().add_scopes(scopes(p));
    for (k, v) in targets(p) {
        req = req.add_extra_param(k, v);
    }
    let http = wire::http(client);
    let details: StandardDeviceAuthorizationResponse = req
        .request_async(&http)
        .await
        .map_err(|e| failed("Asking for a device code", e))?;
    Ok(PendingDevice {
        user_code: details.user_code().secret().clone(),
        verification_uri: details.verification_uri().to_string(),
        verification_uri_complete: details
            .verification_uri_complete()
            .map(|u| u.secret().clone()),
        expires_in: details.expires_in(),
        interval: details.interval(),
        details,
    })
}

impl PendingDevice {
    /// Polls the token endpoint until the user approves, denies or the code expires:
    /// `authorization_pending` waits `interval` (5 s when the server names none), `slow_down`
    /// adds 5 s from then on (RFC 8628 §3.5).
    pub async fn finish(
        self,
        client: &Client,
        p: &Profile,
        secret: Option<&Secret>,
    ) -> Result<Grant> {
        let c = base(p, secret)?;
        let http = wire::http(client);
        let answer = c
            .exchange_device_access_token(&self.details)
            .request_async(&http, tokio::time::sleep, Some(self.expires_in))
            .await
            .map_err(|e| failed("Waiting for the device sign-in", e))?;
        checked(client, p, answer).await
    }
}

/// The client credentials grant: the client's own token, no user.
pub async fn client_credentials(client: &Client, p: &Profile, secret: &Secret) -> Result<Grant> {
    let c = base(p, Some(secret))?;
    let mut req = c.exchange_client_credentials().add_scopes(scopes(p));
    for (k, v) in targets(p) {
        req = req.add_extra_param(k, v);
    }
    let http = wire::http(client);
    let answer = req
        .request_async(&http)
        .await
        .map_err(|e| failed("Asking for a client token", e))?;
    checked(client, p, answer).await
}

/// Exchanges a refresh token. The caller keeps the old refresh token until the new one (if
/// any) is stored.
pub async fn refresh(
    client: &Client,
    p: &Profile,
    secret: Option<&Secret>,
    refresh: &Secret,
) -> Result<Grant> {
    let c = base(p, secret)?;
    let token = RefreshToken::new(refresh.expose().to_owned());
    let mut req = c.exchange_refresh_token(&token);
    if let Some(r) = &p.resource {
        req = req.add_extra_param("resource", r.clone());
    }
    let http = wire::http(client);
    let answer = req
        .request_async(&http)
        .await
        .map_err(|e| failed("Refreshing", e))?;
    checked(client, p, answer).await
}

/// Revokes a token (RFC 7009). Ok means the server accepted it (200, also for a token it
/// did not know), or cannot revoke this JWT access token (`unsupported_token_type`). A 503 is
/// [`Error::Unavailable`]: keep the token and try again later. Sent by the app's own client,
/// not the `oauth2` crate's, which refuses a plain-http endpoint even on loopback.
pub async fn revoke(
    client: &Client,
    p: &Profile,
    secret: Option<&Secret>,
    token: &Secret,
    is_refresh: bool,
) -> Result<()> {
    let url = p.endpoints.revocation.as_deref().ok_or_else(|| {
        Error::Unsupported(format!(
            "{}: the server has no revocation endpoint (RFC 7009)",
            p.name
        ))
    })?;
    let hint = if is_refresh {
        "refresh_token"
    } else {
        "access_token"
    };
    match form_post(client, p, secret, url, token, hint).await {
        Ok(_) => Ok(()),
        // Many servers cannot revoke a JWT access token (RFC 7009 §2.2.1); it lapses on its
        // own, and revoking the grant's refresh token ended the grant.
        Err(Error::OAuth { code, .. }) if code == "unsupported_token_type" && !is_refresh => Ok(()),
        Err(e) => Err(e),
    }
}

/// A client-authenticated form POST of `token` to an RFC 7009 / 7662 endpoint; the answer's
/// body when it is a 2xx. A 5xx, 429 or network failure is [`Error::Unavailable`].
async fn form_post(
    client: &Client,
    p: &Profile,
    secret: Option<&Secret>,
    url: &str,
    token: &Secret,
    hint: &str,
) -> Result<crate::http::Answer> {
    let o = origin(url)?;
    let mut fields = vec![
        ("token", Zeroizing::new(token.expose().to_owned())),
        ("token_type_hint", Zeroizing::new(hint.to_owned())),
    ];
    let mut req = Request::new(Method::POST, &o, &url[o.base.len()..]);
    match secret {
        Some(s) => {
            // RFC 6749 §2.3.1: each part form-encoded before base64.
            let pair = Zeroizing::new(format!("{}:{}", percent(&p.client_id), percent(s.expose())));
            let basic = Zeroizing::new(format!("Basic {}", base64_std(pair.as_bytes())));
            req = req.secret_header("authorization", &basic)?;
        }
        None => fields.push(("client_id", Zeroizing::new(p.client_id.clone()))),
    }
    let answer = client
        .send(&o, req.header("accept", "application/json").form(fields))
        .await
        .map_err(|e| match e {
            Error::Network(message) => Error::Unavailable {
                message,
                retry_after: None,
            },
            e => e,
        })?;
    let status = answer.status.as_u16();
    if answer.status.is_success() {
        return Ok(answer);
    }
    let where_ = url.split(['?', '#']).next().unwrap_or(url);
    Err(if status >= 500 || status == 429 {
        Error::Unavailable {
            message: format!("{where_} answered {status}; try again later"),
            retry_after: answer.retry_after(chrono::Utc::now().timestamp()),
        }
    } else {
        let v = answer.json();
        let code = v["error"].as_str().unwrap_or("").to_owned();
        Error::OAuth {
            description: format!("{where_} answered {status} {code}"),
            code,
        }
    })
}

/// Asks the server about a token (RFC 7662) and returns its answer as sent. Anything but
/// `"active": true` means inactive.
pub async fn introspect(
    client: &Client,
    p: &Profile,
    secret: Option<&Secret>,
    token: &Secret,
    is_refresh: bool,
) -> Result<serde_json::Value> {
    let url = p.endpoints.introspection.as_deref().ok_or_else(|| {
        Error::Unsupported(format!(
            "{}: the server has no introspection endpoint (RFC 7662)",
            p.name
        ))
    })?;
    let hint = if is_refresh {
        "refresh_token"
    } else {
        "access_token"
    };
    match form_post(client, p, secret, url, token, hint).await?.json() {
        v @ serde_json::Value::Object(_) => Ok(v),
        _ => Err(Error::Rejected(format!(
            "{url} did not answer with a JSON object"
        ))),
    }
}

fn base64_std(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}
