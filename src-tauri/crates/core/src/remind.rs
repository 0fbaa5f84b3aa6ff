//! The reminder schedule: which expiry and rotation reminders are due at `now`, which of them
//! to announce and which to fold into a summary, and the next instant anything changes. Pure:
//! the caller passes the tokens, what has already fired and `now`; nothing here reads a clock.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

/// The default lead times: 14 days, 3 days, 1 day, 1 hour and at expiry.
pub const DEFAULT_LEADS: [i64; 5] = [14 * 86_400, 3 * 86_400, 86_400, 3_600, 0];

/// A reminder that became due less than this long ago is announced as new; older ones (they
/// fell due while nothing was running, the computer slept or the clock jumped) go into one
/// summary instead of a burst.
pub const FRESH_SECS: i64 = 15 * 60;

/// More fresh announcements than this at once are also sent as one summary.
pub const MAX_SEPARATE: usize = 3;

/// What a reminder is about.
#[derive(strum::EnumString, strum::AsRefStr)]
#[strum(serialize_all = "snake_case")]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Target {
    Expiry,
    Rotation,
}

/// One reminder: `lead` seconds before `target_at` (the expiry or rotation date) of a token.
/// A new expiry (after a replace or refresh) is a new `target_at`, so it starts fresh.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ReminderKey {
    pub token_id: String,
    pub target: Target,
    pub target_at: i64,
    pub lead: i64,
}

impl ReminderKey {
    pub fn fire_at(&self) -> i64 {
        self.target_at.saturating_sub(self.lead)
    }
}

/// A token as the schedule sees it (unix seconds).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Watched {
    pub id: String,
    /// "GitHub / ci-deploy": the provider's name and the token's.
    pub label: String,
    /// When the token's life began (`iat`, else when it was added): leads longer than its
    /// life do not fit.
    pub start: i64,
    /// When it was added to Tokenkeeper: reminders that fell due before then are settled
    /// silently (the user saw the token's state when adding it).
    pub added_at: i64,
    pub expires_at: Option<i64>,
    /// When the current secret was stored; with `rotate_every` this gives the rotation date.
    pub secret_set_at: i64,
    pub rotate_every: Option<i64>,
    /// The token's own lead times, or `None` for the app's.
    pub leads: Option<Vec<i64>>,
    pub revoked: bool,
}

impl Watched {
    /// The rotation date, when there is a policy and it falls before the expiry (a rotation
    /// date past the expiry means nothing: the token is gone by then).
    pub fn rotate_at(&self) -> Option<i64> {
        rotation_date(self.secret_set_at, self.rotate_every)
            .filter(|at| self.expires_at.is_none_or(|exp| *at < exp))
    }
}

/// When a secret stored at `secret_set_at` is due for rotation under "rotate every
/// `rotate_every` seconds", if there is such a policy.
pub fn rotation_date(secret_set_at: i64, rotate_every: Option<i64>) -> Option<i64> {
    rotate_every
        .filter(|e| *e > 0)
        .map(|e| secret_set_at.saturating_add(e))
}

/// The leads that apply to a span of `life` seconds. The app's leads (`own == false`) are
/// skipped when longer than half the life (a reminder in the first half of a token's life is
/// noise); when none but "at expiry" is left, a lead of 10 % of the life is added, so a 1-hour
/// token is reminded 6 minutes ahead. Leads the user set on the token are kept unless longer
/// than the whole life (a lead as long as the life fires when the token is added). Sorted
/// longest first, without duplicates.
pub fn fitting_leads(leads: &[i64], life: i64, own: bool) -> Vec<i64> {
    let life = life.max(0);
    let fits = |l: i64| {
        l >= 0
            && if own {
                l <= life
            } else {
                l == 0 || l <= life / 2
            }
    };
    let mut out: Vec<i64> = leads.iter().copied().filter(|l| fits(*l)).collect();
    if !own && !out.iter().any(|l| *l > 0) && life >= 60 {
        out.push(life / 10);
    }
    out.sort_unstable_by(|a, b| b.cmp(a));
    out.dedup();
    out
}

/// Every reminder a token has, whether due or not.
pub fn reminders(t: &Watched, default_leads: &[i64]) -> Vec<ReminderKey> {
    if t.revoked {
        return Vec::new();
    }
    let (leads, own) = match &t.leads {
        Some(l) => (l.as_slice(), true),
        None => (default_leads, false),
    };
    let mut out = Vec::new();
    let mut add = |target: Target, target_at: i64, life: i64| {
        for lead in fitting_leads(leads, life, own) {
            out.push(ReminderKey {
                token_id: t.id.clone(),
                target,
                target_at,
                lead,
            });
        }
    };
    if let Some(exp) = t.expires_at {
        add(Target::Expiry, exp, exp.saturating_sub(t.start));
    }
    if let (Some(at), Some(every)) = (t.rotate_at(), t.rotate_every) {
        add(Target::Rotation, at, every);
    }
    out
}

/// One due reminder to announce, with the token it is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Due {
    pub key: ReminderKey,
    pub label: String,
    /// It fell due more than [`FRESH_SECS`] ago.
    pub stale: bool,
}

/// What to do now.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    /// Due reminders to tell the user about, at most one per token and target (the latest
    /// lead), soonest target first.
    pub due: Vec<Due>,
    /// Due reminders superseded by a later lead of the same target: recorded as fired
    /// without a notification of their own.
    pub folded: Vec<ReminderKey>,
    /// The next instant at which a reminder falls due, if any.
    pub wake_at: Option<i64>,
}

impl Plan {
    /// Every key this plan settles (announced or folded).
    pub fn keys(&self) -> impl Iterator<Item = &ReminderKey> {
        self.due.iter().map(|d| &d.key).chain(&self.folded)
    }

    /// Whether the announcements go out as one summary rather than one notification each.
    pub fn summarize(&self) -> bool {
        self.due.len() > 1 && (self.due.iter().any(|d| d.stale) || self.due.len() > MAX_SEPARATE)
    }
}

/// The schedule at `now`: what is due and not yet in `fired`, and when to look again.
pub fn plan(
    tokens: &[Watched],
    default_leads: &[i64],
    fired: &HashSet<ReminderKey>,
    now: i64,
) -> Plan {
    let mut plan = Plan::default();
    for t in tokens {
        let mut latest: [Option<ReminderKey>; 2] = [None, None];
        for key in reminders(t, default_leads) {
            if fired.contains(&key) {
                continue;
            }
            let at = key.fire_at();
            if at > now {
                plan.wake_at = Some(plan.wake_at.map_or(at, |w| w.min(at)));
                continue;
            }
            if at < t.added_at {
                plan.folded.push(key);
                continue;
            }
            let slot = &mut latest[key.target as usize];
            match slot {
                Some(prev) if prev.fire_at() >= at => plan.folded.push(key),
                _ => {
                    if let Some(prev) = slot.replace(key) {
                        plan.folded.push(prev);
                    }
                }
            }
        }
        for key in latest.into_iter().flatten() {
            plan.due.push(Due {
                stale: now.saturating_sub(key.fire_at()) > FRESH_SECS,
                label: t.label.clone(),
                key,
            });
        }
    }
    plan.due.sort_by(|a, b| {
        (a.key.target_at, &a.label, a.key.target).cmp(&(b.key.target_at, &b.label, b.key.target))
    });
    plan.folded.sort();
    plan
}

/// Lead times as a user types them: `14d,3d,1h,0`; `none` (no reminders, `Some([])`) or
/// `default` (the app's, `None`).
pub fn parse_leads(s: &str) -> crate::Result<Option<Vec<i64>>> {
    match s.trim() {
        "default" => Ok(None),
        "none" | "" => Ok(Some(Vec::new())),
        list => {
            let mut leads = list
                .split(',')
                .map(crate::clock::parse_duration)
                .collect::<crate::Result<Vec<i64>>>()?;
            leads.sort_unstable_by(|a, b| b.cmp(a));
            leads.dedup();
            Ok(Some(leads))
        }
    }
}

/// Lead times as [`parse_leads`] reads them.
pub fn format_leads(leads: &[i64]) -> String {
    if leads.is_empty() {
        return "none".into();
    }
    leads
        .iter()
        .map(|l| crate::clock::format_duration(*l))
        .collect::<Vec<_>>()
        .join(",")
}

/// A token that needs attention within a window (`tokenkeeper due`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attention {
    pub token_id: String,
    pub target: Target,
    /// The expiry or rotation date.
    pub at: i64,
    pub lapsed: bool,
}

/// Tokens that have lapsed (expired, or past their rotation date) or whose expiry or rotation
/// date falls within `within` seconds of `now`, soonest first. Revoked tokens are left out.
pub fn needing_attention(tokens: &[Watched], within: i64, now: i64) -> Vec<Attention> {
    let horizon = now.saturating_add(within.max(0));
    let mut out: Vec<Attention> = tokens
        .iter()
        .filter(|t| !t.revoked)
        .flat_map(|t| {
            let expiry = t.expires_at.map(|at| (Target::Expiry, at));
            let rotation = t.rotate_at().map(|at| (Target::Rotation, at));
            // An expired token's rotation date no longer matters.
            let rotation = rotation.filter(|_| t.expires_at.is_none_or(|exp| exp > now));
            [expiry, rotation]
                .into_iter()
                .flatten()
                .filter(|(_, at)| *at <= horizon)
                .map(|(target, at)| Attention {
                    token_id: t.id.clone(),
                    target,
                    at,
                    lapsed: at <= now,
                })
        })
        .collect();
    out.sort_by(|a, b| (a.at, &a.token_id).cmp(&(b.at, &b.token_id)));
    out
}

/// The next instant after `now` at which [`needing_attention`] with this window would answer
/// differently (a date enters the window or lapses), so a watcher knows when to look again.
pub fn attention_changes_at(tokens: &[Watched], within: i64, now: i64) -> Option<i64> {
    tokens
        .iter()
        .filter(|t| !t.revoked)
        .flat_map(|t| [t.expires_at, t.rotate_at()])
        .flatten()
        .flat_map(|at| [at.saturating_sub(within), at])
        .filter(|at| *at > now)
        .min()
}

#[cfg(test)]
#[path = "remind_tests.rs"]
mod tests;
