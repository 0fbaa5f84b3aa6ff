//! `tokenkeeper export` and `import-backup`: every token, metadata and secret, in one
//! encrypted `age` file (see tokenkeeper_vault::backup), written atomically with mode 0600.

use std::{
    io::{IsTerminal, Write},
    path::PathBuf,
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

/// `export`'s arguments.
#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// Encrypt to a passphrase, asked for twice without echo (or read from stdin).
    #[arg(
        long,
        required_unless_present = "recipients",
        conflicts_with = "recipients"
    )]
    pub passphrase: bool,
    /// Encrypt to this age public key (age1…); give it once per recipient.
    #[arg(long = "recipient", value_name = "AGE_PUBLIC_KEY")]
    pub recipients: Vec<String>,
    #[arg(long)]
    pub json: bool,
}

/// `import-backup`'s arguments.
#[derive(Debug, clap::Args)]
pub struct RestoreArgs {
    pub file: PathBuf,
    /// An age identity file (from `age-keygen`); without it, a passphrase is asked for.
    #[arg(long, value_name = "AGE_KEY_FILE")]
    pub identity: Option<PathBuf>,
    /// List what would be restored; change nothing.
    #[arg(long)]
    pub dry_run: bool,
    #[arg(long)]
    pub json: bool,
}

pub fn export(vault: &Vault, args: ExportArgs, now: i64) -> Result<()> {
    let ExportArgs {
        out,
        passphrase: use_passphrase,
        recipients,
        json,
    } = args;
    let seal = if use_passphrase {
        Seal::Passphrase(passphrase(true)?)
    } else {
        Seal::Recipients(recipients)
    };
    let (bytes, report) = vault.export_backup(&seal, &Accessor::CliExport, now)?;
    tokenkeeper_vault::files::write_atomically(&out, &bytes, None)
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

pub fn restore(vault: &Vault, args: RestoreArgs, now: i64) -> Result<()> {
    let RestoreArgs {
        file,
        identity,
        dry_run,
        json,
    } = args;
    let bytes = std::fs::read(&file).with_context(|| format!("cannot read {}", file.display()))?;
    let key = match identity.as_deref() {
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
