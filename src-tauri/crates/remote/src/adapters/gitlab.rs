//! GitLab REST v4, gitlab.com or a self-managed instance: `GET
//! /api/v4/personal_access_tokens/self` describes the token (scopes, `expires_at` as a date:
//! the token expires at 00:00 UTC that day), `DELETE` on it revokes it, `POST …/self/rotate`
//! replaces it (and revokes the old one at once). A refused token gets 401 with the reason in
//! `WWW-Authenticate` (`error_description="Token has expired."` or `"Token has been
//! revoked."`).
//! <https://docs.gitlab.com/api/personal_access_tokens/>

use reqwest::Method;
use tokenkeeper_core::{
    Secret,
    check::{CheckState, Expiry, Finding},
    clock::rfc3339,
};

use super::{message_of, not_accepted, provider_trouble, rate_limited};
use crate::{
    Ask, Error, Result, Revoked, Rotated,
    http::{Answer, Client, Origin, Request},
};

const NAME: &str = "GitLab";
const SELF: &str = "/api/v4/personal_access_tokens/self";

fn authed(req: Request, ask: &Ask<'_>) -> Result<Request> {
    req.secret_header("private-token", ask.secret.expose())
}

/// 00:00 UTC on a `YYYY-MM-DD` date, or an RFC 3339 instant (newer GitLab versions).
pub(crate) fn parse_expires_at(v: &str) -> Option<i64> {
    if let Ok(d) = chrono::NaiveDate::parse_from_str(v, "%Y-%m-%d") {
        return d.and_hms_opt(0, 0, 0).map(|t| t.and_utc().timestamp());
    }
    chrono::DateTime::parse_from_rfc3339(v)
        .ok()
        .map(|t| t.timestamp())
}

/// What a 401 says: expired, revoked, or just not accepted.
fn refused(a: &Answer, ask: &Ask<'_>) -> Finding {
    let why = a
        .header("www-authenticate")
        .unwrap_or("")
        .to_ascii_lowercase();
    if why.contains("expired") {
        Finding::new(CheckState::Expired, "GitLab says this token has expired")
    } else if why.contains("revoked") {
        Finding::new(
            CheckState::Revoked,
            "GitLab says this token has been revoked",
        )
    } else {
        not_accepted(
            NAME,
            ask,
            &message_of(&a.json()).unwrap_or_else(|| "401 Unauthorized".into()),
        )
    }
}

fn common(a: &Answer, ask: &Ask<'_>) -> Option<Result<Finding>> {
    match a.status.as_u16() {
        429 => Some(Err(rate_limited(NAME, a.retry_after(ask.now)))),
        401 => Some(Ok(refused(a, ask))),
        s if s >= 500 => Some(Err(provider_trouble(NAME, a))),
        _ => None,
    }
}

pub async fn check(client: &Client, origin: &Origin, ask: &Ask<'_>) -> Result<Finding> {
    let a = client
        .send(
            origin,
            authed(Request::new(Method::GET, origin, SELF), ask)?,
        )
        .await?;
    if let Some(done) = common(&a, ask) {
        return done;
    }
    if a.status.as_u16() == 403 {
        // Accepted, but without a scope that may read its own details.
        return Ok(Finding::new(
            CheckState::Valid,
            "GitLab accepts this token, but its scopes do not let it describe itself",
        ));
    }
    if a.status.as_u16() != 200 {
        return Err(Error::Network(format!(
            "GitLab answered HTTP {} to GET {SELF}",
            a.status.as_u16()
        )));
    }
    let body = a.json();
    let expiry = match body.get("expires_at") {
        Some(serde_json::Value::String(s)) => Expiry::At(parse_expires_at(s).ok_or_else(|| {
            Error::Network(format!(
                "GitLab sent an expiry Tokenkeeper cannot read: {s:?}"
            ))
        })?),
        Some(serde_json::Value::Null) => Expiry::Never,
        _ => Expiry::Unknown,
    };
    let scopes = body.get("scopes").and_then(|s| s.as_array()).map(|s| {
        s.iter()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect()
    });
    let revoked = body.get("revoked").and_then(|r| r.as_bool()) == Some(true);
    let active = body.get("active").and_then(|r| r.as_bool()) != Some(false);
    let state = if revoked {
        CheckState::Revoked
    } else if !active || matches!(expiry, Expiry::At(t) if t <= ask.now) {
        CheckState::Expired
    } else {
        CheckState::Valid
    };
    let account = username(client, origin, ask).await;
    let name = body.get("name").and_then(|n| n.as_str()).unwrap_or("");
    let detail = match state {
        CheckState::Valid => format!(
            "GitLab accepts this token{}{}",
            if name.is_empty() {
                String::new()
            } else {
                format!(" (\u{201c}{name}\u{201d})")
            },
            match expiry {
                Expiry::At(t) => format!(", expires {}", rfc3339(t).unwrap_or_default()),
                Expiry::Never => ", no expiry".into(),
                Expiry::Unknown => String::new(),
            }
        ),
        CheckState::Revoked => "GitLab says this token has been revoked".into(),
        _ => "GitLab says this token has expired".into(),
    };
    Ok(Finding {
        state,
        expiry,
        scopes,
        account,
        retry_after: None,
        detail,
    })
}

/// The username the token acts for, when its scopes let it read the user (`read_user`, `api`).
async fn username(client: &Client, origin: &Origin, ask: &Ask<'_>) -> Option<String> {
    let req = authed(Request::new(Method::GET, origin, "/api/v4/user"), ask).ok()?;
    let a = client.send(origin, req).await.ok()?;
    if a.status.as_u16() != 200 {
        return None;
    }
    a.json()
        .get("username")
        .and_then(|u| u.as_str())
        .map(str::to_owned)
}

pub async fn revoke(client: &Client, origin: &Origin, ask: &Ask<'_>) -> Result<Revoked> {
    let a = client
        .send(
            origin,
            authed(Request::new(Method::DELETE, origin, SELF), ask)?,
        )
        .await?;
    match a.status.as_u16() {
        204 | 200 => Ok(Revoked {
            detail: "GitLab revoked the token".into(),
        }),
        429 => Err(rate_limited(NAME, a.retry_after(ask.now))),
        401 => {
            let f = refused(&a, ask);
            Err(Error::Rejected(format!(
                "{}; GitLab will not let an unaccepted token revoke itself. If it is revoked \
                 or expired already, mark it as revoked",
                f.detail
            )))
        }
        s if s >= 500 => Err(provider_trouble(NAME, &a)),
        s => Err(Error::Rejected(format!(
            "GitLab answered HTTP {s} to the revocation: {}",
            message_of(&a.json()).unwrap_or_else(|| "no reason given".into())
        ))),
    }
}

pub async fn rotate(
    client: &Client,
    origin: &Origin,
    ask: &Ask<'_>,
    expires_at: Option<i64>,
) -> Result<Rotated> {
    let mut req = authed(
        Request::new(Method::POST, origin, &format!("{SELF}/rotate")),
        ask,
    )?;
    if let Some(t) = expires_at.and_then(|t| chrono::DateTime::from_timestamp(t, 0)) {
        req = req.json(serde_json::json!({ "expires_at": t.format("%Y-%m-%d").to_string() }));
    }
    let a = client.send(origin, req).await?;
    match a.status.as_u16() {
        200 | 201 => {}
        429 => return Err(rate_limited(NAME, a.retry_after(ask.now))),
        401 => return Err(Error::Rejected(refused(&a, ask).detail)),
        s if s >= 500 => return Err(provider_trouble(NAME, &a)),
        s => {
            return Err(Error::Rejected(format!(
                "GitLab answered HTTP {s} to the rotation: {}",
                message_of(&a.json()).unwrap_or_else(|| "no reason given".into())
            )));
        }
    }
    let body = a.json();
    let token = body
        .get("token")
        .and_then(|t| t.as_str())
        .filter(|t| !t.is_empty())
        .ok_or_else(|| {
            Error::Network(
                "GitLab answered the rotation without a new token; check its token page".into(),
            )
        })?;
    Ok(Rotated {
        secret: Secret::new(token.to_owned()),
        expires_at: body
            .get("expires_at")
            .and_then(|e| e.as_str())
            .and_then(parse_expires_at),
        detail: "GitLab issued a replacement and revoked the old token".into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_date_expires_at_midnight_utc() {
        assert_eq!(parse_expires_at("2026-12-31"), Some(1_798_675_200));
        assert_eq!(
            parse_expires_at("2026-12-31T00:00:00.000Z"),
            Some(1_798_675_200)
        );
        assert_eq!(parse_expires_at("soon"), None);
    }
}
