//! The fake host's fixtures about words the core writes: countdowns (with the instant their
//! text changes) and lead times as typed, so the UI shows exactly what the app would.

use std::collections::BTreeMap;

use serde_json::{Value, json};

const H: i64 = 3_600;
const D: i64 = 24 * H;

/// The core's countdown words and the instant they next change, for spans across every
/// boundary: the UI's countdown is tested against these, so the two cannot drift.
pub fn countdowns(now: i64) -> Value {
    use tokenkeeper_core::clock::{countdown, countdown_changes_at};
    let spans = [
        40 * D + 5 * H + 7,
        2 * D,
        D + 1,
        D,
        D - 1,
        4 * H + 12 * 60 + 30,
        2 * H,
        H + 1,
        H,
        H - 1,
        12 * 60 + 9,
        61,
        60,
        59,
        1,
        0,
        -1,
        -59,
        -60,
        -61,
        -H + 1,
        -H,
        -2 * H - 5,
        -D + 1,
        -D,
        -3 * D - 7,
    ];
    let cases: Vec<Value> = spans
        .iter()
        .map(|left| {
            let exp = now + left;
            json!({
                "expires_at": exp,
                "now": now,
                "text": countdown(Some(exp), now),
                "changes_at": countdown_changes_at(Some(exp), now),
            })
        })
        .collect();
    json!({ "never": countdown(None, now), "cases": cases })
}

/// How the core reads and writes lead times, for every text a UI test types.
pub fn leads() -> Value {
    use tokenkeeper_core::remind::{DEFAULT_LEADS, format_leads, parse_leads};
    let texts = [
        "14d,3d,1d,1h,0",
        "14d, 3d, 1h, 0",
        "7d,1d",
        "60s,0",
        "2w",
        "0",
        "none",
        "default",
        "",
        "3 days",
        "1y",
        "-1h",
        "10m,10m",
    ];
    let parsed: BTreeMap<&str, Value> = texts
        .iter()
        .map(|t| {
            let v = match parse_leads(t) {
                Ok(leads) => json!({ "ok": leads, "text": leads.as_deref().map(format_leads) }),
                Err(e) => json!({ "error": e.info() }),
            };
            (*t, v)
        })
        .collect();
    json!({ "default": DEFAULT_LEADS, "default_text": format_leads(&DEFAULT_LEADS), "parsed": parsed })
}
