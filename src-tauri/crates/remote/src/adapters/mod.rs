//! One module per provider API. Each reads its provider's documented answers: where the error
//! is (status, body, header), how expiry is written (a header in UTC, a date at midnight UTC,
//! unix seconds with 0 for never) and how it says "too many requests".

pub mod github;
pub mod gitlab;
pub mod meta;
pub mod npm;
pub mod slack;

use tokenkeeper_core::{
    check::{CheckState, Finding},
    clock::format_duration,
};

use crate::{
    Ask, Error, Result,
    http::{Answer, Client, Origin, Request},
};

/// Sends a request for a provider whose "too many requests" is HTTP 429 with `Retry-After`
/// and whose own trouble is a 5xx: those two become errors, anything else is the answer.
async fn send(
    client: &Client,
    origin: &Origin,
    req: Request,
    provider: &str,
    now: i64,
) -> Result<Answer> {
    let a = client.send(origin, req).await?;
    if a.status.as_u16() == 429 {
        return Err(rate_limited(provider, a.retry_after(now)));
    }
    if a.status.is_server_error() {
        return Err(provider_trouble(provider, &a));
    }
    Ok(a)
}

/// A rate-limit error naming when to retry.
fn rate_limited(provider: &str, retry_after: Option<i64>) -> Error {
    let message = match retry_after {
        Some(s) if s > 0 => format!(
            "{provider}'s rate limit is reached; try again in {}",
            format_duration(s.max(60))
        ),
        _ => format!("{provider}'s rate limit is reached; try again in a few minutes"),
    };
    Error::RateLimited {
        message,
        retry_after,
    }
}

/// A 5xx or other answer that is about the provider, not the token.
fn provider_trouble(provider: &str, a: &Answer) -> Error {
    Error::Network(format!(
        "{provider} answered HTTP {} — a problem on its side; the token was not changed. Try \
         again later",
        a.status.as_u16()
    ))
}

/// "Not accepted" without a reason: expired when the vault's own expiry has passed, else
/// invalid (revoked, deleted, or never valid).
fn not_accepted(provider: &str, ask: &Ask<'_>, said: &str) -> Finding {
    if ask.stored_expiry.is_some_and(|e| e <= ask.now) {
        Finding::new(
            CheckState::Expired,
            format!("{provider} no longer accepts this token ({said}); it has expired"),
        )
    } else {
        Finding::new(
            CheckState::Invalid,
            format!(
                "{provider} does not accept this token ({said}): it was revoked, deleted, or \
                 never valid"
            ),
        )
    }
}

/// Splits a comma- or space-separated scope header.
fn scope_list(v: &str) -> Vec<String> {
    v.split([',', ' '])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The message a provider put in a JSON body, if any (`message`, `error`, `error.message`).
fn message_of(body: &serde_json::Value) -> Option<String> {
    body.get("message")
        .and_then(|m| m.as_str())
        .or_else(|| body.get("error").and_then(|e| e.as_str()))
        .or_else(|| body.pointer("/error/message").and_then(|e| e.as_str()))
        .map(|m| m.chars().take(200).collect())
}
