//! Slack Web API: every answer is HTTP 200 with `{"ok": false, "error": "…"}` on failure
//! (`invalid_auth`, `not_authed`, `token_revoked`, `token_expired`, `account_inactive`);
//! scopes come in the `x-oauth-scopes` header; rate limits are HTTP 429 with `Retry-After`.
//! <https://api.slack.com/methods/auth.test> <https://api.slack.com/methods/auth.revoke>

use reqwest::Method;
use serde_json::Value;
use tokenkeeper_core::check::{CheckState, Finding};

use super::{not_accepted, scope_list, send};
use crate::{
    Ask, Error, Result, Revoked,
    http::{Answer, Client, Origin, Request},
};

const NAME: &str = "Slack";

async fn call(client: &Client, origin: &Origin, ask: &Ask<'_>, method: &str) -> Result<Answer> {
    let req = Request::new(Method::POST, origin, &format!("/api/{method}"))
        .bearer(ask.secret.expose())?
        .header("content-type", "application/x-www-form-urlencoded");
    send(client, origin, req, NAME, ask.now).await
}

fn error_finding(error: &str, ask: &Ask<'_>) -> Finding {
    match error {
        "token_revoked" => Finding::new(CheckState::Revoked, "Slack says this token was revoked"),
        "token_expired" => Finding::new(CheckState::Expired, "Slack says this token has expired"),
        "account_inactive" => Finding::new(
            CheckState::Revoked,
            "Slack says the user or bot behind this token was deactivated",
        ),
        "ratelimited" => Finding::new(CheckState::RateLimited, "Slack's rate limit is reached"),
        other => not_accepted(NAME, ask, other),
    }
}

pub async fn check(client: &Client, origin: &Origin, ask: &Ask<'_>) -> Result<Finding> {
    let a = call(client, origin, ask, "auth.test").await?;
    let body = a.json();
    if body.get("ok").and_then(Value::as_bool) != Some(true) {
        let error = body
            .get("error")
            .and_then(Value::as_str)
            .unwrap_or("unknown_error");
        return Ok(error_finding(error, ask));
    }
    let s = |k: &str| body.get(k).and_then(Value::as_str).map(str::to_owned);
    let account = match (s("user"), s("team")) {
        (Some(u), Some(t)) => Some(format!("{u} @ {t}")),
        (u, t) => u.or(t),
    };
    Ok(Finding {
        state: CheckState::Valid,
        expiry: tokenkeeper_core::check::Expiry::Unknown,
        scopes: a.header("x-oauth-scopes").map(scope_list),
        detail: format!(
            "Slack accepts this {}token{}",
            if s("bot_id").is_some() { "bot " } else { "" },
            account
                .as_deref()
                .map(|a| format!(" for {a}"))
                .unwrap_or_default()
        ),
        account,
        retry_after: None,
    })
}

pub async fn revoke(client: &Client, origin: &Origin, ask: &Ask<'_>) -> Result<Revoked> {
    let a = call(client, origin, ask, "auth.revoke").await?;
    let body = a.json();
    if body.get("ok").and_then(Value::as_bool) == Some(true) {
        return Ok(Revoked {
            detail: "Slack revoked the token".into(),
        });
    }
    let error = body
        .get("error")
        .and_then(Value::as_str)
        .unwrap_or("unknown_error");
    Err(Error::Rejected(format!(
        "Slack refused the revocation: {}",
        error_finding(error, ask).detail
    )))
}
