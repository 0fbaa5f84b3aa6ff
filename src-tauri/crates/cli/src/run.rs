//! `tokenkeeper run`: a command with tokens in its environment, fetched at the moment it
//! starts, so no script or config file has to hold them. Each variable names a token; a
//! sign-in's token past its refresh point is refreshed first (single-flight with the app);
//! an expired, revoked or lost one is refused. On Unix the command replaces this process
//! (`exec`), so signals and the exit status are its own.

use std::{collections::BTreeMap, path::Path, process::Command};

use anyhow::{Context, Result, bail};
use tokenkeeper_core::{
    Secret,
    clock::parse_rfc3339,
    credential::Accessor,
    model::{Status, TokenMeta},
    oauth::refresh_before_use,
};
use tokenkeeper_vault::Vault;

/// `NAME=TOKEN` pairs from the arguments and the file, checked: a name a shell accepts, each
/// name once.
pub fn mappings(args: &[String], file: Option<&Path>) -> Result<BTreeMap<String, String>> {
    let mut lines: Vec<(String, String)> = Vec::new();
    if let Some(path) = file {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read the env file {}", path.display()))?;
        for (n, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            lines.push((line.to_owned(), format!("{}:{}", path.display(), n + 1)));
        }
    }
    lines.extend(args.iter().map(|a| (a.clone(), "--env".to_owned())));
    let mut out = BTreeMap::new();
    for (line, at) in lines {
        let Some((name, token)) = line.split_once('=') else {
            bail!("{at}: `{line}` is not NAME=TOKEN (for example GITHUB_TOKEN=github/ci)");
        };
        let (name, token) = (name.trim(), token.trim());
        let valid = name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !valid {
            bail!("{at}: `{name}` is not an environment variable name (letters, digits, _)");
        }
        if token.is_empty() {
            bail!("{at}: `{name}=` names no token");
        }
        if out.insert(name.to_owned(), token.to_owned()).is_some() {
            bail!("{at}: `{name}` is given twice");
        }
    }
    if out.is_empty() {
        bail!("no token to pass: give --env NAME=TOKEN or --env-file FILE");
    }
    Ok(out)
}

/// Token `meta` as it should be handed out: a sign-in's access token past its refresh point is
/// refreshed first (single-flight with the app); when that fails, the token goes as it is
/// (the caller refuses it if it has expired), with a warning.
pub(crate) fn fresh(vault: &Vault, meta: TokenMeta, now: i64) -> Result<TokenMeta> {
    let Some(access) = vault.grant_access_id(&meta.id)? else {
        return Ok(meta);
    };
    let due = access == meta.id
        && meta.revoked_at.is_none()
        && refresh_before_use(
            meta.issued_at
                .as_deref()
                .and_then(|t| parse_rfc3339(t).ok()),
            meta.expires_at
                .as_deref()
                .and_then(|t| parse_rfc3339(t).ok()),
            now,
        );
    if !due {
        return Ok(meta);
    }
    match crate::oauth::refresh_grant(vault, &access, crate::commands::started_ms()) {
        Ok(r) => Ok(r.meta),
        Err(e) => {
            eprintln!(
                "warning: {}/{} was not refreshed: {e}",
                meta.provider, meta.name
            );
            Ok(meta)
        }
    }
}

/// The secret for `key`, refreshed first when it is a sign-in's token past its refresh point.
fn secret_for(vault: &Vault, key: &str, allow_expired: bool, now: i64) -> Result<Secret> {
    let meta = fresh(vault, vault.resolve(key)?.into_meta(now), now)?;
    let address = format!("{}/{}", meta.provider, meta.name);
    match meta.status {
        Status::Revoked => bail!("{address} was revoked; its secret is gone"),
        Status::Expired if !allow_expired => bail!(
            "{address} expired {}: replace it (`tokenkeeper replace {address}`), or pass --allow-expired",
            meta.expires_at.as_deref().unwrap_or("")
        ),
        _ => {}
    }
    Ok(vault.hand_out(&meta.id, &Accessor::CliRun, now)?)
}

/// Runs `command` with the tokens in its environment. Returns only when it could not start
/// (on Unix), or with its exit code (elsewhere).
pub fn run(
    vault: &Vault,
    env: BTreeMap<String, String>,
    allow_expired: bool,
    command: &[String],
    now: i64,
) -> Result<i32> {
    let mut secrets = Vec::with_capacity(env.len());
    for (name, key) in &env {
        let secret = secret_for(vault, key, allow_expired, now)
            .with_context(|| format!("{name}: not started"))?;
        secrets.push((name.clone(), secret));
    }
    let (program, args) = command.split_first().context("no command after --")?;
    let mut cmd = Command::new(program);
    cmd.args(args);
    for (name, secret) in &secrets {
        cmd.env(name, secret.expose());
    }
    start(cmd, program)
}

#[cfg(unix)]
fn start(mut cmd: Command, program: &str) -> Result<i32> {
    use std::os::unix::process::CommandExt;
    // Only returns when the program could not be started.
    let e = cmd.exec();
    bail!("cannot start {program}: {e}")
}

#[cfg(not(unix))]
fn start(mut cmd: Command, program: &str) -> Result<i32> {
    let status = cmd
        .status()
        .with_context(|| format!("cannot start {program}"))?;
    Ok(status.code().unwrap_or(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn mappings_come_from_arguments_and_a_file_and_are_checked() {
        let dir = tempfile::tempdir().expect("dir");
        let file = dir.path().join("tokens.env");
        std::fs::write(&file, "# deploy\nNPM_TOKEN = npm/publish\n\nGH=github/ci\n")
            .expect("write");
        let m = mappings(&args(&["AWS=aws/prod"]), Some(&file)).expect("ok");
        assert_eq!(m.get("NPM_TOKEN").map(String::as_str), Some("npm/publish"));
        assert_eq!(m.len(), 3);
        for bad in [&["1X=github/ci"][..], &["X"], &["X="], &["GH=a", "GH=b"]] {
            assert!(mappings(&args(bad), None).is_err(), "{bad:?}");
        }
        assert!(
            mappings(&[], None)
                .unwrap_err()
                .to_string()
                .contains("--env")
        );
    }
}
