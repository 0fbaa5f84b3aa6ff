//! `tokenkeeper export` and `import-backup`: every token, metadata and secret, in one
//! encrypted `age` file (see tokenkeeper_vault::backup), written atomically with mode 0600.

use std::{
    io::{IsTerminal, Write},
    path::Path,
};

use anyhow::{Context, Result, bail};
use tokenkeeper_core::{Secret, credential::Accessor};
use tokenkeeper_vault::{
    Vault,
    backup::{RestoreAction, Seal, Unseal},
};

use crate::output;

/// A passphrase: asked twice without echo on a terminal (`confirm`), else one line of stdin.
fn passphrase(confirm: bool) -> Result<Secret> {
    if std::io::stdin().is_terminal() {
        let first = Secret::from(
            rpassword::prompt_password("Backup passphrase (input hidden): ")
                .context("could not read the passphrase")?,
        );
        if confirm {
            let again = Secret::from(
                rpassword::prompt_password("The same passphrase again: ")
                    .context("could not read the passphrase")?,
            );
            if again != first {
                bail!("the two passphrases differ; nothing was written");
            }
        }
        return Ok(first);
    }
    let mut line = String::new();
    std::io::stdin()
        .read_line(&mut line)
        .context("could not read the passphrase from stdin")?;
    let secret = Secret::from(line);
    let trimmed = Secret::new(secret.expose().trim_end_matches(['\r', '\n']).to_owned());
    if trimmed.expose().is_empty() {
        bail!("no passphrase on stdin: pipe it in, or run in a terminal to be asked");
    }
    Ok(trimmed)
}

pub fn export(
    vault: &Vault,
    out: &Path,
    use_passphrase: bool,
    recipients: &[String],
    json: bool,
    now: i64,
) -> Result<()> {
    let seal = if use_passphrase {
        Seal::Passphrase(passphrase(true)?)
    } else {
        Seal::Recipients(recipients.to_vec())
    };
    let (bytes, report) = vault.export_backup(&seal, &Accessor::CliExport, now)?;
    tokenkeeper_vault::files::write_atomically(out, &bytes, None)
        .with_context(|| format!("cannot write {}", out.display()))?;
    if json {
        return output::json(&report);
    }
    eprintln!("Wrote {} tokens to {}", report.tokens, out.display());
    if report.skipped_revoked > 0 {
        eprintln!(
            "  {} revoked tokens have no secret and were left out",
            report.skipped_revoked
        );
    }
    for t in &report.skipped_missing {
        eprintln!("  left out {t}: the keyring no longer holds its secret");
    }
    Ok(())
}

pub fn restore(
    vault: &Vault,
    file: &Path,
    identity: Option<&Path>,
    dry_run: bool,
    json: bool,
    now: i64,
) -> Result<()> {
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    let key = match identity {
        Some(path) => Unseal::Identities(Secret::from(
            std::fs::read_to_string(path)
                .with_context(|| format!("cannot read the identity file {}", path.display()))?,
        )),
        None => Unseal::Passphrase(passphrase(false)?),
    };
    let done = vault.restore_backup(&bytes, &key, dry_run, now)?;
    if json {
        return output::json(&done);
    }
    let mut out = std::io::stdout().lock();
    for r in &done {
        let what = match (r.action, dry_run) {
            (RestoreAction::Unchanged, _) => "already here",
            (RestoreAction::Restored, false) => "restored",
            (RestoreAction::Restored, true) => "would restore",
            (RestoreAction::RestoredAsNew, false) => "restored beside a different token as",
            (RestoreAction::RestoredAsNew, true) => "would restore beside a different token as",
        };
        writeln!(out, "{what} {}", r.token)?;
    }
    if dry_run {
        writeln!(out, "Nothing was changed (--dry-run).")?;
    }
    Ok(())
}
