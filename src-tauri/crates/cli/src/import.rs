//! `tokenkeeper import`: tokens found in plaintext config files (`.npmrc`, `.netrc`, gh's
//! `hosts.yml`, `.env`), stored in the keyring with their provider. With `--rewrite` each
//! file then refers to its tokens instead of holding them, written only once every secret
//! reads back from the keyring. Finding tokens and computing the new text are the core's
//! (`tokenkeeper_core::import`); reading, storing and rewriting are the vault's
//! (`tokenkeeper_vault::import`, shared with the app); this module takes arguments and prints.

use std::path::PathBuf;

use anyhow::Result;
use serde::Serialize;
use tokenkeeper_core::import::FileFormat;
use tokenkeeper_vault::{
    Vault,
    import::{self as vault_import, Action, Imported, Item, Options},
};

use crate::output;

/// `import`'s arguments.
#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// Config files to read (up to 1 MiB each).
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// The files' format; `auto` tells it from the name and content.
    #[arg(
        long,
        default_value = "auto",
        value_name = "npmrc|netrc|gh-hosts|dotenv|auto"
    )]
    pub format: String,
    /// List what would be stored; change nothing.
    #[arg(long, conflicts_with = "rewrite")]
    pub dry_run: bool,
    /// Replace each imported value in its file with a reference (`${NPM_TOKEN}`, a line in
    /// `.tokenkeeper.env` for `tokenkeeper run --env-file`), atomically, keeping the
    /// file's mode.
    #[arg(long)]
    pub rewrite: bool,
    /// One object per token found: file, label, provider, name, id, action (stored,
    /// would_store, already_stored, duplicate) and env; never a secret.
    #[arg(long)]
    pub json: bool,
}

/// One `--json` entry. Never a secret.
#[derive(Serialize)]
struct Row<'a> {
    file: String,
    label: &'a str,
    provider: &'a str,
    name: &'a str,
    id: Option<&'a str>,
    action: Action,
    /// The variable `tokenkeeper run` passes it in (`NPM_TOKEN`), if it has one.
    env: Option<&'a str>,
}

pub fn import(vault: &Vault, args: &ImportArgs, now: i64) -> Result<()> {
    let forced = FileFormat::parse(&args.format)?;
    let sources = args
        .files
        .iter()
        .map(|p| vault_import::read(p, forced, now))
        .collect::<Result<Vec<_>, _>>()?;
    let options = Options {
        dry_run: args.dry_run,
        rewrite: args.rewrite,
    };
    let imported = vault.import_found(sources, options, now)?;
    report(&imported, args)
}

fn report(imported: &Imported, args: &ImportArgs) -> Result<()> {
    let (sources, items) = (&imported.sources, &imported.items);
    let file = |it: &Item| sources[it.source].shown.display().to_string();
    if args.json {
        let rows: Vec<Row<'_>> = items
            .iter()
            .map(|it| {
                let found = &sources[it.source].found[it.found];
                Row {
                    file: file(it),
                    label: &found.label,
                    provider: &it.provider,
                    name: &it.name,
                    id: it.id.as_deref(),
                    action: it.action,
                    env: found.env_var.as_deref(),
                }
            })
            .collect();
        return output::json(&rows);
    }
    let mut out: Vec<String> = sources
        .iter()
        .filter(|s| s.found.is_empty())
        .map(|s| format!("No tokens found in {}.", s.shown.display()))
        .collect();
    if items.is_empty() {
        return output::lines(&out);
    }
    let rows: Vec<[String; 4]> = items
        .iter()
        .map(|it| {
            let found = &sources[it.source].found[it.found];
            [
                file(it),
                found.label.clone(),
                it.address(),
                it.action.words().to_owned(),
            ]
        })
        .collect();
    out.extend(table(["FILE", "FOUND", "TOKEN", "ACTION"], &rows));
    let count = |a: Action| items.iter().filter(|it| it.action == a).count();
    let mut summary = vec![format!("{} found", items.len())];
    for a in [Action::WouldStore, Action::Stored, Action::AlreadyStored] {
        if count(a) > 0 {
            summary.push(format!("{} {}", count(a), a.words()));
        }
    }
    out.push(format!("{}.", summary.join(", ")));
    match &imported.rewrites {
        Some(r) => out.extend(r.describe(sources)),
        None if args.dry_run => out.push("Nothing was changed (--dry-run).".to_owned()),
        None => out.push(
            "The files still hold these tokens: `--rewrite` replaces each with a reference."
                .to_owned(),
        ),
    }
    output::lines(&out)
}

/// Left-aligned columns, two spaces apart.
fn table<const N: usize>(header: [&str; N], rows: &[[String; N]]) -> Vec<String> {
    let header = header.map(str::to_owned);
    let mut widths = [0usize; N];
    for r in std::iter::once(&header).chain(rows) {
        for (w, c) in widths.iter_mut().zip(r) {
            *w = (*w).max(c.chars().count());
        }
    }
    std::iter::once(&header)
        .chain(rows)
        .map(|r| {
            let cells: Vec<String> = r
                .iter()
                .zip(widths)
                .map(|(c, w)| format!("{c:<w$}"))
                .collect();
            cells.join("  ").trim_end().to_owned()
        })
        .collect()
}
