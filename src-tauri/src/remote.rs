//! The shell's use of the provider API: read the secret, ask (tokenkeeper-remote), store what
//! was learned (tokenkeeper-vault). The CLI's `check`, `revoke` and `rotate` do the same steps.

use tokenkeeper_core::{
    Error as CoreError,
    check::{CheckReport, CheckState, Finding, Rotation, report},
    model::{ExpirySource, TokenMeta},
    providers,
};
use tokenkeeper_remote::{Ask, Client, Error as RemoteError};
use tokenkeeper_vault::{Error, Result, Vault, db::tokens::TokenRow};

fn remote_error(e: RemoteError) -> Error {
    match e {
        RemoteError::Core(c) => Error::Core(c),
        RemoteError::Unsupported(m) => Error::Unsupported(m),
        RemoteError::Refused(m) => Error::Core(CoreError::InvalidInput(m)),
        other => Error::Provider(other.to_string()),
    }
}

fn ask<'a>(row: &TokenRow, secret: &'a tokenkeeper_core::Secret, now: i64) -> Ask<'a> {
    Ask {
        secret,
        kind: row.kind,
        stored_expiry: row.expires_at,
        now,
    }
}

pub async fn check(vault: &Vault, id: &str, now: i64) -> Result<CheckReport> {
    let row = vault.resolve(id)?;
    let secret = match vault.secret(id, now) {
        Ok(s) => s,
        Err(Error::Revoked { .. }) => {
            return Ok(report(
                &Finding::new(
                    CheckState::Revoked,
                    "Revoked in Tokenkeeper; nothing to check",
                ),
                now,
            ));
        }
        Err(e) => return Err(e),
    };
    let can = providers::guide_for(&row.provider, row.kind, Some(secret.expose()))
        .is_some_and(|g| g.can.check);
    let (api, origin) = match tokenkeeper_remote::target(&row.provider, row.instance_url.as_deref())
    {
        Ok(t) if can => t,
        Err(RemoteError::Refused(m)) => return Err(Error::Core(CoreError::InvalidInput(m))),
        _ => {
            return Err(Error::Unsupported(format!(
                "Tokenkeeper cannot ask {} about this kind of token",
                providers::display_name(&row.provider)
            )));
        }
    };
    let client = Client::new().map_err(remote_error)?;
    let finding = tokenkeeper_remote::check(&client, api, &origin, &ask(&row, &secret, now)).await;
    vault.record_check(id, &finding, now)
}

pub async fn revoke(vault: &Vault, id: &str, now: i64) -> Result<TokenMeta> {
    let row = vault.resolve(id)?;
    let secret = vault.secret(id, now)?;
    let can = providers::guide_for(&row.provider, row.kind, Some(secret.expose()))
        .is_some_and(|g| g.can.revoke);
    if !can {
        return Err(Error::Unsupported(format!(
            "{} offers no API to revoke this token: use the checklist",
            providers::display_name(&row.provider)
        )));
    }
    let (api, origin) = tokenkeeper_remote::target(&row.provider, row.instance_url.as_deref())
        .map_err(remote_error)?;
    let client = Client::new().map_err(remote_error)?;
    let done = tokenkeeper_remote::revoke(&client, api, &origin, &ask(&row, &secret, now))
        .await
        .map_err(remote_error)?;
    vault.mark_revoked(id, &done.detail, now)
}

pub async fn rotate(vault: &Vault, id: &str, now: i64) -> Result<Rotation> {
    let row = vault.resolve(id)?;
    let secret = vault.secret(id, now)?;
    let can = providers::guide_for(&row.provider, row.kind, Some(secret.expose()))
        .is_some_and(|g| g.can.rotate);
    if !can {
        return Err(Error::Unsupported(format!(
            "{} offers no API to rotate this token: make a new one with the guide",
            providers::display_name(&row.provider)
        )));
    }
    let (api, origin) = tokenkeeper_remote::target(&row.provider, row.instance_url.as_deref())
        .map_err(remote_error)?;
    let lifetime = row
        .expires_at
        .map(|e| e - row.secret_set_at)
        .filter(|l| *l > 0);
    let client = Client::new().map_err(remote_error)?;
    let rotated = tokenkeeper_remote::rotate(
        &client,
        api,
        &origin,
        &ask(&row, &secret, now),
        lifetime.map(|l| now + l),
    )
    .await
    .map_err(remote_error)?;
    let new = vault.add_replacement(
        id,
        &rotated.secret,
        rotated.expires_at.map(|t| (t, ExpirySource::Provider)),
        now,
    )?;
    let check = self::check(vault, &new.id, now).await?;
    let finished = check.state == CheckState::Valid;
    let (old, new) = if finished {
        vault.finish_replacement(id, &new.id, &rotated.detail, now)?
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
