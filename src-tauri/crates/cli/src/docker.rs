//! `docker-credential-tokenkeeper get|store|erase|list|version`: docker's credential-helper
//! protocol (docker/docker-credential-helpers), with its exact JSON shapes. `docker login`
//! stores the registry's token in the vault through it, where it is a token like any other
//! (its provider and expiry read from it when it tells); `docker logout` ends the registry's
//! login but keeps the token. Errors go to stdout with exit 1, as docker reads them.

use std::io::{Read, Write};

use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};
use tokenkeeper_core::{Secret, credential::Accessor, model::NewTokenMeta};
use tokenkeeper_vault::Vault;

use crate::commands::{open_metadata, open_vault};

/// The protocol's message for a registry it has nothing for; docker matches on it.
pub const NOT_FOUND: &str = "credentials not found in native keychain";

const MAX_INPUT: u64 = 64 * 1024;

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Stored {
    #[serde(rename = "ServerURL")]
    server_url: String,
    username: String,
    secret: Secret,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Answer<'a> {
    #[serde(rename = "ServerURL")]
    server_url: &'a str,
    username: &'a str,
    secret: &'a str,
}

/// Runs one action; the error, if any, is the line docker shows.
pub fn docker_credential(action: &str, now: i64) -> Result<()> {
    let mut input = String::new();
    if action != "list" && action != "version" {
        std::io::stdin()
            .lock()
            .take(MAX_INPUT)
            .read_to_string(&mut input)
            .context("docker's request is not UTF-8 text")?;
    }
    let input = Secret::new(input);
    let mut out = std::io::stdout().lock();
    match action {
        "get" => {
            let server = server(input.expose())?;
            let vault = open_vault(now)?;
            let login = vault.docker_login(server)?.context(NOT_FOUND)?;
            let secret = vault.hand_out(
                &login.token_id,
                &Accessor::Docker {
                    server: server.into(),
                },
                now,
            )?;
            let answer = Answer {
                server_url: server,
                username: &login.username,
                secret: secret.expose(),
            };
            let json = Secret::new(serde_json::to_string(&answer)?);
            out.write_all(json.expose().as_bytes())?;
        }
        "store" => {
            let s: Stored = serde_json::from_str(input.expose())
                .context("docker sent a credential that is not {ServerURL, Username, Secret}")?;
            store(&open_vault(now)?, &s, now)?;
        }
        "erase" => {
            let server = server(input.expose())?;
            if open_metadata()?.unbind_docker(server, now)?.is_none() {
                bail!(NOT_FOUND);
            }
        }
        "list" => {
            let logins = open_metadata()?.docker_logins()?;
            let map: serde_json::Map<String, serde_json::Value> = logins
                .into_iter()
                .map(|l| (l.server, l.username.into()))
                .collect();
            out.write_all(serde_json::to_string(&map)?.as_bytes())?;
        }
        "version" => writeln!(out, "tokenkeeper {}", env!("CARGO_PKG_VERSION"))?,
        other => bail!("unknown credential helper action `{other}` (get, store, erase, list)"),
    }
    out.flush()?;
    Ok(())
}

fn server(input: &str) -> Result<&str> {
    let s = input.trim();
    if s.is_empty() {
        bail!("no server URL on stdin");
    }
    Ok(s)
}

/// The registry's token: a new one is added (named by the registry, account = the username),
/// a login again with another secret replaces the stored one's secret.
fn store(vault: &Vault, s: &Stored, now: i64) -> Result<()> {
    let server = server(&s.server_url)?;
    if let Some(login) = vault.docker_login(server)? {
        if vault.secret(&login.token_id, now).ok().as_ref() != Some(&s.secret) {
            vault.replace_secret(&login.token_id, &s.secret, now)?;
        }
        if login.username != s.username {
            vault.bind_docker(&login.token_id, server, &s.username, now)?;
        }
        return Ok(());
    }
    let host = registry_host(server);
    let tokens = vault.list(now)?;
    let taken = |n: &str| tokens.iter().any(|t| t.name == n);
    let name = [host.to_owned(), format!("{host} ({})", s.username)]
        .into_iter()
        .chain((2..).map(|i| format!("{host} ({}) {i}", s.username)))
        .find(|n| !taken(n))
        .unwrap_or_else(|| host.to_owned());
    let stored = vault.add(
        &s.secret,
        NewTokenMeta {
            name,
            account: Some(s.username.clone()).filter(|u| !u.is_empty()),
            notes: Some(format!("docker login {server}")),
            tags: Some(vec!["docker".into()]),
            ..Default::default()
        },
        now,
    )?;
    vault.bind_docker(&stored.id, server, &s.username, now)?;
    Ok(())
}

/// `https://index.docker.io/v1/` → `index.docker.io`; `ghcr.io` stays.
fn registry_host(server: &str) -> &str {
    let rest = server.split_once("://").map_or(server, |p| p.1);
    rest.split('/')
        .next()
        .filter(|h| !h.is_empty())
        .unwrap_or(server)
}

#[cfg(test)]
mod tests {
    #[test]
    fn registries_are_named_by_host() {
        assert_eq!(
            super::registry_host("https://index.docker.io/v1/"),
            "index.docker.io"
        );
        assert_eq!(super::registry_host("ghcr.io"), "ghcr.io");
    }
}
