//! What a user's input does to a row: an edit (with or without a replaced secret) applied
//! inside the write's transaction, and the checks on names, providers and pasted secrets that
//! run before anything is written.

use rusqlite::Connection;
use tokenkeeper_core::{
    Secret,
    credential::GitBinding,
    inspect::{self, Inspected},
    model::{EventKind, ExpirySource, TokenPatch},
    providers,
};

use crate::{
    db::{
        bindings, events,
        tokens::{self, TokenRow},
    },
    error::{Error, Result},
    vault::user_time,
};

/// Applies an edit (and, with `replaced`, a new secret's inspection and generation) to the row
/// as it is now, inside the caller's transaction.
pub(crate) fn edit(
    tx: &Connection,
    id: &str,
    patch: &TokenPatch,
    replaced: Option<(&Inspected, i64)>,
    now: i64,
) -> rusqlite::Result<Result<TokenRow>> {
    let Some(before) = tokens::by_id(tx, id)? else {
        return Ok(Err(Error::NotFound(id.to_owned())));
    };
    let mut row = match apply_patch(tx, before.clone(), patch) {
        Ok(r) => r,
        Err(e) => return Ok(Err(e)),
    };
    let edited = row != before;
    let clash = tokens::by_name(tx, Some(&row.provider), &row.name)?
        .into_iter()
        .any(|other| other.id != row.id);
    if clash {
        return Ok(Err(Error::DuplicateName {
            provider: row.provider,
            name: row.name,
        }));
    }
    if let Some((inspected, generation)) = replaced {
        row.secret_generation = generation;
        row.secret_set_at = now;
        row.secret_missing = false;
        row.format = inspected.inspection.format;
        row.issued_at = inspected.lifetime.issued_at;
        row.not_before = inspected.lifetime.not_before;
        // A new JWT brings its own expiry, unless the edit set one by hand.
        if patch.expires_at.is_none()
            && (inspected.lifetime.expires_at.is_some()
                || row.expiry_source == Some(ExpirySource::Jwt))
        {
            row.expires_at = inspected.lifetime.expires_at;
            row.expiry_source = row.expires_at.map(|_| ExpirySource::Jwt);
        }
    }
    // A change of git hosts is an event of its own (`bound`).
    match git_hosts(patch) {
        Ok(Some(hosts)) => bindings::replace_git(tx, id, &hosts, now)?,
        Ok(None) => {}
        Err(e) => return Ok(Err(e)),
    }
    if replaced.is_none() && !edited {
        return Ok(Ok(row));
    }
    tokens::update(tx, &row)?;
    if replaced.is_some() {
        events::append(tx, id, EventKind::SecretReplaced, "", now)?;
    }
    if edited {
        events::append(tx, id, EventKind::Edited, "", now)?;
    }
    Ok(Ok(row))
}

pub(crate) fn apply_patch(
    conn: &rusqlite::Connection,
    mut row: TokenRow,
    patch: &TokenPatch,
) -> Result<TokenRow> {
    if let Some(p) = &patch.provider {
        validate_provider(conn, p)?;
        row.provider = p.clone();
    }
    if let Some(n) = &patch.name {
        row.name = validate_name(n)?;
    }
    if let Some(k) = patch.kind {
        row.kind = k;
    }
    if let Some(s) = &patch.scopes
        && *s != row.scopes
    {
        row.scopes = s.clone();
        row.scopes_source = Some(ExpirySource::User);
    }
    if let Some(a) = &patch.account {
        let a = Some(a.clone()).filter(|a| !a.is_empty());
        if a != row.account {
            row.account_source = a.as_ref().map(|_| ExpirySource::User);
            row.account = a;
        }
    }
    if let Some(i) = &patch.instance_url {
        row.instance_url = i
            .as_deref()
            .filter(|u| !u.trim().is_empty())
            .map(validate_instance)
            .transpose()?;
    }
    if let Some(exp) = &patch.expires_at {
        let at = exp.as_deref().map(user_time).transpose()?;
        if at != row.expires_at {
            row.expires_at = at;
            row.expiry_source = at.map(|_| ExpirySource::User);
        }
    }
    if let Some(n) = &patch.notes {
        row.notes = n.clone();
    }
    if let Some(t) = &patch.tags {
        row.tags = t.clone();
    }
    if let Some(r) = &patch.remind {
        row.remind = r.clone().map(validate_leads).transpose()?;
    }
    if let Some(r) = patch.rotate_every_secs {
        row.rotate_every = r.map(validate_rotation).transpose()?;
    }
    git_hosts(patch)?;
    Ok(row)
}

/// The edit's git hosts, read (`github.com`, `host/path`, or a repository URL).
fn git_hosts(patch: &TokenPatch) -> Result<Option<Vec<GitBinding>>> {
    let Some(hosts) = &patch.git_hosts else {
        return Ok(None);
    };
    let parsed = hosts
        .iter()
        .filter(|h| !h.trim().is_empty())
        .map(|h| GitBinding::parse(h))
        .collect::<tokenkeeper_core::Result<Vec<_>>>()?;
    Ok(Some(parsed))
}

/// A self-managed instance's origin: https, or plain http to this machine (tests).
pub(crate) fn validate_instance(url: &str) -> Result<String> {
    let url = url.trim().trim_end_matches('/');
    let loopback = ["http://127.0.0.1", "http://localhost", "http://[::1]"]
        .iter()
        .any(|p| {
            url.strip_prefix(p)
                .is_some_and(|r| r.is_empty() || r.starts_with([':', '/']))
        });
    if !(url.starts_with("https://") || loopback)
        || url.contains('@')
        || url.contains(char::is_whitespace)
    {
        return Err(Error::Core(tokenkeeper_core::Error::InvalidInput(format!(
            "`{url}` is not an instance URL: give its https address, such as \
             https://gitlab.example.com"
        ))));
    }
    Ok(url.to_owned())
}

/// Lead times for reminders: each between 0 (at expiry) and a year, at most 10, sorted longest
/// first without duplicates.
pub(crate) fn validate_leads(mut leads: Vec<i64>) -> Result<Vec<i64>> {
    if leads.iter().any(|l| !(0..=366 * 86_400).contains(l)) {
        return Err(Error::invalid(
            "A reminder lead time must be between 0 (at expiry) and 366 days",
        ));
    }
    leads.sort_unstable_by(|a, b| b.cmp(a));
    leads.dedup();
    if leads.len() > 10 {
        return Err(Error::invalid("At most 10 reminder lead times"));
    }
    Ok(leads)
}

/// A rotation period: at least a day, at most ten years.
pub(crate) fn validate_rotation(every: i64) -> Result<i64> {
    if !(86_400..=3_660 * 86_400).contains(&every) {
        return Err(Error::invalid(
            "A rotation period must be between 1 day and 10 years",
        ));
    }
    Ok(every)
}

/// Normalises and inspects a secret before it is stored. A malformed token is refused with the
/// inspection's error; nothing is written.
pub(crate) fn prepare_secret(secret: &Secret, now: i64) -> Result<(Secret, Inspected)> {
    let inspected = inspect::decode(secret.expose(), now)?;
    let normalized = Secret::new(inspect::normalize(secret.expose()).to_owned());
    Ok((normalized, inspected))
}

pub(crate) fn validate_name(name: &str) -> Result<String> {
    let n = name.trim();
    if n.is_empty() {
        return Err(Error::invalid("Give the token a name, such as `ci-deploy`"));
    }
    if n.contains('/') || n.chars().any(char::is_control) || n.chars().count() > 100 {
        return Err(Error::invalid(format!(
            "`{n}` cannot be a name: use up to 100 characters without `/`"
        )));
    }
    Ok(n.to_owned())
}

/// A catalog provider, `oidc:<name>`, or one of the vault's sign-in profiles (tokens from
/// profile `p` are `p/NAME`).
pub(crate) fn validate_provider(conn: &Connection, id: &str) -> Result<()> {
    let profile = || {
        conn.query_row("SELECT 1 FROM providers WHERE id = ?1", [id], |_| Ok(()))
            .is_ok()
    };
    if providers::is_known(id) || profile() {
        return Ok(());
    }
    let known: Vec<String> = providers::catalog().into_iter().map(|p| p.id).collect();
    Err(Error::invalid(format!(
        "`{id}` is not a provider; use one of {} or oidc:<name>",
        known.join(", ")
    )))
}
