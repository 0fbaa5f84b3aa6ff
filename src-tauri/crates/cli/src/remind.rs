//! `edit` (metadata, reminders, rotation) and `due` (what needs attention, and the desktop
//! reminders for a timer when the app is not running).

use std::process::ExitCode;

use anyhow::{Result, bail};
use serde::Serialize;
use tokenkeeper_core::{
    clock::{
        countdown, format_duration, parse_duration, parse_expiry, parse_rfc3339, relative, rfc3339,
    },
    model::{TokenMeta, TokenPatch},
    remind::{Target, Watched, needing_attention, parse_leads},
};
use tokenkeeper_vault::{Vault, notify};

use crate::{args::EditArgs, output};

pub fn edit(vault: &Vault, token: &str, a: EditArgs, json: bool, now: i64) -> Result<()> {
    let id = vault.resolve(token)?.id;
    let expires_at = a
        .expires
        .map(|e| match e.trim() {
            "never" | "none" => Ok(None),
            e => parse_expiry(e, now).map(rfc3339),
        })
        .transpose()?;
    let rotate_every_secs = a
        .rotate_every
        .map(|r| match r.trim() {
            "none" | "never" => Ok(None),
            r => parse_duration(r).map(Some),
        })
        .transpose()?;
    let patch = TokenPatch {
        provider: a.provider,
        name: a.name,
        kind: a.kind,
        scopes: a.scopes,
        account: a.account,
        expires_at,
        notes: a.notes,
        tags: a.tags,
        remind: a.remind.as_deref().map(parse_leads).transpose()?,
        rotate_every_secs,
        instance_url: a
            .instance
            .map(|i| Some(i).filter(|i| i != "default" && !i.is_empty())),
        git_hosts: a
            .git_hosts
            .map(|hs| hs.into_iter().filter(|h| h != "none").collect()),
    };
    let stored = vault.update(&id, patch, None, now)?;
    output::stored("Saved", &stored, json)
}

#[derive(Serialize)]
struct DueItem {
    token: TokenMeta,
    /// `expiry` or `rotation`.
    reason: Target,
    /// RFC 3339 UTC: the expiry or rotation date.
    at: Option<String>,
    lapsed: bool,
}

/// Exit 3 when anything is listed, so `tokenkeeper due || alert` works in cron and CI.
pub fn due(
    vault: &Vault,
    within: Option<&str>,
    notify: bool,
    json: bool,
    now: i64,
) -> Result<ExitCode> {
    let within = match within {
        Some(w) => parse_duration(w)?,
        None => vault
            .settings()?
            .remind_leads_secs
            .into_iter()
            .max()
            .unwrap_or(0),
    };
    let watched = vault.watched()?;
    if notify {
        send_reminders(vault, &watched, now)?;
    }
    let mut items = Vec::new();
    for a in needing_attention(&watched, within, now) {
        let token = vault.resolve(&a.token_id)?.into_meta(now);
        items.push(DueItem {
            token,
            reason: a.target,
            at: rfc3339(a.at),
            lapsed: a.lapsed,
        });
    }
    if json {
        output::json(&items)?;
    } else if items.is_empty() {
        eprintln!(
            "Nothing has lapsed, expires or is due for rotation within {}.",
            format_duration(within)
        );
    } else {
        let lines: Vec<String> = items
            .iter()
            .map(|i| {
                let at = i.at.as_deref().and_then(|t| parse_rfc3339(t).ok());
                let what = match (i.reason, i.lapsed) {
                    (Target::Expiry, _) => countdown(at, now),
                    (Target::Rotation, false) => format!("rotation {}", relative(at, now)),
                    (Target::Rotation, true) => "rotation overdue".into(),
                };
                format!("{}/{}  {what}", i.token.provider, i.token.name)
            })
            .collect();
        output::lines(&lines)?;
    }
    Ok(if items.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(3)
    })
}

/// The same reminders the app sends, with the same once-only memory.
fn send_reminders(vault: &Vault, watched: &[Watched], now: i64) -> Result<()> {
    if let Err(e) = notify::server() {
        bail!("{e}");
    }
    let done = vault.announce(watched, now, &chrono::Local, |n| {
        notify::send(n, false, None)
    })?;
    for n in &done.sent {
        eprintln!("Notified: {}", n.title);
    }
    if let Some(e) = done.failed {
        bail!("{e}");
    }
    Ok(())
}
