//! `provider add`, `login`, `refresh`, `introspect`, and revocation of OAuth tokens: thin
//! uses of the vault (profiles, grants, the single-flight refresh) and the remote crate (the
//! flows). No OAuth rule lives here.

use std::{io::Write, process::ExitCode, time::Duration};

use anyhow::{Context, Result, bail};
use serde::Serialize;
use tokenkeeper_core::{
    Secret,
    clock::parse_duration,
    model::{TokenKind, TokenMeta},
    oauth::{Endpoints, Flow, Profile},
};
use tokenkeeper_remote::{
    Client,
    oauth::{self, failure_of},
};
use tokenkeeper_vault::Vault;

use crate::{args::ProviderCommand, net::block_on, output};

pub fn provider(vault: &Vault, command: ProviderCommand, now: i64) -> Result<()> {
    match command {
        ProviderCommand::List { json } => {
            let profiles = vault.profiles()?;
            if json {
                return output::json(&profiles);
            }
            let lines: Vec<String> = profiles
                .iter()
                .map(|p| {
                    format!(
                        "{:<20} {:<40} client {}{}",
                        p.name,
                        p.issuer.as_deref().unwrap_or(&p.endpoints.token),
                        p.client_id,
                        if p.has_client_secret {
                            " (confidential)"
                        } else {
                            ""
                        }
                    )
                })
                .collect();
            output::lines(&lines)
        }
        ProviderCommand::Add(add) => {
            let crate::args::AddProfile {
                name,
                issuer,
                client_id,
                client_secret_stdin,
                scopes,
                audience,
                resource,
                refresh_lifetime,
                authorization_endpoint,
                token_endpoint,
                device_endpoint,
                revocation_endpoint,
                introspection_endpoint,
                json,
            } = *add;
            // Checked before anything is asked of the network.
            tokenkeeper_core::oauth::validate_profile_name(&name).map_err(anyhow::Error::msg)?;
            let refresh_lifetime_secs = refresh_lifetime
                .as_deref()
                .map(parse_duration)
                .transpose()?;
            let secret = if client_secret_stdin {
                Some(crate::input::read_secret_stdin("the client secret")?)
            } else {
                None
            };
            let (issuer, mut endpoints, iss_required) = match issuer {
                Some(i) => {
                    let d = block_on(oauth::discover(&Client::new()?, &i))
                        .with_context(|| format!("Discovery of {i} failed"))?;
                    (Some(d.issuer), d.endpoints, d.sends_iss)
                }
                None => (None, Endpoints::default(), false),
            };
            let set = |slot: &mut Option<String>, v: Option<String>| {
                if v.is_some() {
                    *slot = v;
                }
            };
            set(&mut endpoints.authorization, authorization_endpoint);
            set(&mut endpoints.device_authorization, device_endpoint);
            set(&mut endpoints.revocation, revocation_endpoint);
            set(&mut endpoints.introspection, introspection_endpoint);
            if let Some(t) = token_endpoint {
                endpoints.token = t;
            }
            for u in oauth::endpoint_urls(&endpoints) {
                tokenkeeper_remote::http::origin(u)?;
            }
            let profile = Profile {
                name,
                issuer,
                endpoints,
                client_id,
                has_client_secret: secret.is_some(),
                iss_required,
                scopes,
                audience,
                resource,
                refresh_lifetime_secs,
                flows: vec![],
            };
            let saved = vault.save_profile(&profile, secret.as_ref(), now)?;
            if json {
                output::json(&saved)
            } else {
                output::lines(&[format!("Saved the provider profile {}", saved.name)])
            }
        }
    }
}

fn open_browser(url: &str) -> std::io::Result<()> {
    #[cfg(target_os = "macos")]
    let mut cmd = std::process::Command::new("open");
    #[cfg(target_os = "windows")]
    let mut cmd = {
        let mut c = std::process::Command::new("rundll32");
        c.arg("url.dll,FileProtocolHandler");
        c
    };
    #[cfg(not(any(target_os = "macos", target_os = "windows")))]
    let mut cmd = std::process::Command::new("xdg-open");
    cmd.arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .map(|_| ())
}

#[derive(Serialize)]
struct DeviceOut<'a> {
    verification_uri: &'a str,
    verification_uri_complete: Option<&'a str>,
    user_code: &'a str,
    expires_in: u64,
}

/// `login`'s arguments.
#[derive(Debug, clap::Args)]
pub struct Login {
    /// The profile (see `provider add`).
    pub profile: String,
    #[arg(long, default_value = "code", value_parser = parse_flow)]
    pub flow: Flow,
    /// The token's name; from the ID token (email, login) when left out.
    #[arg(long)]
    pub name: Option<String>,
    /// Code flow: print the authorization URL alone on one stdout line instead of opening
    /// the browser, then wait for the redirect.
    #[arg(long)]
    pub no_browser: bool,
    /// How long to wait for the browser or the device approval.
    #[arg(long, default_value = "5m", value_name = "DURATION")]
    pub timeout: String,
    #[arg(long)]
    pub json: bool,
}

fn parse_flow(s: &str) -> Result<Flow, String> {
    s.parse()
        .map_err(|_| "expected one of: code, device, client-credentials".into())
}

/// The authorization URL: to the browser, or alone on one stdout line (`--no-browser`).
fn show_url(url: &str, no_browser: bool, profile: &str) -> Result<()> {
    let mut out = std::io::stdout().lock();
    if no_browser {
        writeln!(out, "{url}")?;
    } else {
        eprintln!("Opening the browser to sign in with {profile}…");
        if open_browser(url).is_err() {
            eprintln!("Could not open a browser; open this URL yourself:");
            writeln!(out, "{url}")?;
        }
    }
    out.flush()?;
    Ok(())
}

fn show_device(pending: &oauth::PendingDevice, json: bool) -> Result<()> {
    let shown = DeviceOut {
        verification_uri: &pending.verification_uri,
        verification_uri_complete: pending.verification_uri_complete.as_deref(),
        user_code: &pending.user_code,
        expires_in: pending.expires_in.as_secs(),
    };
    if json {
        output::json(&shown)?;
    } else {
        output::lines(&[
            format!("verification_uri: {}", shown.verification_uri),
            format!("user_code: {}", shown.user_code),
            format!(
                "Open the address, enter the code; waiting up to {} min…",
                shown.expires_in / 60
            ),
        ])?;
    }
    std::io::stdout().flush()?;
    Ok(())
}

pub fn login(vault: &Vault, l: Login, clock: impl Fn() -> i64) -> Result<()> {
    let (profile, secret) = vault.profile(&l.profile)?;
    l.flow
        .available(&profile)
        .map_err(|why| anyhow::anyhow!("{}: {why}", profile.name))?;
    let timeout = Duration::from_secs(u64::try_from(parse_duration(&l.timeout)?).unwrap_or(300));
    let client = Client::new()?;
    // One runtime for the whole sign-in: the loopback listener lives across its awaits.
    let issued = block_on(async {
        match l.flow {
            Flow::Code => {
                let pending = oauth::start_code(&profile).await?;
                show_url(&pending.url, l.no_browser, &profile.name)?;
                pending
                    .finish(&client, &profile, secret.as_ref(), timeout)
                    .await
                    .map_err(anyhow::Error::from)
            }
            Flow::Device => {
                let pending = oauth::start_device(&client, &profile, secret.as_ref()).await?;
                show_device(&pending, l.json)?;
                pending
                    .finish(&client, &profile, secret.as_ref())
                    .await
                    .map_err(anyhow::Error::from)
            }
            Flow::ClientCredentials => {
                let Some(s) = secret.as_ref() else {
                    bail!(
                        "{}: client credentials need the client secret",
                        profile.name
                    );
                };
                oauth::client_credentials(&client, &profile, s)
                    .await
                    .map_err(anyhow::Error::from)
            }
        }
    })?;
    let stored = vault.store_grant(&profile, l.flow, l.name.as_deref(), &issued, clock())?;
    if l.json && l.flow != Flow::Device {
        output::json(&stored)
    } else {
        output::lines(&[format!("{}/{}", stored.provider, stored.name)])
    }
}

/// The access token of the grant `key` names (the access token or its refresh token).
fn access_of(vault: &Vault, key: &str) -> Result<String> {
    let row = vault.resolve(key)?;
    vault.grant_access_id(&row.id)?.ok_or_else(|| {
        anyhow::anyhow!(
            "{}/{} is not from an OAuth sign-in (only tokens from `tokenkeeper login` can be refreshed)",
            row.provider,
            row.name
        )
    })
}

/// The vault's single-flight refresh of the grant whose access token is `access`, asked for at
/// `asked_ms`, with the token request made here (`refresh` and `run` both use it).
pub(crate) fn refresh_grant(
    vault: &Vault,
    access: &str,
    asked_ms: i64,
) -> Result<tokenkeeper_vault::Refreshed> {
    let client = Client::new()?;
    let clock_ms = || chrono::Utc::now().timestamp_millis();
    Ok(
        vault.refresh_with(access, asked_ms, clock_ms, rand::random::<f64>(), |t| {
            block_on(oauth::renew(
                &client,
                &t.profile,
                t.client_secret.as_ref(),
                t.refresh.as_ref(),
            ))
            .map_err(|e| failure_of(&e))
        })?,
    )
}

/// Refreshes the grant `key` belongs to; `asked_ms` is when the command started.
pub fn refresh(vault: &Vault, key: &str, json: bool, asked_ms: i64) -> Result<()> {
    let access = access_of(vault, key)?;
    let done = refresh_grant(vault, &access, asked_ms)?;
    if json {
        return output::json(&serde_json::json!({ "token": done.meta, "requested": done.asked }));
    }
    let how = if done.asked {
        "Refreshed"
    } else {
        "Already refreshed moments ago (by the app or another command); kept"
    };
    output::lines(&[format!("{how} {}/{}", done.meta.provider, done.meta.name)])
}

pub fn introspect(vault: &Vault, key: &str, json: bool, now: i64) -> Result<ExitCode> {
    let row = vault.resolve(key)?;
    let access = access_of(vault, key)?;
    let grant = vault.grant(&access, now)?.context("no grant")?;
    let (profile, secret) = vault.profile(&grant.profile)?;
    let token: Secret = vault.secret(&row.id, now)?;
    let answer = block_on(oauth::introspect(
        &Client::new()?,
        &profile,
        secret.as_ref(),
        &token,
        row.kind == TokenKind::Refresh,
    ))?;
    let active = answer["active"] == serde_json::Value::Bool(true);
    if json {
        output::json(&answer)?;
    } else {
        let mut lines = vec![format!(
            "{}/{}: {}",
            row.provider,
            row.name,
            if active { "active" } else { "inactive" }
        )];
        if let Some(map) = answer.as_object() {
            lines.extend(
                map.iter()
                    .filter(|(k, _)| k.as_str() != "active")
                    .map(|(k, v)| format!("  {k}: {v}")),
            );
        }
        output::lines(&lines)?;
    }
    Ok(if active {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// Revokes an OAuth token's grant at its server (RFC 7009); see `Vault::revoke_grant_with`.
pub fn revoke(vault: &Vault, id: &str) -> Result<TokenMeta> {
    let client = Client::new()?;
    Ok(vault.revoke_grant_with(
        id,
        rand::random::<f64>(),
        crate::commands::clock,
        |p, secret, token, is_refresh| {
            block_on(oauth::revoke(&client, p, secret, token, is_refresh))
                .map_err(|e| failure_of(&e))
        },
    )?)
}
