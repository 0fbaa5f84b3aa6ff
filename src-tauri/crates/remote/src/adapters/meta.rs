//! Meta Graph API: `debug_token` says whether a token is valid, when it expires (`expires_at`
//! in unix seconds, 0 for never), when its data access expires (`data_access_expires_at`)
//! and its scopes. An invalid token is still HTTP 200 with `is_valid: false` and the reason in
//! `data.error` (subcode 463: expired; 458: the app was removed, i.e. revoked); a refused
//! request is HTTP 400 with a top-level `error` (code 190 for tokens; 4, 17, 32, 613 and
//! 80000-range codes for rate limits, with `X-Business-Use-Case-Usage` saying when to retry).
//! The token goes in the POST body (`method=GET`), never in the URL.
//! <https://developers.facebook.com/docs/graph-api/reference/debug_token/>
//! <https://developers.facebook.com/docs/graph-api/guides/error-handling/>

use reqwest::Method;
use serde_json::Value;
use tokenkeeper_core::{
    check::{CheckState, Expiry, Finding},
    clock::rfc3339,
};
use zeroize::Zeroizing;

use super::{provider_trouble, rate_limited};
use crate::{
    Ask, Error, Result, Revoked,
    http::{Answer, Client, Origin, Request},
};

const NAME: &str = "Meta";

fn is_rate_code(code: i64) -> bool {
    matches!(code, 4 | 17 | 32 | 613) || (80_000..=80_014).contains(&code)
}

/// Minutes until access returns, from `X-Business-Use-Case-Usage` (or `X-App-Usage`).
fn retry_after(a: &Answer) -> Option<i64> {
    let v: Value = serde_json::from_str(a.header("x-business-use-case-usage")?).ok()?;
    let minutes = v
        .as_object()?
        .values()
        .filter_map(|list| list.as_array())
        .flatten()
        .filter_map(|e| e.get("estimated_time_to_regain_access")?.as_i64())
        .max()?;
    Some(minutes * 60)
}

/// A token error (`{code, error_subcode | subcode, message}`) as a finding.
fn token_error(e: &Value, ask: &Ask<'_>) -> Finding {
    let sub = e
        .get("error_subcode")
        .or_else(|| e.get("subcode"))
        .and_then(Value::as_i64);
    let message: String = e
        .get("message")
        .and_then(Value::as_str)
        .unwrap_or("no reason given")
        .chars()
        .take(200)
        .collect();
    match sub {
        Some(463) => Finding::new(
            CheckState::Expired,
            format!("Meta says this token has expired ({message})"),
        ),
        Some(458) => Finding::new(
            CheckState::Revoked,
            format!("Meta says the app was removed, which revoked this token ({message})"),
        ),
        _ if ask.stored_expiry.is_some_and(|t| t <= ask.now) => Finding::new(
            CheckState::Expired,
            format!("Meta no longer accepts this token ({message}); it has expired"),
        ),
        _ => Finding::new(
            CheckState::Invalid,
            format!("Meta does not accept this token: {message}"),
        ),
    }
}

pub async fn check(client: &Client, origin: &Origin, ask: &Ask<'_>) -> Result<Finding> {
    let req = Request::new(Method::POST, origin, "/debug_token")
        .bearer(ask.secret.expose())?
        .form(vec![
            ("method", Zeroizing::new("GET".to_owned())),
            (
                "input_token",
                Zeroizing::new(ask.secret.expose().to_owned()),
            ),
        ]);
    let a = client.send(origin, req).await?;
    let body = a.json();
    if let Some(e) = body.get("error") {
        let code = e.get("code").and_then(Value::as_i64).unwrap_or(0);
        if is_rate_code(code) || a.status.as_u16() == 429 {
            return Err(rate_limited(NAME, retry_after(&a)));
        }
        if code == 190 || code == 102 || a.status.as_u16() == 401 {
            return Ok(token_error(e, ask));
        }
        if a.status.is_server_error() {
            return Err(provider_trouble(NAME, &a));
        }
        return Err(Error::Network(format!(
            "Meta refused the check (code {code}): {}",
            e.get("message").and_then(Value::as_str).unwrap_or("")
        )));
    }
    if a.status.is_server_error() {
        return Err(provider_trouble(NAME, &a));
    }
    let data = body.get("data").ok_or_else(|| {
        Error::Network(format!(
            "Meta answered HTTP {} without `data`",
            a.status.as_u16()
        ))
    })?;
    let expiry = match data.get("expires_at").and_then(Value::as_i64) {
        Some(0) => Expiry::Never,
        Some(t) => Expiry::At(t),
        None => Expiry::Unknown,
    };
    let scopes = data.get("scopes").and_then(Value::as_array).map(|s| {
        s.iter()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect()
    });
    let account = data.get("user_id").and_then(|u| {
        u.as_str()
            .map(str::to_owned)
            .or_else(|| u.as_i64().map(|n| n.to_string()))
    });
    if data.get("is_valid").and_then(Value::as_bool) != Some(true) {
        let mut f = match data.get("error") {
            Some(e) => token_error(e, ask),
            None if matches!(expiry, Expiry::At(t) if t <= ask.now) => {
                Finding::new(CheckState::Expired, "Meta says this token has expired")
            }
            None => Finding::new(CheckState::Invalid, "Meta says this token is not valid"),
        };
        if f.state == CheckState::Expired {
            f.expiry = expiry;
        }
        return Ok(f);
    }
    let kind = data.get("type").and_then(Value::as_str).unwrap_or("");
    let app = data.get("application").and_then(Value::as_str);
    let mut detail = format!(
        "Meta accepts this {}token{}",
        match kind {
            "SYSTEM_USER" => "system-user ",
            "PAGE" => "page ",
            "USER" => "user ",
            _ => "",
        },
        app.map(|a| format!(" for the app {a}")).unwrap_or_default()
    );
    match expiry {
        Expiry::Never => detail.push_str(", which never expires"),
        Expiry::At(t) => detail.push_str(&format!(", expires {}", rfc3339(t).unwrap_or_default())),
        Expiry::Unknown => {}
    }
    if let Some(t) = data
        .get("data_access_expires_at")
        .and_then(Value::as_i64)
        .filter(|t| *t > 0)
    {
        detail.push_str(&format!(
            "; its access to user data lapses {} unless the user returns",
            rfc3339(t).unwrap_or_default()
        ));
    }
    Ok(Finding {
        state: CheckState::Valid,
        expiry,
        scopes,
        account,
        retry_after: None,
        detail,
    })
}

/// Removes the app's permissions for the user or system user the token acts for, which
/// invalidates the token.
pub async fn revoke(client: &Client, origin: &Origin, ask: &Ask<'_>) -> Result<Revoked> {
    let req =
        Request::new(Method::DELETE, origin, "/me/permissions").bearer(ask.secret.expose())?;
    let a = client.send(origin, req).await?;
    let body = a.json();
    if body.get("success").and_then(Value::as_bool) == Some(true) {
        return Ok(Revoked {
            detail: "Meta removed the app's permissions; the token no longer works".into(),
        });
    }
    if let Some(e) = body.get("error") {
        let code = e.get("code").and_then(Value::as_i64).unwrap_or(0);
        if is_rate_code(code) {
            return Err(rate_limited(NAME, retry_after(&a)));
        }
        return Err(Error::Rejected(format!(
            "Meta refused the revocation: {}",
            e.get("message")
                .and_then(Value::as_str)
                .unwrap_or("no reason given")
        )));
    }
    if a.status.is_server_error() {
        return Err(provider_trouble(NAME, &a));
    }
    Err(Error::Network(format!(
        "Meta answered HTTP {} to the revocation without saying it succeeded",
        a.status.as_u16()
    )))
}
