//! The shell's use of the provider API: read the secret, ask (tokenkeeper-remote), store what
//! was learned (tokenkeeper-vault). The CLI's `check`, `revoke` and `rotate` take the same
//! steps through the same calls.

use tokenkeeper_core::{
    Error as CoreError, Secret,
    check::{CheckReport, CheckState, Finding, Rotation, report},
    model::{ExpirySource, TokenMeta},
};
use tokenkeeper_remote::{Act, Client, Error as RemoteError, Held};
use tokenkeeper_vault::{Error, Result, Vault, db::tokens::TokenRow};

/// How a remote failure reaches the UI (the OAuth commands use it too).
pub(crate) fn remote_error(e: RemoteError) -> Error {
    match e {
        RemoteError::Core(c) => Error::Core(c),
        RemoteError::Unsupported(m) => Error::Unsupported(m),
        RemoteError::Refused(m) => Error::Core(CoreError::InvalidInput(m)),
        other => Error::Provider(other.to_string()),
    }
}

fn held<'a>(row: &'a TokenRow, secret: &'a Secret) -> Held<'a> {
    Held {
        provider: &row.provider,
        kind: row.kind,
        instance: row.instance_url.as_deref(),
        secret,
        stored_expiry: row.expires_at,
        secret_set_at: row.secret_set_at,
    }
}

pub(crate) fn client() -> Result<Client> {
    Client::new().map_err(remote_error)
}

pub async fn check(vault: &Vault, id: &str, now: i64) -> Result<CheckReport> {
    let row = vault.resolve(id)?;
    let secret = match vault.secret(id, now) {
        Ok(s) => s,
        Err(Error::Revoked { .. }) => {
            let f = Finding::new(
                CheckState::Revoked,
                "Revoked in Tokenkeeper; nothing to check",
            );
            return Ok(report(&f, now));
        }
        Err(e) => return Err(e),
    };
    let finding = tokenkeeper_remote::check_held(&client()?, &held(&row, &secret), now)
        .await
        .map_err(remote_error)?;
    if finding.state == CheckState::Unsupported {
        return Err(Error::Unsupported(finding.detail));
    }
    vault.record_check(id, &finding, now)
}

/// Tokens a tool reported failing (git's `erase`) are checked with their provider once, in
/// the background; the detail pane then shows what the provider said. A token whose provider
/// has no API stays flagged (its history says what failed). Blocking: run it off the runtime.
pub fn check_requested(vault: &Vault, now: i64) {
    let ids = match vault.checks_requested() {
        Ok(ids) => ids,
        Err(e) => return tracing::warn!(code = ?e.code(), "reported tokens not checked: {e}"),
    };
    let rt = tauri::async_runtime::handle();
    for id in ids {
        let checkable = vault
            .resolve(&id)
            .is_ok_and(|row| tokenkeeper_core::providers::api(&row.provider).is_some());
        if !checkable {
            continue;
        }
        match rt.block_on(check(vault, &id, now)) {
            Ok(r) => {
                tracing::info!(token = %id, state = ?r.state, "checked after a failure report")
            }
            Err(e) => {
                tracing::info!(token = %id, code = ?e.code(), "check after a failure report failed: {e}");
                // Asked once: a provider that is down is not asked again on every pass.
                let _ = vault.clear_check_request(&id);
            }
        }
    }
}

pub async fn revoke(vault: &Vault, id: &str, now: i64) -> Result<TokenMeta> {
    let row = vault.resolve(id)?;
    let secret = vault.secret(id, now)?;
    let done = tokenkeeper_remote::revoke_held(&client()?, &held(&row, &secret), now)
        .await
        .map_err(remote_error)?;
    vault.mark_revoked(id, &done.detail, now)
}

pub async fn rotate(vault: &Vault, id: &str, now: i64) -> Result<Rotation> {
    let row = vault.resolve(id)?;
    let secret = vault.secret(id, now)?;
    let rotated = tokenkeeper_remote::rotate_held(&client()?, &held(&row, &secret), now)
        .await
        .map_err(remote_error)?;
    let expiry = rotated.expires_at.map(|t| (t, ExpirySource::Provider));
    let new = vault.add_replacement(id, &rotated.secret, expiry, now)?;
    let check = self::check(vault, &new.id, now).await?;
    let finished = check.state == CheckState::Valid;
    let (old, new) = if finished {
        vault.finish_replacement(id, &new.id, Some(&rotated.detail), now)?
    } else {
        (vault.meta(id, now)?, new)
    };
    Ok(Rotation {
        old,
        new,
        check,
        finished,
    })
}

/// A replacement made with the guide works: the old token is revoked through its provider's
/// API where it has one (and recorded so), and the new one takes its name. Where there is no
/// API, or the provider refuses, the old one stays live and the user is asked to revoke it.
pub async fn finish_replacement(
    vault: &Vault,
    old: &str,
    new: &str,
    now: i64,
) -> Result<TokenMeta> {
    let row = vault.resolve(old)?;
    let revoked = match vault.secret(old, now) {
        Ok(secret) if held(&row, &secret).supports(Act::Revoke) => {
            tokenkeeper_remote::revoke_held(&client()?, &held(&row, &secret), now)
                .await
                .map(|r| r.detail)
                .map_err(|e| tracing::info!("the replaced token was not revoked: {e}"))
                .ok()
        }
        _ => None,
    };
    Ok(vault
        .finish_replacement(old, new, revoked.as_deref(), now)?
        .1)
}
