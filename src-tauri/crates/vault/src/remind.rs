//! Reminders against the vault: the schedule at `now` (core's plan over the rows and what has
//! fired), and announcing it exactly once across the app and the CLI. Each reminder is taken
//! in SQLite before its notification is sent (so two processes never both send it), and
//! marked fired in the same transaction that records the token's `notified` event.

use chrono::TimeZone;
use rusqlite::TransactionBehavior;
use tokenkeeper_core::{
    clock::rfc3339,
    model::{EventKind, ReminderInfo},
    notice::{Notice, notices},
    remind::{self, Plan, ReminderKey, Target, Watched, format_leads, plan},
};

use crate::{
    db::{events, reminders, tokens},
    error::Result,
    vault::Vault,
};

/// What one announcing pass did.
#[derive(Debug, Default)]
pub struct Announced {
    /// Notices sent (each settles one or more reminders).
    pub sent: Vec<Notice>,
    /// The first send error, if any; its reminders were given back to be tried again.
    pub failed: Option<String>,
    /// When the schedule next has something due.
    pub wake_at: Option<i64>,
}

impl Vault {
    /// Every token as the schedule sees it.
    pub fn watched(&self) -> Result<Vec<Watched>> {
        let rows = tokens::all(&self.conn()).map_err(self.storage())?;
        Ok(rows.iter().map(tokens::TokenRow::watched).collect())
    }

    /// The reminder schedule at `now` for `watched` (the caller's [`Vault::watched`], which
    /// it usually needs for the tray or `due` too).
    pub fn reminder_plan(&self, watched: &[Watched], now: i64) -> Result<Plan> {
        let leads = self.settings()?.remind_leads_secs;
        let taken = reminders::taken(&self.conn(), None).map_err(self.storage())?;
        Ok(plan(watched, &leads, &taken, now))
    }

    /// What the detail pane says about a token's reminders.
    pub(crate) fn reminder_info(&self, row: &tokens::TokenRow, now: i64) -> Result<ReminderInfo> {
        let defaults = self.settings()?.remind_leads_secs;
        let watched = row.watched();
        let taken = reminders::taken(&self.conn(), Some(&row.id)).map_err(self.storage())?;
        let leads: Vec<i64> = remind::reminders(&watched, &defaults)
            .into_iter()
            .filter(|k| k.target == Target::Expiry)
            .map(|k| k.lead)
            .collect();
        let next_at = plan(std::slice::from_ref(&watched), &defaults, &taken, now).wake_at;
        Ok(ReminderInfo {
            own: row.remind.is_some(),
            leads_text: if watched.expires_at.is_none() && row.remind.is_none() {
                format_leads(&defaults)
            } else {
                format_leads(&leads)
            },
            next_at: next_at.and_then(rfc3339),
        })
    }

    /// Announces what is due for `watched` at `now` through `send`, once: reminders another
    /// process has taken are skipped, a failed send gives its reminders back. Dates are
    /// written in `tz`.
    pub fn announce<Tz, F>(
        &self,
        watched: &[Watched],
        now: i64,
        tz: &Tz,
        mut send: F,
    ) -> Result<Announced>
    where
        Tz: TimeZone,
        Tz::Offset: std::fmt::Display,
        F: FnMut(&Notice) -> std::result::Result<(), String>,
    {
        let plan = self.reminder_plan(watched, now)?;
        let mut out = Announced {
            wake_at: plan.wake_at,
            ..Announced::default()
        };
        // Superseded leads are settled silently, so a later pass does not find them due.
        self.settle(&plan.folded, now, None)?;
        for notice in notices(&plan, now, tz) {
            if !self.take(&notice.keys, now)? {
                continue;
            }
            match send(&notice) {
                Ok(()) => {
                    self.settle(&notice.keys, now, Some(&notice.title))?;
                    out.sent.push(notice);
                }
                Err(e) => {
                    self.release(&notice.keys)?;
                    out.failed.get_or_insert(e);
                }
            }
        }
        Ok(out)
    }

    /// Takes every key for this process, or none (another process is announcing some).
    fn take(&self, keys: &[ReminderKey], now: i64) -> Result<bool> {
        let mut conn = self.conn();
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(self.storage())?;
        for key in keys {
            if !reminders::take(&tx, key, now).map_err(self.storage())? {
                return Ok(false); // rolled back on drop
            }
        }
        tx.commit().map_err(self.storage())?;
        Ok(true)
    }

    /// Marks `keys` fired (taking any not yet taken) and, with `title`, records a `notified`
    /// event on each token they concern, in one transaction.
    fn settle(&self, keys: &[ReminderKey], now: i64, title: Option<&str>) -> Result<()> {
        if keys.is_empty() {
            return Ok(());
        }
        let mut conn = self.conn();
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(self.storage())?;
        let mut noted: Vec<&str> = Vec::new();
        for key in keys {
            reminders::take(&tx, key, now)
                .and_then(|_| reminders::mark_fired(&tx, key, now))
                .map_err(self.storage())?;
            if let Some(title) = title
                && !noted.contains(&key.token_id.as_str())
            {
                events::append(&tx, &key.token_id, EventKind::Notified, title, now)
                    .map_err(self.storage())?;
                noted.push(&key.token_id);
            }
        }
        tx.commit().map_err(self.storage())
    }

    fn release(&self, keys: &[ReminderKey]) -> Result<()> {
        let conn = self.conn();
        for key in keys {
            reminders::release(&conn, key).map_err(self.storage())?;
        }
        Ok(())
    }
}
