//! `providers`, `check`, `revoke` and `rotate`: the catalog, and what the provider's API says
//! and does, stored in the vault.

use std::{io::IsTerminal, process::ExitCode};

use anyhow::{Result, bail};
use serde::Serialize;
use tokenkeeper_core::{
    Secret,
    check::{CheckReport, CheckState, Finding, report},
    model::{ExpirySource, TokenMeta},
    providers::{self, Guide},
};
use tokenkeeper_remote::{Act, Client, Held};
use tokenkeeper_vault::{Error as VaultError, Vault, db::tokens::TokenRow};

use crate::{net::block_on, output};

pub fn list(json: bool) -> Result<()> {
    let all = providers::catalog();
    if json {
        return output::json(&all);
    }
    let mut lines = Vec::new();
    for p in &all {
        lines.push(format!("{}  {}", p.id, p.name));
        for g in &p.guides {
            let mut can: Vec<&str> = Vec::new();
            if p.api.is_some() {
                for (yes, what) in [
                    (g.can.check, "check"),
                    (g.can.revoke, "revoke"),
                    (g.can.rotate, "rotate"),
                ] {
                    if yes {
                        can.push(what);
                    }
                }
            }
            let life = match (g.lifetime.default.secs(), g.lifetime.max.secs()) {
                (Some(d), Some(m)) => format!(
                    "{} by default, at most {}",
                    tokenkeeper_core::clock::format_duration(d),
                    tokenkeeper_core::clock::format_duration(m)
                ),
                (Some(d), None) => {
                    format!("{} by default", tokenkeeper_core::clock::format_duration(d))
                }
                (None, _) => "no expiry by default".into(),
            };
            lines.push(format!(
                "  {:<18} {:<40} {life}{}",
                g.id,
                g.name,
                if can.is_empty() {
                    String::new()
                } else {
                    format!("; can {}", can.join(", "))
                }
            ));
        }
    }
    output::lines(&lines)
}

fn held<'a>(row: &'a TokenRow, secret: &'a Secret) -> Held<'a> {
    Held {
        provider: &row.provider,
        kind: row.kind,
        instance: row.instance_url.as_deref(),
        secret,
        stored_expiry: row.expires_at,
        secret_set_at: row.secret_set_at,
    }
}

/// Runs a live check and stores it; `unsupported` is reported, not stored.
pub fn check_now(vault: &Vault, row: &TokenRow, now: i64) -> Result<CheckReport> {
    let secret = match vault.secret(&row.id, now) {
        Ok(s) => s,
        Err(VaultError::Revoked { .. }) => {
            let f = Finding::new(
                CheckState::Revoked,
                "Revoked in Tokenkeeper; its secret was deleted, so there is nothing to check",
            );
            return Ok(report(&f, now));
        }
        Err(e) => return Err(e.into()),
    };
    let finding = block_on(tokenkeeper_remote::check_held(
        &Client::new()?,
        &held(row, &secret),
        now,
    ))?;
    if finding.state == CheckState::Unsupported {
        return Ok(report(&finding, now));
    }
    Ok(vault.record_check(&row.id, &finding, now)?)
}

pub fn check(vault: &Vault, key: &str, json: bool, now: i64) -> Result<ExitCode> {
    let row = vault.resolve(key)?;
    let report = check_now(vault, &row, now)?;
    if json {
        output::json(&report)?;
    } else {
        let mut lines = vec![format!("{}: {}", report.state.as_ref(), report.detail)];
        if let Some(t) = &report.expires_at {
            lines.push(format!(
                "expires   {t} (from {})",
                providers::display_name(&row.provider)
            ));
        } else if report.never_expires {
            lines.push(format!(
                "expires   never (from {})",
                providers::display_name(&row.provider)
            ));
        }
        if !report.scopes.is_empty() {
            lines.push(format!("scopes    {}", report.scopes.join(", ")));
        }
        if let Some(a) = &report.account {
            lines.push(format!("account   {a}"));
        }
        if let Some(s) = report.retry_after {
            lines.push(format!("retry in  {s} s"));
        }
        output::lines(&lines)?;
    }
    Ok(if report.state == CheckState::Valid {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

#[derive(Serialize)]
struct RevokeOutput<'a> {
    state: &'a str,
    detail: String,
    token: Option<TokenMeta>,
    steps: Vec<String>,
    url: Option<&'a str>,
}

pub fn revoke(
    vault: &Vault,
    key: &str,
    yes: bool,
    mark: bool,
    json: bool,
    now: i64,
) -> Result<ExitCode> {
    let row = vault.resolve(key)?;
    let label = format!("{}/{}", row.provider, row.name);
    if mark {
        let meta = vault.mark_revoked(&row.id, "revoked by hand at the provider", now)?;
        return done(
            json,
            "revoked",
            format!("Marked {label} as revoked; its secret was deleted"),
            meta,
        );
    }
    if row.revoked_at.is_some() {
        bail!("{label} is revoked already");
    }
    if let Some(access) = vault.grant_access_id(&row.id)? {
        if !yes
            && !confirmed(&format!(
                "Revoke the sign-in behind {label}? Its tokens stop working."
            ))?
        {
            bail!("nothing revoked (answer y to revoke, or pass --yes)");
        }
        let meta = crate::oauth::revoke(vault, &access)?;
        return done(
            json,
            "revoked",
            format!(
                "{} accepted the revocation; {label} is marked revoked and its secrets deleted",
                meta.provider
            ),
            meta,
        );
    }
    let secret = vault.secret(&row.id, now)?;
    let held = held(&row, &secret);
    if !held.supports(Act::Revoke) {
        let guide = providers::guide_for(&row.provider, row.kind, Some(secret.expose()));
        return by_hand(&row, guide, json);
    }
    if !yes
        && !confirmed(&format!(
            "Revoke {label} at {}? It stops working everywhere.",
            providers::display_name(&row.provider)
        ))?
    {
        bail!("nothing revoked (answer y to revoke, or pass --yes)");
    }
    let revoked = block_on(tokenkeeper_remote::revoke_held(&Client::new()?, &held, now))?;
    let meta = vault.mark_revoked(&row.id, &revoked.detail, now)?;
    done(
        json,
        "revoked",
        format!(
            "{}; {label} is marked revoked and its secret deleted",
            revoked.detail
        ),
        meta,
    )
}

/// Asks on the terminal; without one, refuses (scripts pass --yes).
fn confirmed(question: &str) -> Result<bool> {
    if !std::io::stdin().is_terminal() {
        bail!("refusing to revoke without confirmation: pass --yes");
    }
    crate::commands::confirm(question)
}

fn done(json: bool, state: &str, detail: String, meta: TokenMeta) -> Result<ExitCode> {
    if json {
        output::json(&RevokeOutput {
            state,
            detail,
            token: Some(meta),
            steps: Vec::new(),
            url: None,
        })?;
    } else {
        eprintln!("{detail}");
    }
    Ok(ExitCode::SUCCESS)
}

/// No API for it: the guide's steps and page, exit 3.
fn by_hand(row: &TokenRow, guide: Option<&'static Guide>, json: bool) -> Result<ExitCode> {
    let steps: Vec<String> = guide
        .map(|g| g.revoke_steps.iter().map(|s| s.text.clone()).collect())
        .unwrap_or_default();
    let url = guide.and_then(|g| g.revoke_url.as_deref());
    let detail = format!(
        "{} offers no API to revoke this token: revoke it on its page, then run \
         `tokenkeeper revoke {}/{} --mark-revoked`",
        providers::display_name(&row.provider),
        row.provider,
        row.name
    );
    if json {
        output::json(&RevokeOutput {
            state: "manual",
            detail,
            token: None,
            steps,
            url,
        })?;
    } else {
        let mut lines = vec![detail];
        lines.extend(
            steps
                .iter()
                .enumerate()
                .map(|(i, s)| format!("{:>3}. {s}", i + 1)),
        );
        if let Some(u) = url {
            lines.push(format!("     {u}"));
        }
        output::lines(&lines)?;
    }
    Ok(ExitCode::from(3))
}

#[derive(Serialize)]
struct RotateOutput {
    old: TokenMeta,
    new: TokenMeta,
    check: CheckReport,
    /// The new token took over the old one's name (its check passed).
    finished: bool,
}

pub fn rotate(vault: &Vault, key: &str, json: bool, now: i64) -> Result<()> {
    let row = vault.resolve(key)?;
    let label = format!("{}/{}", row.provider, row.name);
    let secret = vault.secret(&row.id, now)?;
    let rotated = block_on(tokenkeeper_remote::rotate_held(
        &Client::new()?,
        &held(&row, &secret),
        now,
    ))
    .map_err(|e| match e {
        tokenkeeper_remote::Error::Unsupported(m) => {
            anyhow::anyhow!("{m} (in the app: Rotate; here: `tokenkeeper replace {label}`)")
        }
        other => other.into(),
    })?;
    let new = match vault.add_replacement(
        &row.id,
        &rotated.secret,
        rotated.expires_at.map(|t| (t, ExpirySource::Provider)),
        now,
    ) {
        Ok(n) => n,
        Err(e) => {
            // The provider has revoked the old token already: this is the only copy.
            eprintln!(
                "error: {} issued a replacement, but it could not be stored ({e}). The old \
                 token no longer works. This is the only copy of the new one; store it now:",
                providers::display_name(&row.provider)
            );
            eprintln!("{}", rotated.secret.expose());
            bail!("the replacement was not stored");
        }
    };
    let new_row = vault.resolve(&new.id)?;
    let check = check_now(vault, &new_row, now)?;
    let finished = check.state == CheckState::Valid;
    let (old, new) = if finished {
        vault.finish_replacement(&row.id, &new.id, Some(&rotated.detail), now)?
    } else {
        (vault.meta(&row.id, now)?, new)
    };
    if json {
        return output::json(&RotateOutput {
            old,
            new,
            check,
            finished,
        });
    }
    if finished {
        eprintln!(
            "{}; the replacement passed a live check and is now {label}",
            rotated.detail
        );
    } else {
        eprintln!(
            "{}; the replacement is stored as {}/{} but its check said: {}",
            rotated.detail, new.provider, new.name, check.detail
        );
    }
    Ok(())
}
