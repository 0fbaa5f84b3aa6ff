//! The schedule under a fake clock: a watcher that sleeps until `wake_at`, restarts, clock
//! jumps and closed periods.

use std::collections::HashSet;

use chrono::Utc;

use super::*;
use crate::notice::{Urgency, distance, local_when, notices};

const MIN: i64 = 60;
const HOUR: i64 = 3_600;
const DAY: i64 = 86_400;
const T0: i64 = 1_780_315_200; // 2026-06-01T12:00:00Z

fn token(id: &str, start: i64, exp: Option<i64>) -> Watched {
    Watched {
        id: id.into(),
        label: format!("GitHub / {id}"),
        start,
        added_at: start,
        expires_at: exp,
        secret_set_at: start,
        rotate_every: None,
        leads: None,
        revoked: false,
    }
}

/// What a watcher does: plan at `now`, send the notices, remember every settled key (the
/// SQLite table in the real thing; it survives restarts because it is passed in).
#[derive(Default)]
struct Memory {
    fired: HashSet<ReminderKey>,
    /// Every notice sent: (at, title, keys).
    sent: Vec<(i64, String, Vec<ReminderKey>)>,
}

impl Memory {
    fn tick(&mut self, tokens: &[Watched], now: i64) -> Option<i64> {
        let plan = plan(tokens, &DEFAULT_LEADS, &self.fired, now);
        for n in notices(&plan, now, &Utc) {
            self.fired.extend(n.keys.iter().cloned());
            self.sent.push((now, n.title, n.keys));
        }
        self.fired.extend(plan.folded.iter().cloned());
        plan.wake_at
    }

    /// A watcher running from `from` to `to`, waking exactly when the plan says.
    fn run(&mut self, tokens: &[Watched], from: i64, to: i64) {
        let mut now = from;
        while let Some(next) = self.tick(tokens, now) {
            if next > to {
                break;
            }
            assert!(
                next > now,
                "the plan asked to wake at {next}, not after {now}"
            );
            now = next;
        }
    }

    fn announced(&self) -> Vec<&ReminderKey> {
        self.sent.iter().flat_map(|(_, _, k)| k).collect()
    }
}

#[test]
fn a_ninety_day_token_gets_each_default_lead_exactly_once() {
    let t = [token("pat", T0, Some(T0 + 90 * DAY))];
    let mut m = Memory::default();
    m.run(&t, T0, T0 + 91 * DAY);
    let leads: Vec<i64> = m.announced().iter().map(|k| k.lead).collect();
    assert_eq!(leads, DEFAULT_LEADS.to_vec(), "{:#?}", m.sent);
    for (at, _, keys) in &m.sent {
        assert_eq!(*at, keys[0].fire_at(), "announced late: {keys:?} at {at}");
    }
    assert_eq!(m.sent.len(), 5, "one notification per lead");
}

#[test]
fn nothing_is_repeated_after_a_restart() {
    let t = [token("pat", T0, Some(T0 + 90 * DAY))];
    let mut m = Memory::default();
    m.run(&t, T0, T0 + 87 * DAY + 1);
    let before = m.sent.len();
    assert_eq!(before, 2, "14d and 3d have fired: {:#?}", m.sent);
    // A new process with the same memory, at the same instant and a little later.
    m.run(&t, T0 + 87 * DAY + 1, T0 + 87 * DAY + 10 * MIN);
    assert_eq!(m.sent.len(), before, "a restart repeated: {:#?}", m.sent);
}

#[test]
fn a_one_hour_token_only_gets_leads_that_fit() {
    let t = [token("entra", T0, Some(T0 + HOUR))];
    let keys = reminders(&t[0], &DEFAULT_LEADS);
    let leads: Vec<i64> = keys.iter().map(|k| k.lead).collect();
    assert_eq!(leads, vec![6 * MIN, 0], "10 % of the life, and at expiry");
    let mut m = Memory::default();
    m.run(&t, T0, T0 + 2 * HOUR);
    let titles: Vec<&str> = m.sent.iter().map(|(_, t, _)| t.as_str()).collect();
    assert_eq!(
        titles,
        [
            "GitHub / entra expires in 6 min",
            "GitHub / entra has expired"
        ]
    );
    // A day-long token (Auth0): 1 h and at expiry; 1 d does not fit.
    let auth0 = token("auth0", T0, Some(T0 + DAY));
    let leads: Vec<i64> = reminders(&auth0, &DEFAULT_LEADS)
        .iter()
        .map(|k| k.lead)
        .collect();
    assert_eq!(leads, vec![HOUR, 0]);
}

#[test]
fn a_token_s_own_leads_are_kept_even_when_long() {
    let mut t = token("ci", T0, Some(T0 + 90));
    t.leads = Some(vec![60, 0, 3 * DAY]);
    let leads: Vec<i64> = reminders(&t, &DEFAULT_LEADS)
        .iter()
        .map(|k| k.lead)
        .collect();
    assert_eq!(
        leads,
        vec![60, 0],
        "60 s of a 90 s life is kept; 3 d is longer than the life"
    );
    t.leads = Some(vec![]);
    assert!(
        reminders(&t, &DEFAULT_LEADS).is_empty(),
        "`--remind none` means none"
    );
}

#[test]
fn a_clock_jump_forward_fires_exactly_what_became_due() {
    // Leads of 1 h and 0 for a day-long token; jump from 2 h before expiry to 10 min after.
    let t = [token("auth0", T0, Some(T0 + DAY))];
    let mut m = Memory::default();
    m.run(&t, T0, T0 + DAY - 2 * HOUR);
    assert!(m.sent.is_empty());
    m.run(&t, T0 + DAY + 10 * MIN, T0 + 2 * DAY);
    let keys = m.announced();
    assert_eq!(keys.len(), 1, "one announcement: {:#?}", m.sent);
    assert_eq!(
        keys[0].lead, 0,
        "the latest lead (expired) is the one announced"
    );
    assert!(
        m.fired.iter().any(|k| k.lead == HOUR),
        "the 1 h lead is settled, folded"
    );
    assert_eq!(m.fired.len(), 2);
}

#[test]
fn a_clock_jump_back_fires_nothing_twice() {
    let t = [token("pat", T0, Some(T0 + 90 * DAY))];
    let mut m = Memory::default();
    m.run(&t, T0, T0 + 87 * DAY + 5);
    let before = m.sent.len();
    // The clock goes back an hour, and then runs on past the 3-day lead again.
    m.run(&t, T0 + 87 * DAY + 5 - HOUR, T0 + 87 * DAY + HOUR);
    assert_eq!(m.sent.len(), before, "{:#?}", m.sent);
}

#[test]
fn a_closed_period_gives_one_summary() {
    let t = [
        token("a", T0, Some(T0 + 30 * DAY)),
        token("b", T0, Some(T0 + 31 * DAY)),
        token("c", T0, Some(T0 + 40 * DAY)),
        token("later", T0, Some(T0 + 200 * DAY)),
    ];
    let mut m = Memory::default();
    m.run(&t, T0, T0 + DAY);
    assert!(m.sent.is_empty());
    // Closed for 35 days: a and b expired, c is 5 days out (its 14 d lead passed).
    m.run(&t, T0 + 35 * DAY, T0 + 35 * DAY + 1);
    assert_eq!(m.sent.len(), 1, "one summary, not a burst: {:#?}", m.sent);
    let (_, title, keys) = &m.sent[0];
    assert_eq!(title, "3 tokens need attention");
    assert_eq!(keys.len(), 3, "one line per token: {keys:?}");
    let plan = plan(&t, &DEFAULT_LEADS, &HashSet::new(), T0 + 35 * DAY);
    let n = &notices(&plan, T0 + 35 * DAY, &Utc)[0];
    assert_eq!(n.urgency, Urgency::Critical);
    assert!(
        n.body.contains("GitHub / a expired 5 days ago"),
        "{}",
        n.body
    );
    assert!(
        n.body.contains("GitHub / c expires in 5 days"),
        "{}",
        n.body
    );
    // And the next lead of c (3 d) comes on its own, as new.
    m.run(&t, T0 + 35 * DAY + 1, T0 + 37 * DAY + 1);
    assert_eq!(m.sent.len(), 2);
    assert_eq!(m.sent[1].1, "GitHub / c expires in 3 days");
}

#[test]
fn rotation_reminds_a_token_that_never_expires() {
    let mut t = token("meta", T0, None);
    t.rotate_every = Some(60 * DAY);
    let mut m = Memory::default();
    m.run(std::slice::from_ref(&t), T0, T0 + 61 * DAY);
    let titles: Vec<&str> = m.sent.iter().map(|(_, t, _)| t.as_str()).collect();
    assert_eq!(titles.len(), 5, "{titles:#?}");
    assert_eq!(titles[0], "GitHub / meta is due for rotation in 14 days");
    assert_eq!(titles[4], "GitHub / meta is due for rotation");
    // A replaced secret moves the date: the reminders start fresh.
    t.secret_set_at = T0 + 61 * DAY;
    m.run(
        std::slice::from_ref(&t),
        T0 + 61 * DAY,
        T0 + 61 * DAY + 47 * DAY,
    );
    assert_eq!(m.sent.len(), 6, "the new date's 14 d lead");
}

#[test]
fn a_new_expiry_starts_fresh_and_revoked_tokens_are_quiet() {
    let mut t = token("pat", T0, Some(T0 + 10 * DAY));
    let mut m = Memory::default();
    m.run(std::slice::from_ref(&t), T0, T0 + 8 * DAY);
    assert_eq!(m.sent.len(), 1, "3 d lead");
    t.expires_at = Some(T0 + 20 * DAY);
    m.run(std::slice::from_ref(&t), T0 + 8 * DAY, T0 + 17 * DAY + 1);
    assert_eq!(m.sent.len(), 2, "the new expiry's 3 d lead fires again");
    t.revoked = true;
    assert!(reminders(&t, &DEFAULT_LEADS).is_empty());
}

#[test]
fn reminders_due_before_the_token_was_added_stay_quiet() {
    let mut t = token("old", T0 - 100 * DAY, Some(T0 - DAY));
    t.added_at = T0;
    let plan = plan(&[t], &DEFAULT_LEADS, &HashSet::new(), T0 + 1);
    assert!(plan.due.is_empty(), "{plan:#?}");
    assert_eq!(plan.folded.len(), 5, "all settled silently");
}

#[test]
fn a_few_fresh_reminders_come_one_by_one_and_many_as_a_summary() {
    let few: Vec<Watched> = (0..3)
        .map(|i| token(&format!("t{i}"), T0, Some(T0 + HOUR)))
        .collect();
    let p = plan(&few, &DEFAULT_LEADS, &HashSet::new(), T0 + HOUR);
    assert_eq!(notices(&p, T0 + HOUR, &Utc).len(), 3);
    let many: Vec<Watched> = (0..4)
        .map(|i| token(&format!("t{i}"), T0, Some(T0 + HOUR)))
        .collect();
    let p = plan(&many, &DEFAULT_LEADS, &HashSet::new(), T0 + HOUR);
    let n = notices(&p, T0 + HOUR, &Utc);
    assert_eq!(n.len(), 1);
    assert_eq!(n[0].title, "4 tokens need attention");
}

#[test]
fn words_and_dates() {
    assert_eq!(local_when(T0, &Utc), "Mon 1 Jun 12:00");
    let cet = chrono::FixedOffset::east_opt(HOUR as i32).unwrap();
    assert_eq!(local_when(T0, &cet), "Mon 1 Jun 13:00");
    assert_eq!(distance(T0 + 3 * DAY, T0), "in 3 days");
    assert_eq!(distance(T0 + DAY, T0), "in 24 hours");
    assert_eq!(distance(T0 + HOUR, T0), "in 60 min");
    assert_eq!(distance(T0 + 2 * HOUR, T0), "in 2 hours");
    assert_eq!(distance(T0 + 30, T0), "in under a minute");
    assert_eq!(distance(T0 - 2 * DAY, T0), "2 days ago");
    let t = token("x", T0, Some(T0 + 90 * DAY));
    let p = plan(&[t], &DEFAULT_LEADS, &HashSet::new(), T0 + 87 * DAY);
    let n = &notices(&p, T0 + 87 * DAY, &Utc)[0];
    assert_eq!(n.title, "GitHub / x expires in 3 days");
    assert!(n.body.starts_with("Sun 30 Aug 12:00"), "{}", n.body);
    assert_eq!(n.urgency, Urgency::Normal);
}

#[test]
fn lead_lists_as_typed() {
    assert_eq!(
        parse_leads("14d,3d,1h,0").unwrap(),
        Some(vec![14 * DAY, 3 * DAY, HOUR, 0])
    );
    assert_eq!(parse_leads("0,60s,60s").unwrap(), Some(vec![60, 0]));
    assert_eq!(parse_leads("none").unwrap(), Some(vec![]));
    assert_eq!(parse_leads("default").unwrap(), None);
    assert!(parse_leads("14d,soon").is_err());
    assert_eq!(format_leads(&DEFAULT_LEADS), "14d,3d,1d,1h,0");
    assert_eq!(format_leads(&[]), "none");
}

#[test]
fn attention_within_a_window() {
    let mut rotating = token("meta", T0 - 50 * DAY, None);
    rotating.rotate_every = Some(60 * DAY);
    let mut revoked = token("gone", T0, Some(T0 - DAY));
    revoked.revoked = true;
    let tokens = [
        token("lapsed", T0 - 10 * DAY, Some(T0 - DAY)),
        token("soon", T0, Some(T0 + 5 * DAY)),
        token("later", T0, Some(T0 + 30 * DAY)),
        token("never", T0, None),
        rotating,
        revoked,
    ];
    let got: Vec<(String, Target, bool)> = needing_attention(&tokens, 14 * DAY, T0)
        .into_iter()
        .map(|a| (a.token_id, a.target, a.lapsed))
        .collect();
    assert_eq!(
        got,
        [
            ("lapsed".to_owned(), Target::Expiry, true),
            ("soon".to_owned(), Target::Expiry, false),
            ("meta".to_owned(), Target::Rotation, false),
        ]
    );
    assert_eq!(
        needing_attention(&tokens, 0, T0).len(),
        1,
        "only what has lapsed"
    );
}

#[test]
fn the_tray_counts_what_is_due_within_three_days() {
    use crate::notice::tray_summary;
    let tokens = [
        token("gone", T0 - 10 * DAY, Some(T0 - HOUR)),
        token("soon", T0, Some(T0 + 2 * DAY)),
        token("sooner", T0, Some(T0 + DAY)),
        token("later", T0, Some(T0 + 30 * DAY)),
        token("x", T0, Some(T0 + 2 * DAY + HOUR)),
    ];
    let s = tray_summary(&tokens, T0, &Utc);
    assert_eq!(s.text, "3 due within 3 days, 1 expired or overdue");
    assert!(s.attention);
    let ids: Vec<&str> = s.next.iter().map(|(id, _)| id.as_str()).collect();
    assert_eq!(
        ids,
        ["gone", "sooner", "soon"],
        "the next three, soonest first"
    );
    assert_eq!(s.next[1].1, "GitHub / sooner — expires Tue 2 Jun 12:00");
    let calm = tray_summary(&tokens[3..4], T0, &Utc);
    assert_eq!(
        (calm.text.as_str(), calm.attention),
        ("Nothing due within 3 days", false)
    );
    // The summary changes when "later" enters the window, and again when it lapses.
    assert_eq!(
        attention_changes_at(&tokens[3..4], 3 * DAY, T0),
        Some(T0 + 27 * DAY)
    );
    assert_eq!(
        attention_changes_at(&tokens[3..4], 3 * DAY, T0 + 27 * DAY),
        Some(T0 + 30 * DAY)
    );
    assert_eq!(
        attention_changes_at(&tokens[3..4], 3 * DAY, T0 + 30 * DAY),
        None
    );
}
