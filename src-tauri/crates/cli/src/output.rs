//! Human and JSON output. Nothing here ever receives a secret.

use std::io::{self, BufWriter, ErrorKind, Write};

use anyhow::Result;
use serde::Serialize;
use tokenkeeper_core::{
    clock::{countdown, parse_rfc3339, relative},
    model::{Inspection, Status, TokenEvent, TokenMeta},
};

/// Writes through one buffered, locked stdout. A reader that stops early (`tokenkeeper list |
/// head`) is not an error: the output just ends there, as ripgrep's does.
fn emit(write: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> Result<()> {
    let mut out = BufWriter::with_capacity(64 * 1024, io::stdout().lock());
    match write(&mut out).and_then(|()| out.flush()) {
        Err(e) if e.kind() == ErrorKind::BrokenPipe => Ok(()),
        other => Ok(other?),
    }
}

/// Plain lines of text for a person.
pub fn lines(lines: &[String]) -> Result<()> {
    emit(|out| lines.iter().try_for_each(|l| writeln!(out, "{l}")))
}

/// What a command that stored a token prints: its metadata as JSON, or one line such as
/// "Stored github/ci (id)" where `done` is the verb.
pub fn stored(done: &str, t: &TokenMeta, json: bool) -> Result<()> {
    if json {
        self::json(t)
    } else {
        lines(&[format!("{done} {}/{} ({})", t.provider, t.name, t.id)])
    }
}

/// Pretty JSON, streamed rather than built as one string first (10,000 tokens are ~6 MB).
pub fn json<T: Serialize>(value: &T) -> Result<()> {
    emit(|out| {
        serde_json::to_writer_pretty(&mut *out, value)?;
        writeln!(out)
    })
}

fn word<T: Serialize>(v: &T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

fn status_word(s: Status) -> &'static str {
    match s {
        Status::Revoked => "revoked",
        Status::Expired => "expired",
        Status::NotYetValid => "not yet valid",
        Status::ExpiringSoon => "expiring soon",
        Status::Valid => "valid",
        Status::NoExpiry => "no expiry",
    }
}

fn secs(t: Option<&str>) -> Option<i64> {
    t.and_then(|t| parse_rfc3339(t).ok())
}

pub fn table(tokens: &[TokenMeta], now: i64) -> Result<()> {
    if tokens.is_empty() {
        eprintln!("No tokens yet. Add one: printf %s \"$TOKEN\" | tokenkeeper add --name NAME");
        return Ok(());
    }
    let rows: Vec<[String; 5]> = tokens
        .iter()
        .map(|t| {
            [
                t.id.chars().take(8).collect(),
                format!("{}/{}", t.provider, t.name),
                word(&t.kind),
                status_word(t.status).to_owned(),
                countdown(secs(t.expires_at.as_deref()), now),
            ]
        })
        .collect();
    let header = ["ID", "TOKEN", "KIND", "STATUS", "EXPIRES"].map(str::to_owned);
    let mut widths = [0usize; 5];
    for r in std::iter::once(&header).chain(&rows) {
        for (w, c) in widths.iter_mut().zip(r) {
            *w = (*w).max(c.chars().count());
        }
    }
    emit(|out| {
        for r in std::iter::once(&header).chain(&rows) {
            let line: Vec<String> = r
                .iter()
                .zip(widths)
                .map(|(c, w)| format!("{c:<w$}"))
                .collect();
            writeln!(out, "{}", line.join("  ").trim_end())?;
        }
        Ok(())
    })
}

pub fn show(t: &TokenMeta, events: &[TokenEvent], git_hosts: &[String], now: i64) -> Result<()> {
    emit(|out| {
        let exp = secs(t.expires_at.as_deref());
        writeln!(out, "{}/{}", t.provider, t.name)?;
        writeln!(out, "  id        {}", t.id)?;
        writeln!(out, "  kind      {} ({})", word(&t.kind), word(&t.format))?;
        writeln!(out, "  status    {}", status_word(t.status))?;
        writeln!(
            out,
            "  expires   {} ({})",
            t.expires_at.as_deref().unwrap_or("never"),
            countdown(exp, now)
        )?;
        if let Some(a) = &t.account {
            writeln!(out, "  account   {a}")?;
        }
        if !t.scopes.is_empty() {
            writeln!(out, "  scopes    {}", t.scopes.join(" "))?;
        }
        if t.secret_missing {
            writeln!(
                out,
                "  warning   the keyring no longer holds this token's secret"
            )?;
        }
        if !git_hosts.is_empty() {
            writeln!(out, "  git       {}", git_hosts.join(" "))?;
        }
        if !t.notes.is_empty() {
            writeln!(out, "  notes     {}", t.notes)?;
        }
        writeln!(out, "  events")?;
        for e in events {
            writeln!(
                out,
                "    {}  {}{}",
                e.at,
                word(&e.kind),
                if e.detail.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", e.detail)
                }
            )?;
        }
        Ok(())
    })
}

pub fn inspection(i: &Inspection, now: i64) -> Result<()> {
    emit(|out| {
        writeln!(out, "format     {}", word(&i.format))?;
        writeln!(
            out,
            "provider   {}",
            i.provider.as_deref().unwrap_or("unknown")
        )?;
        writeln!(out, "kind       {}", word(&i.kind))?;
        if let Some(alg) = &i.alg {
            writeln!(out, "alg        {alg}")?;
        }
        writeln!(out, "signature  {}", word(&i.signature))?;
        writeln!(out, "status     {}", status_word(i.status))?;
        for (label, t) in [
            ("expires", &i.expires_at),
            ("issued", &i.issued_at),
            ("not before", &i.not_before),
        ] {
            if let Some(t) = t {
                writeln!(out, "{label:<10} {t} ({})", relative(secs(Some(t)), now))?;
            }
        }
        for (label, part) in [("header", &i.header), ("claims", &i.claims)] {
            if let Some(part) = part {
                writeln!(out, "{label} (unverified)")?;
                serde_json::to_writer_pretty(&mut *out, part)?;
                writeln!(out)?;
            }
        }
        for w in &i.warnings {
            writeln!(out, "warning: {w}")?;
        }
        Ok(())
    })
}

/// `verify`'s checks, one line each.
pub fn checks(checks: &[tokenkeeper_core::verify::Check]) -> Result<()> {
    emit(|out| {
        for c in checks {
            let word = if c.passed { "ok" } else { "FAILED" };
            writeln!(out, "check {:<10} {word:<6} {}", c.check, c.detail)?;
        }
        Ok(())
    })
}

/// The sign-in behind an OAuth token, for `show`.
pub fn grant(g: &tokenkeeper_core::oauth::GrantInfo, now: i64) -> Result<()> {
    use tokenkeeper_core::{clock::relative, oauth::GrantState};
    let at = |t: Option<&str>| relative(secs(t), now);
    let mut out = vec![format!("sign-in     {} ({} flow)", g.profile, g.flow)];
    out.push(format!(
        "state       {}",
        match g.state {
            GrantState::Ok => "ok".to_owned(),
            GrantState::SignInAgain => format!("sign in again: `tokenkeeper login {}`", g.profile),
            GrantState::Retrying => "refresh failing, retrying".to_owned(),
            GrantState::RevocationPending => "revocation pending".to_owned(),
        }
    ));
    if let Some(d) = &g.detail {
        out.push(format!("            {d}"));
    }
    if g.refresh_at.is_some() {
        out.push(format!("refresh     {}", at(g.refresh_at.as_deref())));
    }
    if g.refresh_id.is_some() {
        out.push(format!(
            "refresh token expires {}",
            match &g.refresh_expires_at {
                Some(_) => at(g.refresh_expires_at.as_deref()),
                None => "never, or not said".to_owned(),
            }
        ));
    }
    lines(&out)
}

/// `tokenkeeper log`: when, which token, what, who asked.
pub fn access_log(log: &[tokenkeeper_core::credential::AccessEvent]) -> Result<()> {
    emit(|out| {
        if log.is_empty() {
            writeln!(out, "No secret has left the vault.")?;
        }
        for e in log {
            let token = e.token.as_deref().unwrap_or(e.token_id.as_str());
            writeln!(out, "{}  {token}  {}  {}", e.at, word(&e.kind), e.by)?;
        }
        Ok(())
    })
}
