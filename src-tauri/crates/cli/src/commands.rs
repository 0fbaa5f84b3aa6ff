//! One function per subcommand, each a thin use of `tokenkeeper-core`.

use std::{io::IsTerminal, process::ExitCode, sync::Arc};

use anyhow::{Result, bail};
use tokenkeeper_core::{
    clock::{parse_duration, parse_expiry, rfc3339},
    inspect,
    model::NewTokenMeta,
    remind::parse_leads,
};
use tokenkeeper_vault::{Vault, keyring::OsKeyring, paths};

use crate::{
    args::{Cli, Command},
    decode, doctor,
    input::read_secret,
    oauth, output, provider, remind, run, secret,
};

/// The clock for commands that wait (a sign-in, a refresh behind another process's lock):
/// what they store is dated when it happened, not when the command started.
pub(crate) fn clock() -> i64 {
    chrono::Utc::now().timestamp()
}

/// When this command started (unix ms): what a refresh was asked for at.
static STARTED_MS: std::sync::OnceLock<i64> = std::sync::OnceLock::new();

pub(crate) fn started_ms() -> i64 {
    *STARTED_MS.get_or_init(|| chrono::Utc::now().timestamp_millis())
}

pub fn run(cli: Cli) -> Result<ExitCode> {
    // The one clock read: every command below works as of this instant.
    let now = started_ms().div_euclid(1000);
    match cli.command {
        Command::Due {
            within,
            notify,
            json,
        } => remind::due(&open_metadata()?, within.as_deref(), notify, json, now),
        Command::Check { token, json } => provider::check(&open_vault(now)?, &token, json, now),
        Command::Revoke {
            token,
            yes,
            mark_revoked,
            json,
        } => provider::revoke(&open_vault(now)?, &token, yes, mark_revoked, json, now),
        Command::Introspect { token, json } => {
            oauth::introspect(&open_vault(now)?, &token, json, now)
        }
        Command::Run {
            env,
            env_file,
            allow_expired,
            command,
        } => {
            let env = run::mappings(&env, env_file.as_deref())?;
            let code = run::run(&open_vault(now)?, env, allow_expired, &command, now)?;
            Ok(ExitCode::from(u8::try_from(code).unwrap_or(1)))
        }
        // docker reads a helper's error from stdout.
        Command::DockerCredential { action } => {
            match crate::docker::docker_credential(&action, now) {
                Ok(()) => Ok(ExitCode::SUCCESS),
                Err(e) => {
                    println!("{e:#}");
                    Ok(ExitCode::from(1))
                }
            }
        }
        other => run_command(other, now).map(|()| ExitCode::SUCCESS),
    }
}

fn run_command(command: Command, now: i64) -> Result<()> {
    match command {
        Command::Due { .. }
        | Command::Check { .. }
        | Command::Revoke { .. }
        | Command::Introspect { .. }
        | Command::Run { .. }
        | Command::DockerCredential { .. } => {
            unreachable!("handled by run")
        }
        Command::Import(args) => crate::import::import(&open_vault(now)?, &args, now),
        Command::Export(args) => crate::backup::export(&open_vault(now)?, args, now),
        Command::ImportBackup(args) => crate::backup::restore(&open_vault(now)?, args, now),
        Command::Completions { shell } => crate::manual::completions(&shell),
        Command::Man => crate::manual::man(),
        Command::GitCredential { adopt, action } => crate::git::git_credential(&action, adopt, now),
        Command::Log { token, limit, json } => {
            let vault = open_metadata()?;
            let id = token.map(|t| vault.resolve(&t).map(|r| r.id)).transpose()?;
            let log = vault.access_log(id.as_deref(), limit)?;
            if json {
                output::json(&log)
            } else {
                output::access_log(&log)
            }
        }
        Command::Providers { json } => provider::list(json),
        Command::Provider { command } => oauth::provider(&open_vault(now)?, command, now),
        Command::Login(args) => oauth::login(&open_vault(now)?, args, clock),
        Command::Refresh { token, json } => {
            oauth::refresh(&open_vault(now)?, &token, json, started_ms())
        }
        Command::Rotate { token, json } => provider::rotate(&open_vault(now)?, &token, json, now),
        Command::Edit {
            token,
            changes,
            json,
        } => remind::edit(&open_metadata()?, &token, changes, json, now),
        Command::Add {
            name,
            provider,
            kind,
            expires,
            scopes,
            account,
            notes,
            tags,
            remind,
            rotate_every,
            json,
        } => {
            let remind = remind.as_deref().map(parse_leads).transpose()?.flatten();
            let rotate_every_secs = rotate_every.as_deref().map(parse_duration).transpose()?;
            let expires_at = expires
                .map(|e| parse_expiry(&e, now).map(|t| rfc3339(t).unwrap_or_default()))
                .transpose()?;
            let secret = read_secret("add --name NAME")?;
            let vault = open_vault(now)?;
            let meta = NewTokenMeta {
                provider,
                name,
                kind,
                scopes,
                account,
                expires_at,
                notes,
                tags: Some(tags),
                remind,
                rotate_every_secs,
                instance_url: None,
            };
            let stored = vault.add(&secret, meta, now)?;
            output::stored("Stored", &stored, json)
        }
        Command::Replace { token, json } => {
            let secret = read_secret(&format!("replace {token}"))?;
            let vault = open_vault(now)?;
            let id = vault.resolve(&token)?.id;
            let stored = vault.replace_secret(&id, &secret, now)?;
            output::stored("Replaced the secret of", &stored, json)
        }
        Command::List { provider, json } => {
            let vault = open_metadata()?;
            let mut tokens = vault.list(now)?;
            if let Some(p) = provider {
                tokens.retain(|t| t.provider == p);
            }
            if json {
                output::json(&tokens)
            } else {
                output::table(&tokens, now)
            }
        }
        Command::Show { token, json } => {
            let vault = open_metadata()?;
            let row = vault.resolve(&token)?;
            let meta = row.into_meta(now);
            let events = vault.events(&meta.id, 50)?;
            let grant = vault.grant(&meta.id, now)?;
            let git_hosts = vault.git_hosts(&meta.id)?;
            if json {
                // A JWT's claims, decoded from the keyring copy (null for an opaque token, or
                // when the keyring cannot be read: `claims_error` then says why).
                let (claims, claims_error) = match vault.secret(&meta.id, now) {
                    Ok(s) => (
                        inspect::decode(s.expose(), now)
                            .ok()
                            .and_then(|i| i.inspection.claims),
                        None,
                    ),
                    Err(e) => (None, Some(e.to_string())),
                };
                output::json(&serde_json::json!({
                    "token": meta,
                    "events": events,
                    "claims": claims,
                    "claims_error": claims_error,
                    "grant": grant,
                    "git_hosts": git_hosts,
                }))
            } else {
                output::show(&meta, &events, &git_hosts, now)?;
                match grant {
                    Some(g) => output::grant(&g, now),
                    None => Ok(()),
                }
            }
        }
        Command::Get {
            token,
            no_newline,
            quiet,
        } => secret::get(&open_vault(now)?, &token, no_newline, quiet, now),
        Command::Copy { token, clear_after } => {
            secret::copy(&open_vault(now)?, &token, clear_after, now)
        }
        Command::Decode(args) => decode::decode(args, now),
        Command::Verify(args) => decode::verify(args, now),
        Command::Rm { token, yes } => {
            let vault = open_vault(now)?;
            let row = vault.resolve(&token)?;
            if !yes && !confirm(&format!("Remove {}/{}?", row.provider, row.name))? {
                bail!("nothing removed (answer y to remove, or pass --yes)");
            }
            vault.remove(&row.id, now)?;
            eprintln!("Removed {}/{}", row.provider, row.name);
            Ok(())
        }
        Command::Doctor { json } => doctor::doctor(&open_metadata()?, json, now),
        Command::Recover { from_vault, json } => {
            doctor::recover(&open_metadata()?, from_vault.as_deref(), json, now)
        }
    }
}

fn secrets() -> Result<Arc<OsKeyring>> {
    Ok(Arc::new(OsKeyring::new(paths::keyring_service())?))
}

/// Metadata only: no keyring call is made (so `list` works with the keyring locked).
pub(crate) fn open_metadata() -> Result<Vault> {
    Ok(Vault::open_metadata(&paths::data_dir()?, secrets()?)?)
}

/// The vault, with what a crashed writer left finished. A keyring failure surfaces here or at
/// the first secret operation with its own message.
pub(crate) fn open_vault(now: i64) -> Result<Vault> {
    let (vault, problem) = Vault::open(&paths::data_dir()?, secrets()?, now)?;
    if let Some(e) = problem {
        return Err(e.into());
    }
    Ok(vault)
}

pub(crate) fn confirm(question: &str) -> Result<bool> {
    if !std::io::stdin().is_terminal() {
        bail!("refusing to remove without confirmation: pass --yes");
    }
    eprint!("{question} [y/N] ");
    let mut answer = String::new();
    std::io::stdin().read_line(&mut answer)?;
    Ok(matches!(answer.trim(), "y" | "Y" | "yes"))
}
