//! GitHub REST: `GET /user` tells who a token acts for, its scopes (`X-OAuth-Scopes`, classic
//! and OAuth tokens only) and its expiry (`GitHub-Authentication-Token-Expiration`,
//! `2021-10-07 19:07:53 UTC`). Revocation goes through the credential revocation API, which
//! takes the token in the body and must be sent without authentication (it answers 403 to an
//! authenticated request).
//! <https://docs.github.com/en/rest/users/users#get-the-authenticated-user>
//! <https://docs.github.com/en/rest/credentials/revoke>

use reqwest::Method;
use serde_json::json;
use tokenkeeper_core::check::{CheckState, Expiry, Finding};

use super::{message_of, not_accepted, provider_trouble, rate_limited, scope_list};
use crate::{
    Ask, Error, Result, Revoked,
    http::{Answer, Client, Origin, Request},
};

const NAME: &str = "GitHub";

fn api(req: Request) -> Request {
    req.header("accept", "application/vnd.github+json")
        .header("x-github-api-version", "2022-11-28")
}

/// GitHub signals its primary rate limit with 403 or 429 and `x-ratelimit-remaining: 0`, its
/// secondary one with `retry-after`.
fn limited(a: &Answer) -> bool {
    let code = a.status.as_u16();
    code == 429
        || (code == 403
            && (a.header("x-ratelimit-remaining") == Some("0")
                || a.header("retry-after").is_some()))
}

pub async fn check(client: &Client, origin: &Origin, ask: &Ask<'_>) -> Result<Finding> {
    let req = api(Request::new(Method::GET, origin, "/user")).bearer(ask.secret.expose())?;
    let a = client.send(origin, req).await?;
    if limited(&a) {
        return Err(rate_limited(NAME, a.retry_after(ask.now)));
    }
    let body = a.json();
    match a.status.as_u16() {
        200 => {
            let expiry = match a.header("github-authentication-token-expiration") {
                Some(v) => Expiry::At(parse_expiration(v).ok_or_else(|| {
                    Error::Network(format!(
                        "GitHub sent an expiry Tokenkeeper cannot read: {v:?}"
                    ))
                })?),
                // Personal tokens made without an expiry carry no header; for other kinds
                // (app installation tokens) GitHub's silence says nothing.
                None if is_personal(ask.secret.expose()) => Expiry::Never,
                None => Expiry::Unknown,
            };
            let login = body
                .get("login")
                .and_then(|l| l.as_str())
                .map(str::to_owned);
            let when = match expiry {
                Expiry::At(t) => format!(
                    ", expires {}",
                    tokenkeeper_core::clock::rfc3339(t).unwrap_or_default()
                ),
                Expiry::Never => ", no expiry".into(),
                Expiry::Unknown => String::new(),
            };
            Ok(Finding {
                state: CheckState::Valid,
                expiry,
                scopes: a.header("x-oauth-scopes").map(scope_list),
                detail: format!(
                    "GitHub accepts this token{}{when}",
                    login
                        .as_deref()
                        .map(|l| format!(" for {l}"))
                        .unwrap_or_default()
                ),
                account: login,
                retry_after: None,
            })
        }
        401 => Ok(not_accepted(
            NAME,
            ask,
            &message_of(&body).unwrap_or_else(|| "401".into()),
        )),
        403 => Ok(Finding::new(
            CheckState::Invalid,
            format!(
                "GitHub refused this token (403: {}); an organization may require SSO \
                 authorization or block this kind of token",
                message_of(&body).unwrap_or_else(|| "forbidden".into())
            ),
        )),
        s if s >= 500 => Err(provider_trouble(NAME, &a)),
        s => Err(Error::Network(format!(
            "GitHub answered HTTP {s} to GET /user"
        ))),
    }
}

fn is_personal(token: &str) -> bool {
    token.starts_with("ghp_") || token.starts_with("github_pat_")
}

/// `2021-10-07 19:07:53 UTC`, or with a numeric offset (`2021-10-07 12:07:53 -0700`).
pub(crate) fn parse_expiration(v: &str) -> Option<i64> {
    let v = v.trim();
    if let Some(utc) = v.strip_suffix(" UTC") {
        return chrono::NaiveDateTime::parse_from_str(utc, "%Y-%m-%d %H:%M:%S")
            .ok()
            .map(|t| t.and_utc().timestamp());
    }
    chrono::DateTime::parse_from_str(v, "%Y-%m-%d %H:%M:%S %z")
        .ok()
        .map(|t| t.timestamp())
}

pub async fn revoke(client: &Client, origin: &Origin, ask: &Ask<'_>) -> Result<Revoked> {
    // No Authorization header: GitHub refuses authenticated calls to this endpoint.
    let req = api(Request::new(Method::POST, origin, "/credentials/revoke"))
        .json(json!({ "credentials": [ask.secret.expose()] }));
    let a = client.send(origin, req).await?;
    if limited(&a) {
        return Err(rate_limited(NAME, a.retry_after(ask.now)));
    }
    match a.status.as_u16() {
        200..=299 => Ok(Revoked {
            detail: "GitHub accepted the revocation; the token stops working within moments".into(),
        }),
        422 => Err(Error::Rejected(format!(
            "GitHub did not accept the token for revocation ({}); revoke it on its settings \
             page instead",
            message_of(&a.json()).unwrap_or_else(|| "validation failed".into())
        ))),
        s if s >= 500 => Err(provider_trouble(NAME, &a)),
        s => Err(Error::Rejected(format!(
            "GitHub answered HTTP {s} to the revocation; revoke it on its settings page instead"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expiration_header_is_read_in_utc_and_with_offsets() {
        assert_eq!(
            parse_expiration("2021-10-07 19:07:53 UTC"),
            Some(1_633_633_673)
        );
        assert_eq!(
            parse_expiration("2021-10-07 12:07:53 -0700"),
            Some(1_633_633_673)
        );
        assert_eq!(parse_expiration("next tuesday"), None);
    }
}
