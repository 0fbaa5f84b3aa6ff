//! The npm registry: `GET /-/whoami` names the user a token acts for (401 when it is not
//! accepted). Tokens are deleted by key (`DELETE /-/npm/v1/tokens/token/{key}`); the key of a
//! token is found in the token list (`GET /-/npm/v1/tokens`), whose `key` is the SHA-512 of
//! the token, so the token itself never goes into a URL.
//! <https://docs.npmjs.com/cli/commands/npm-whoami> <https://docs.npmjs.com/cli/commands/npm-token>

use reqwest::Method;
use serde_json::Value;
use sha2::{Digest, Sha512};
use tokenkeeper_core::check::{CheckState, Expiry, Finding};

use super::{message_of, not_accepted, send};
use crate::{
    Ask, Error, Result, Revoked,
    http::{Answer, Client, Origin, Request},
};

const NAME: &str = "npm";

async fn get(
    client: &Client,
    origin: &Origin,
    ask: &Ask<'_>,
    method: Method,
    path: &str,
) -> Result<Answer> {
    let req = Request::new(method, origin, path)
        .bearer(ask.secret.expose())?
        .header("accept", "application/json");
    send(client, origin, req, NAME, ask.now).await
}

pub async fn check(client: &Client, origin: &Origin, ask: &Ask<'_>) -> Result<Finding> {
    let a = get(client, origin, ask, Method::GET, "/-/whoami").await?;
    match a.status.as_u16() {
        200 => {
            let user = a
                .json()
                .get("username")
                .and_then(Value::as_str)
                .map(str::to_owned);
            Ok(Finding {
                state: CheckState::Valid,
                expiry: Expiry::Unknown,
                scopes: None,
                detail: format!(
                    "npm accepts this token{}",
                    user.as_deref()
                        .map(|u| format!(" for {u}"))
                        .unwrap_or_default()
                ),
                account: user,
                retry_after: None,
            })
        }
        401 | 403 => Ok(not_accepted(
            NAME,
            ask,
            &message_of(&a.json()).unwrap_or_else(|| a.status.as_u16().to_string()),
        )),
        s => Err(Error::Network(format!(
            "npm answered HTTP {s} to GET /-/whoami"
        ))),
    }
}

fn key_of(token: &str) -> String {
    Sha512::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

pub async fn revoke(client: &Client, origin: &Origin, ask: &Ask<'_>) -> Result<Revoked> {
    let list = get(client, origin, ask, Method::GET, "/-/npm/v1/tokens").await?;
    if !list.status.is_success() {
        return Err(Error::Rejected(format!(
            "npm would not list this account's tokens (HTTP {}: {}); revoke it on npmjs.com",
            list.status.as_u16(),
            message_of(&list.json()).unwrap_or_else(|| "no reason given".into())
        )));
    }
    let key = key_of(ask.secret.expose());
    let found = list
        .json()
        .get("objects")
        .and_then(Value::as_array)
        .is_some_and(|o| {
            o.iter()
                .any(|t| t.get("key").and_then(Value::as_str) == Some(&key))
        });
    if !found {
        return Err(Error::Rejected(
            "npm lists no token matching this one (it may be revoked already); check on \
             npmjs.com and mark it as revoked"
                .into(),
        ));
    }
    let a = get(
        client,
        origin,
        ask,
        Method::DELETE,
        &format!("/-/npm/v1/tokens/token/{key}"),
    )
    .await?;
    if a.status.is_success() {
        Ok(Revoked {
            detail: "npm deleted the token".into(),
        })
    } else {
        Err(Error::Rejected(format!(
            "npm refused to delete the token (HTTP {}: {})",
            a.status.as_u16(),
            message_of(&a.json()).unwrap_or_else(|| "no reason given".into())
        )))
    }
}
