//! The words of a reminder notification, made from a [`Plan`]. Pure: the caller passes `now`
//! and the time zone to write dates in (the edges pass `chrono::Local`).

use chrono::{DateTime, TimeZone};
use serde::Serialize;

use crate::remind::{Due, Plan, ReminderKey, Target};

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
