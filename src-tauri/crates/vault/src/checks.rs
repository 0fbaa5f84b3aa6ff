//! What the vault keeps of talking to a provider: a live check's facts (with where they came
//! from), a revocation (the row and its history stay, the secret goes), and a rotation (the
//! replacement stored beside the old token before anything else happens to either).

use rusqlite::{OptionalExtension, TransactionBehavior, params};
use tokenkeeper_core::{
    Secret,
    check::{CheckReport, Finding, Learned, report},
    clock::rfc3339,
    model::{EventKind, ExpirySource, NewTokenMeta, TokenMeta},
};

use crate::{
    db::{
        events,
        pending::{self, Pending, Purpose},
        tokens,
    },
    error::{Error, Result},
    vault::Vault,
};

impl Vault {
    /// Token `id` as the transaction `tx` sees it.
    fn row_in(&self, tx: &rusqlite::Connection, id: &str) -> Result<tokens::TokenRow> {
        tokens::by_id(tx, id)
            .map_err(self.storage())?
            .ok_or_else(|| Error::NotFound(id.to_owned()))
    }

    /// `STEM)`, or `STEM 2)`, `STEM 3)`… : the first name no token of `provider` has.
    pub(crate) fn free_name(&self, provider: &str, stem: &str) -> Result<String> {
        let taken = |n: &str| {
            tokens::by_name(&self.conn(), Some(provider), n)
                .map(|v| !v.is_empty())
                .map_err(self.storage())
        };
        let mut name = format!("{stem})");
        let mut n = 2;
        while taken(&name)? {
            name = format!("{stem} {n})");
            n += 1;
        }
        Ok(name)
    }

    /// Stores a live check: what the provider stated replaces what was known (marked as from
    /// the provider), what it did not state stays as the user entered it. The report, the
    /// facts and a `checked` event are one transaction.
    pub fn record_check(&self, id: &str, finding: &Finding, now: i64) -> Result<CheckReport> {
        let report = report(finding, now);
        let learned = Learned::from(finding);
        let mut conn = self.conn();
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(self.storage())?;
        let mut row = self.row_in(&tx, id)?;
        let before = row.clone();
        if let Some(exp) = learned.expires_at {
            row.expires_at = exp;
            row.expiry_source = Some(ExpirySource::Provider);
        }
        if let Some(scopes) = learned.scopes {
            row.scopes = scopes;
            row.scopes_source = Some(ExpirySource::Provider);
        }
        if let Some(account) = learned.account {
            row.account = Some(account);
            row.account_source = Some(ExpirySource::Provider);
        }
        if row != before {
            tokens::update(&tx, &row).map_err(self.storage())?;
        }
        // A check answers a tool's report that the token failed (git's `erase`).
        tx.execute(
            "UPDATE tokens SET check_requested_at = NULL WHERE id = ?1",
            params![id],
        )
        .map_err(self.storage())?;
        tx.execute(
            "INSERT INTO checks (token_id, checked_at, report) VALUES (?1, ?2, ?3)
             ON CONFLICT (token_id) DO UPDATE SET checked_at = ?2, report = ?3",
            params![id, now, serde_json::to_string(&report).unwrap_or_default()],
        )
        .map_err(self.storage())?;
        events::append(
            &tx,
            id,
            EventKind::Checked,
            &format!("{}: {}", report.state.as_ref(), report.detail),
            now,
        )
        .map_err(self.storage())?;
        tx.commit().map_err(self.storage())?;
        Ok(report)
    }

    /// The last live check of a token, if any.
    pub fn last_check(&self, id: &str) -> Result<Option<CheckReport>> {
        let text: Option<String> = self
            .conn()
            .query_row("SELECT report FROM checks WHERE token_id = ?1", [id], |r| {
                r.get(0)
            })
            .optional()
            .map_err(self.storage())?;
        Ok(text.and_then(|t| serde_json::from_str(&t).ok()))
    }

    /// Records a revocation (by the provider's API, or done by hand and confirmed): the row
    /// and its history stay with status `revoked`, and the secret is deleted from the keyring.
    /// The row changes first, with a note naming the item; a failed delete leaves the note
    /// for the next open.
    pub fn mark_revoked(&self, id: &str, detail: &str, now: i64) -> Result<TokenMeta> {
        let lease = self.lease()?.id().to_owned();
        let (row, account) = {
            let mut conn = self.conn();
            let tx = conn
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(self.storage())?;
            let mut row = self.row_in(&tx, id)?;
            let account = (row.secret_generation > 0).then(|| row.account_key());
            if row.revoked_at.is_none() {
                row.revoked_at = Some(now);
            }
            row.secret_generation = 0;
            row.secret_missing = false;
            tokens::update(&tx, &row).map_err(self.storage())?;
            if let Some(account) = &account {
                let note = Pending {
                    account: account.clone(),
                    token_id: id.to_owned(),
                    purpose: Purpose::Retire,
                    lease,
                    started_at: now,
                };
                pending::add(&tx, &note).map_err(self.storage())?;
            }
            events::append(&tx, id, EventKind::Revoked, detail, now).map_err(self.storage())?;
            tx.commit().map_err(self.storage())?;
            (row, account)
        };
        if let Some(account) = account {
            self.retire(&account);
        }
        Ok(row.into_meta(now))
    }

    /// Stores a replacement for token `old` beside it, as `NAME (new)` with the old one's
    /// provider, kind, notes, tags, reminders, rotation policy and instance. `expires_at` is
    /// the expiry and where it came from (the provider's rotate answer, or the lifetime the
    /// user chose in the guide). Nothing happens to the old token here: it is retired by
    /// [`Vault::finish_replacement`] once the new one is known to work.
    pub fn add_replacement(
        &self,
        old: &str,
        secret: &Secret,
        expires_at: Option<(i64, ExpirySource)>,
        now: i64,
    ) -> Result<TokenMeta> {
        let row = self.row(old)?;
        let name = self.free_name(&row.provider, &format!("{} (new", row.name))?;
        let new = self.add(
            secret,
            NewTokenMeta {
                provider: Some(row.provider.clone()),
                name,
                kind: Some(row.kind),
                scopes: (row.scopes_source == Some(ExpirySource::User)).then(|| row.scopes.clone()),
                account: None,
                expires_at: expires_at.and_then(|(t, _)| rfc3339(t)),
                notes: Some(row.notes.clone()),
                tags: Some(row.tags.clone()),
                remind: row.remind.clone(),
                rotate_every_secs: row.rotate_every,
                instance_url: row.instance_url.clone(),
            },
            now,
        )?;
        if let Some((_, source)) = expires_at.filter(|(_, s)| *s != ExpirySource::User) {
            // `add` records a given date as the user's; this one came from elsewhere.
            let conn = self.conn();
            conn.execute(
                "UPDATE tokens SET expiry_source = ?2 WHERE id = ?1",
                params![&new.id, source.as_ref()],
            )
            .map_err(self.storage())?;
        }
        let conn = self.conn();
        events::append(
            &conn,
            old,
            EventKind::Rotated,
            &format!("replacement stored as {}/{}", new.provider, new.name),
            now,
        )
        .map_err(self.storage())?;
        drop(conn);
        self.meta(&new.id, now)
    }

    /// The new token works: it takes the old one's name, and the old one is renamed
    /// `NAME (replaced DATE)`. With `revoked` (the provider revoked it: GitLab's rotate, or a
    /// revocation through its API just now) the old one is also recorded as revoked and its
    /// secret deleted; without, it stays as it is, still working at the provider until the
    /// user revokes it there.
    pub fn finish_replacement(
        &self,
        old: &str,
        new: &str,
        revoked: Option<&str>,
        now: i64,
    ) -> Result<(TokenMeta, TokenMeta)> {
        let old_row = self.row(old)?;
        if let Some(detail) = revoked {
            self.mark_revoked(old, detail, now)?;
        }
        let day = rfc3339(now).map(|t| t[..10].to_owned()).unwrap_or_default();
        let retired_name = self.free_name(
            &old_row.provider,
            &format!("{} (replaced {day}", old_row.name),
        )?;
        {
            let mut conn = self.conn();
            let tx = conn.transaction().map_err(self.storage())?;
            tx.execute(
                "UPDATE tokens SET name = ?2 WHERE id = ?1",
                params![old, retired_name],
            )
            .map_err(self.storage())?;
            tx.execute(
                "UPDATE tokens SET name = ?2 WHERE id = ?1",
                params![new, old_row.name],
            )
            .map_err(self.storage())?;
            events::append(
                &tx,
                new,
                EventKind::Edited,
                "took over from the replaced token",
                now,
            )
            .map_err(self.storage())?;
            events::append(
                &tx,
                old,
                EventKind::Rotated,
                "replaced by its new token",
                now,
            )
            .map_err(self.storage())?;
            tx.commit().map_err(self.storage())?;
        }
        Ok((self.meta(old, now)?, self.meta(new, now)?))
    }
}
