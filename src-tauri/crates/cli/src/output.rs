//! Human and JSON output. Nothing here ever receives a secret.

use anyhow::Result;
use serde::Serialize;
use tokenkeeper_core::{
    clock::{countdown, parse_rfc3339, relative},
    model::{Inspection, Status, TokenEvent, TokenMeta},
};

pub fn json<T: Serialize>(value: &T) -> Result<()> {
    println!("{}", serde_json::to_string_pretty(value)?);
    Ok(())
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
    for r in std::iter::once(&header).chain(&rows) {
        let line: Vec<String> = r
            .iter()
            .zip(widths)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect();
        println!("{}", line.join("  ").trim_end());
    }
    Ok(())
}

pub fn show(t: &TokenMeta, events: &[TokenEvent], now: i64) -> Result<()> {
    let exp = secs(t.expires_at.as_deref());
    println!("{}/{}", t.provider, t.name);
    println!("  id        {}", t.id);
    println!("  kind      {} ({})", word(&t.kind), word(&t.format));
    println!("  status    {}", status_word(t.status));
    println!(
        "  expires   {} ({})",
        t.expires_at.as_deref().unwrap_or("never"),
        countdown(exp, now)
    );
    if let Some(a) = &t.account {
        println!("  account   {a}");
    }
    if !t.scopes.is_empty() {
        println!("  scopes    {}", t.scopes.join(" "));
    }
    if t.secret_missing {
        println!("  warning   the keyring no longer holds this token's secret");
    }
    if !t.notes.is_empty() {
        println!("  notes     {}", t.notes);
    }
    println!("  events");
    for e in events {
        println!(
            "    {}  {}{}",
            e.at,
            word(&e.kind),
            if e.detail.is_empty() {
                String::new()
            } else {
                format!(" ({})", e.detail)
            }
        );
    }
    Ok(())
}

pub fn inspection(i: &Inspection, now: i64) -> Result<()> {
    println!("format     {}", word(&i.format));
    println!("provider   {}", i.provider.as_deref().unwrap_or("unknown"));
    println!("kind       {}", word(&i.kind));
    if let Some(alg) = &i.alg {
        println!("alg        {alg}");
    }
    println!("signature  {}", word(&i.signature));
    println!("status     {}", status_word(i.status));
    for (label, t) in [
        ("expires", &i.expires_at),
        ("issued", &i.issued_at),
        ("not before", &i.not_before),
    ] {
        if let Some(t) = t {
            println!("{label:<10} {t} ({})", relative(secs(Some(t)), now));
        }
    }
    if let Some(h) = &i.header {
        println!("header (unverified)\n{}", serde_json::to_string_pretty(h)?);
    }
    if let Some(c) = &i.claims {
        println!("claims (unverified)\n{}", serde_json::to_string_pretty(c)?);
    }
    for w in &i.warnings {
        println!("warning: {w}");
    }
    Ok(())
}
