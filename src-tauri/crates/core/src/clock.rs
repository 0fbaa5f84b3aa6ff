//! Conversions between unix seconds and RFC 3339, and times in the app's words. Nothing here
//! reads a clock: the edges (CLI, app) read it once and pass `now` in.

use chrono::{DateTime, SecondsFormat, Utc};

use crate::error::{Error, Result};

/// The range RFC 3339 can write: years 0000 to 9999.
const MIN_SECS: i64 = -62_167_219_200;
const MAX_SECS: i64 = 253_402_300_799;

/// RFC 3339 in UTC (`2026-11-21T10:00:00Z`), or `None` when out of the representable range.
pub fn rfc3339(secs: i64) -> Option<String> {
    if !(MIN_SECS..=MAX_SECS).contains(&secs) {
        return None;
    }
    DateTime::<Utc>::from_timestamp(secs, 0).map(|t| t.to_rfc3339_opts(SecondsFormat::Secs, true))
}

/// Parses RFC 3339 (any offset) into unix seconds.
pub fn parse_rfc3339(s: &str) -> Result<i64> {
    DateTime::parse_from_rfc3339(s.trim())
        .map(|t| t.timestamp())
        .map_err(|e| {
            Error::InvalidInput(format!(
                "`{s}` is not an RFC 3339 time ({e}); write it like 2026-12-31T23:59:00Z"
            ))
        })
}

/// Parses a user's expiry: RFC 3339, a date (`2026-12-31`, end of that day UTC), or a duration
/// from `now` such as `90d`, `12h`, `30m`.
pub fn parse_expiry(s: &str, now: i64) -> Result<i64> {
    let t = s.trim();
    let mult = match t.chars().last() {
        Some('d') => Some(86_400),
        Some('h') => Some(3_600),
        Some('m') => Some(60),
        Some('s') => Some(1),
        _ => None,
    };
    // The unit is ASCII, so cutting one byte stays on a char boundary.
    if let Some(mult) = mult
        && let Ok(n) = t[..t.len() - 1].parse::<i64>()
    {
        return n
            .checked_mul(mult)
            .and_then(|d| now.checked_add(d))
            .ok_or_else(|| Error::InvalidInput(format!("`{s}` is too far away")));
    }
    if t.len() == 10
        && let Ok(secs) = parse_rfc3339(&format!("{t}T23:59:59Z"))
    {
        return Ok(secs);
    }
    parse_rfc3339(t).map_err(|_| {
        Error::InvalidInput(format!(
            "`{s}` is not an expiry: use RFC 3339 (2026-12-31T23:59:00Z), a date (2026-12-31) \
             or a duration (90d, 12h, 30m)"
        ))
    })
}

/// A countdown in the app's words: `in 12d 4h` beyond a day, `in 4h 12m` under a day (changes
/// once a minute), `in 12:09` under an hour (ticks every second), `expired 2h ago` after. The
/// UI's countdown is tested against this function's output (generated fixtures).
pub fn countdown(expires_at: Option<i64>, now: i64) -> String {
    let Some(exp) = expires_at else {
        return "never expires".into();
    };
    let left = exp.saturating_sub(now);
    if left > 0 {
        match left {
            86_400.. => format!("in {}d {}h", left / 86_400, left % 86_400 / 3_600),
            3_600.. => format!("in {}h {}m", left / 3_600, left % 3_600 / 60),
            _ => format!("in {:02}:{:02}", left / 60, left % 60),
        }
    } else {
        let ago = now.saturating_sub(exp);
        match ago {
            0..60 => "expired just now".into(),
            60..3_600 => format!("expired {}m ago", ago / 60),
            3_600..86_400 => format!("expired {}h ago", ago / 3_600),
            _ => format!("expired {}d ago", ago / 86_400),
        }
    }
}

/// The instant at which [`countdown`]'s text next changes (`None` when it never will again
/// or the token has no expiry), so a screen only repaints a row when its words change.
pub fn countdown_changes_at(expires_at: Option<i64>, now: i64) -> Option<i64> {
    let exp = expires_at?;
    let left = exp.saturating_sub(now);
    let step = |unit: i64| {
        // The text shows whole units of `left`; it changes when `left` drops below the next
        // multiple, i.e. one second after `left` reaches a multiple of `unit`.
        let r = left % unit;
        now.saturating_add(if r == 0 { 1 } else { r + 1 }.min(left))
    };
    Some(match left {
        86_400.. => step(3_600).min(exp - 86_400 + 1).max(now + 1),
        3_600.. => step(60).min(exp - 3_600 + 1).max(now + 1),
        1.. => now + 1,
        _ => {
            let ago = now.saturating_sub(exp);
            match ago {
                0..60 => exp + 60,
                60..3_600 => now + (60 - ago % 60),
                3_600..86_400 => now + (3_600 - ago % 3_600),
                _ => now + (86_400 - ago % 86_400),
            }
        }
    })
}

/// A duration a user typed: `90d`, `12h`, `30m`, `60s`, or `0` (at the moment itself).
pub fn parse_duration(s: &str) -> Result<i64> {
    let t = s.trim();
    if t == "0" {
        return Ok(0);
    }
    let bad = || {
        Error::InvalidInput(format!(
            "`{s}` is not a duration: write a number with a unit, like 14d, 3h, 10m, 60s or 0"
        ))
    };
    let mult = match t.chars().last() {
        Some('w') => 7 * 86_400,
        Some('d') => 86_400,
        Some('h') => 3_600,
        Some('m') => 60,
        Some('s') => 1,
        _ => return Err(bad()),
    };
    let n: i64 = t[..t.len() - 1].parse().map_err(|_| bad())?;
    if n < 0 {
        return Err(bad());
    }
    n.checked_mul(mult).ok_or_else(bad)
}

/// A duration in the shortest exact unit: `14d`, `36h`, `90m`, `45s`, `0`.
pub fn format_duration(secs: i64) -> String {
    match secs {
        0 => "0".into(),
        s if s % 86_400 == 0 => format!("{}d", s / 86_400),
        s if s % 3_600 == 0 => format!("{}h", s / 3_600),
        s if s % 60 == 0 => format!("{}m", s / 60),
        s => format!("{s}s"),
    }
}

/// `in 3d 2h` / `3d 2h ago` style relative time, for times that are not expiries.
pub fn relative(at: Option<i64>, now: i64) -> String {
    let Some(at) = at else {
        return "unknown".into();
    };
    let d = at.saturating_sub(now);
    let a = d.unsigned_abs();
    let span = match a {
        0..60 => format!("{a}s"),
        60..3_600 => format!("{}m", a / 60),
        3_600..86_400 => format!("{}h {}m", a / 3_600, a % 3_600 / 60),
        _ => format!("{}d {}h", a / 86_400, a % 86_400 / 3_600),
    };
    if d >= 0 {
        format!("in {span}")
    } else {
        format!("{span} ago")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_formats_utc() {
        assert_eq!(
            rfc3339(1_300_819_380).as_deref(),
            Some("2011-03-22T18:43:00Z")
        );
        assert_eq!(
            parse_rfc3339("2011-03-22T19:43:00+01:00").ok(),
            Some(1_300_819_380)
        );
        assert_eq!(rfc3339(i64::MAX), None);
    }

    #[test]
    fn countdown_words() {
        assert_eq!(countdown(None, 0), "never expires");
        assert_eq!(countdown(Some(86_400 + 4 * 3_600 + 5), 0), "in 1d 4h");
        assert_eq!(countdown(Some(86_400), 0), "in 1d 0h");
        assert_eq!(countdown(Some(86_399), 0), "in 23h 59m");
        assert_eq!(countdown(Some(3_600), 0), "in 1h 0m");
        assert_eq!(countdown(Some(3_599), 0), "in 59:59");
        assert_eq!(countdown(Some(1), 0), "in 00:01");
        assert_eq!(countdown(Some(0), 0), "expired just now");
        assert_eq!(countdown(Some(0), 7_200), "expired 2h ago");
        assert_eq!(countdown(Some(0), 3 * 86_400), "expired 3d ago");
    }

    #[test]
    fn countdown_changes_exactly_when_its_text_does() {
        // Walk second by second over the interesting spans and check the prediction.
        let exp = 2 * 86_400 + 7;
        for now in (0..exp + 90_000)
            .step_by(101)
            .chain(exp - 3_700..exp + 3_700)
        {
            let at = countdown_changes_at(Some(exp), now).expect("an expiry changes");
            assert!(at > now, "at {now}: next change {at} is not in the future");
            let text = countdown(Some(exp), now);
            for t in now + 1..at {
                assert_eq!(
                    countdown(Some(exp), t),
                    text,
                    "changed early at {t} (from {now})"
                );
            }
            assert_ne!(
                countdown(Some(exp), at),
                text,
                "no change at {at} (from {now})"
            );
        }
        assert_eq!(countdown_changes_at(None, 0), None);
    }

    #[test]
    fn durations_and_leads() {
        assert_eq!(parse_duration("14d").ok(), Some(14 * 86_400));
        assert_eq!(parse_duration(" 60s ").ok(), Some(60));
        assert_eq!(parse_duration("2w").ok(), Some(14 * 86_400));
        assert_eq!(parse_duration("0").ok(), Some(0));
        for bad in ["", "d", "-1h", "1y", "1.5h", "99999999999999999d"] {
            assert!(parse_duration(bad).is_err(), "{bad:?} was accepted");
        }
        for secs in [0, 60, 90 * 60, 36 * 3_600, 14 * 86_400, 45] {
            assert_eq!(parse_duration(&format_duration(secs)).ok(), Some(secs));
        }
    }

    #[test]
    fn expiry_forms() {
        assert_eq!(parse_expiry("90d", 0).ok(), Some(90 * 86_400));
        assert_eq!(parse_expiry("2h", 10).ok(), Some(7_210));
        assert_eq!(parse_expiry("1970-01-02", 0).ok(), Some(86_400 + 86_399));
        assert!(parse_expiry("soon", 0).is_err());
        assert!(parse_expiry("90é", 0).is_err());
        assert!(parse_expiry("9999999999999999d", 0).is_err());
    }
}
