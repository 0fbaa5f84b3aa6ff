//! The words of a reminder notification, made from a [`Plan`]. Pure: the caller passes `now`
//! and the time zone to write dates in (the edges pass `chrono::Local`).

use chrono::{DateTime, TimeZone};
use serde::Serialize;

use crate::remind::{Due, Plan, ReminderKey, Target, Watched, needing_attention};

/// The tray counts and lists what expires (or is due for rotation) within this window.
pub const TRAY_WINDOW_SECS: i64 = 3 * 86_400;

/// What the tray shows: a line for the tooltip and menu, the next tokens to act on, and
/// whether the icon should ask for attention.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TraySummary {
    pub text: String,
    /// Anything expired, overdue for rotation, or due within the window.
    pub attention: bool,
    /// Up to three (token id, "GitHub / ci — expires Fri 4 Dec 14:00").
    pub next: Vec<(String, String)>,
}

/// The tray's summary at `now`, dates in `tz`.
pub fn tray_summary<Tz: TimeZone>(tokens: &[Watched], now: i64, tz: &Tz) -> TraySummary
where
    Tz::Offset: std::fmt::Display,
{
    let items = needing_attention(tokens, TRAY_WINDOW_SECS, now);
    let lapsed = items.iter().filter(|a| a.lapsed).count();
    let soon = items.len() - lapsed;
    let soon_text = |n: usize| format!("{n} due within 3 days");
    let text = match (soon, lapsed) {
        (0, 0) => "Nothing due within 3 days".to_owned(),
        (s, 0) => soon_text(s),
        (0, l) => format!("{l} expired or overdue"),
        (s, l) => format!("{}, {l} expired or overdue", soon_text(s)),
    };
    let label = |id: &str| {
        tokens
            .iter()
            .find(|t| t.id == id)
            .map_or_else(|| id.to_owned(), |t| t.label.clone())
    };
    let next = items
        .iter()
        .take(3)
        .map(|a| {
            let when = local_when(a.at, tz);
            let what = match (a.target, a.lapsed) {
                (Target::Expiry, false) => format!("expires {when}"),
                (Target::Expiry, true) => format!("expired {when}"),
                (Target::Rotation, false) => format!("rotate by {when}"),
                (Target::Rotation, true) => format!("rotation overdue since {when}"),
            };
            (
                a.token_id.clone(),
                format!("{} — {what}", label(&a.token_id)),
            )
        })
        .collect();
    TraySummary {
        text,
        attention: !items.is_empty(),
        next,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Urgency {
    Normal,
    /// Something has expired (or is past its rotation date).
    Critical,
}

/// One desktop notification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub title: String,
    pub body: String,
    pub urgency: Urgency,
    /// The token "Open" shows; `None` for a summary about several.
    pub token_id: Option<String>,
    /// The reminders this notice settles.
    pub keys: Vec<ReminderKey>,
}

/// "Fri 4 Dec 14:00" in `tz`.
pub fn local_when<Tz: TimeZone>(at: i64, tz: &Tz) -> String
where
    Tz::Offset: std::fmt::Display,
{
    DateTime::from_timestamp(at, 0)
        .map(|t| t.with_timezone(tz).format("%a %-d %b %H:%M").to_string())
        .unwrap_or_else(|| "an unrepresentable date".into())
}

/// "in 3 days", "in 10 min", "2 hours ago": a reminder's distance, rounded the way people say it.
pub fn distance(at: i64, now: i64) -> String {
    let d = at.saturating_sub(now);
    let a = d.unsigned_abs();
    let unit = |n: u64, one: &str| format!("{n} {one}{}", if n == 1 { "" } else { "s" });
    let span = match a {
        0..60 => {
            return if d >= 0 {
                "in under a minute".into()
            } else {
                "just now".into()
            };
        }
        60..7_200 => format!("{} min", (a + 30) / 60),
        7_200..172_800 => unit((a + 1_800) / 3_600, "hour"),
        _ => unit((a + 43_200) / 86_400, "day"),
    };
    if d > 0 {
        format!("in {span}")
    } else {
        format!("{span} ago")
    }
}

/// What one due reminder says, as a sentence about its token.
fn sentence(d: &Due, now: i64) -> (String, bool) {
    let at = d.key.target_at;
    let past = at <= now;
    let what = match (d.key.target, past) {
        (Target::Expiry, false) => format!("expires {}", distance(at, now)),
        (Target::Expiry, true) if now - at < 60 => "has expired".into(),
        (Target::Expiry, true) => format!("expired {}", distance(at, now)),
        (Target::Rotation, false) => format!("is due for rotation {}", distance(at, now)),
        (Target::Rotation, true) => "is due for rotation".into(),
    };
    (format!("{} {what}", d.label), past)
}

/// The notifications for `plan` at `now`: one per due reminder, or one summary when the plan
/// says so (`Plan::summarize`). The caller settles `plan.folded` itself, notice or not.
pub fn notices<Tz: TimeZone>(plan: &Plan, now: i64, tz: &Tz) -> Vec<Notice>
where
    Tz::Offset: std::fmt::Display,
{
    let urgency = |past: bool| {
        if past {
            Urgency::Critical
        } else {
            Urgency::Normal
        }
    };
    if plan.summarize() {
        let mut tokens: Vec<&str> = plan.due.iter().map(|d| d.key.token_id.as_str()).collect();
        tokens.sort_unstable();
        tokens.dedup();
        let lines: Vec<(String, bool)> = plan.due.iter().map(|d| sentence(d, now)).collect();
        let n = tokens.len();
        vec![Notice {
            title: format!(
                "{n} token{} need{} attention",
                if n == 1 { "" } else { "s" },
                if n == 1 { "s" } else { "" }
            ),
            body: lines
                .iter()
                .map(|(l, _)| l.as_str())
                .collect::<Vec<_>>()
                .join("\n"),
            urgency: urgency(lines.iter().any(|(_, past)| *past)),
            token_id: (n == 1).then(|| tokens[0].to_owned()),
            keys: plan.due.iter().map(|d| d.key.clone()).collect(),
        }]
    } else {
        plan.due
            .iter()
            .map(|d| {
                let (title, past) = sentence(d, now);
                let when = local_when(d.key.target_at, tz);
                let body = match (d.key.target, past) {
                    (Target::Expiry, false) => {
                        format!("{when}. Renew or replace it before then.")
                    }
                    (Target::Expiry, true) => {
                        format!("It expired {when}. Replace it so what uses it keeps working.")
                    }
                    (Target::Rotation, _) => {
                        format!("Rotation date: {when}. Replace the secret to reset the clock.")
                    }
                };
                Notice {
                    title,
                    body,
                    urgency: urgency(past),
                    token_id: Some(d.key.token_id.clone()),
                    keys: vec![d.key.clone()],
                }
            })
            .collect()
    }
}
