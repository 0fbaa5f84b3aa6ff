//! `tokenkeeper import`: tokens found in plaintext config files (`.npmrc`, `.netrc`, gh's
//! `hosts.yml`, `.env`), stored in the keyring with their provider. With `--rewrite` each
//! file then refers to its tokens instead of holding them, written only once every secret
//! reads back from the keyring. Finding tokens and computing the new text are the core's
//! (`tokenkeeper_core::import`); this module stores and reports, `files` reads and writes.

mod files;

use std::{
    collections::{HashMap, HashSet},
    path::PathBuf,
};

use anyhow::{Context, Result, bail};
use serde::Serialize;
use tokenkeeper_core::{
    Secret,
    import::{FileFormat, Found},
    inspect,
    model::NewTokenMeta,
};
use tokenkeeper_vault::Vault;

use crate::output;

/// `import`'s arguments, as typed.
#[derive(Debug)]
pub struct ImportArgs {
    pub files: Vec<PathBuf>,
    pub format: String,
    pub dry_run: bool,
    pub rewrite: bool,
    pub json: bool,
}

/// One file as read. `text` is the whole file, secrets and all.
struct Source {
    /// As the user typed it, for messages.
    shown: PathBuf,
    /// Symlinks resolved: what a rewrite replaces.
    path: PathBuf,
    text: Secret,
    format: FileFormat,
    found: Vec<Found>,
    permissions: std::fs::Permissions,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
enum Action {
    /// `--dry-run`: it would be stored.
    WouldStore,
    Stored,
    /// The vault already holds this secret under the same provider.
    AlreadyStored,
    /// An earlier place in this import holds the same secret; it is stored once.
    Duplicate,
}

impl Action {
    fn words(self) -> &'static str {
        match self {
            Action::WouldStore => "would store",
            Action::Stored => "stored",
            Action::AlreadyStored => "already stored",
            Action::Duplicate => "same as above",
        }
    }
}

/// What becomes of one found token: `sources[source].found[found]`.
struct Item {
    source: usize,
    found: usize,
    provider: String,
    name: String,
    id: Option<String>,
    action: Action,
    /// The item this one duplicates.
    first: Option<usize>,
}

impl Item {
    fn address(&self) -> String {
        format!("{}/{}", self.provider, self.name)
    }
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
    let mut sources = args
        .files
        .iter()
        .map(|p| files::read(p, forced, now))
        .collect::<Result<Vec<_>>>()?;
    let mut items = plan(vault, &sources, now)?;
    // Everything a rewrite needs is settled before anything is stored, so a file that cannot
    // be rewritten stops the import while nothing has happened yet.
    let rewrites = if args.rewrite {
        Some(files::plan_rewrites(&mut sources, &items)?)
    } else {
        None
    };
    if !args.dry_run {
        store(vault, &sources, &mut items, now)?;
    }
    if let Some(rewrites) = &rewrites {
        read_back(vault, &sources, &items, now)?;
        files::apply(&sources, rewrites)?;
    }
    report(&sources, &items, rewrites.as_ref(), args)
}

fn same(a: &Secret, b: &Secret) -> bool {
    inspect::normalize(a.expose()) == inspect::normalize(b.expose())
}

/// What to do with each found token: store it under a name free for its provider, or nothing
/// when this import or the vault already has its secret.
fn plan(vault: &Vault, sources: &[Source], now: i64) -> Result<Vec<Item>> {
    let existing = vault.list(now)?;
    let mut taken: HashSet<(String, String)> = existing
        .iter()
        .map(|t| (t.provider.clone(), t.name.clone()))
        .collect();
    // Each stored secret is read at most once, and only those of the providers found.
    let mut stored: HashMap<String, Option<Secret>> = HashMap::new();
    let mut items: Vec<Item> = Vec::new();
    for (si, source) in sources.iter().enumerate() {
        for (fi, found) in source.found.iter().enumerate() {
            let earlier = items
                .iter()
                .position(|it| same(&sources[it.source].found[it.found].secret, &found.secret));
            let item = if let Some(first) = earlier {
                let f = &items[first];
                Item {
                    provider: f.provider.clone(),
                    name: f.name.clone(),
                    id: f.id.clone(),
                    action: Action::Duplicate,
                    first: Some(first),
                    source: si,
                    found: fi,
                }
            } else if let Some(t) = existing
                .iter()
                .filter(|t| t.provider == found.provider && t.revoked_at.is_none())
                .find(|t| {
                    stored
                        .entry(t.id.clone())
                        .or_insert_with(|| vault.secret(&t.id, now).ok())
                        .as_ref()
                        .is_some_and(|s| same(s, &found.secret))
                })
            {
                Item {
                    provider: t.provider.clone(),
                    name: t.name.clone(),
                    id: Some(t.id.clone()),
                    action: Action::AlreadyStored,
                    first: None,
                    source: si,
                    found: fi,
                }
            } else {
                Item {
                    provider: found.provider.clone(),
                    name: free_name(&mut taken, &found.provider, &found.name),
                    id: None,
                    action: Action::WouldStore,
                    first: None,
                    source: si,
                    found: fi,
                }
            };
            items.push(item);
        }
    }
    Ok(items)
}

/// `name`, or `name (2)`, `name (3)`… : the first that `provider` has no token under.
fn free_name(taken: &mut HashSet<(String, String)>, provider: &str, name: &str) -> String {
    let mut n = 1;
    loop {
        let candidate = match n {
            1 => name.to_owned(),
            _ => format!("{name} ({n})"),
        };
        if taken.insert((provider.to_owned(), candidate.clone())) {
            return candidate;
        }
        n += 1;
    }
}

/// Stores every new token in order. When one fails, those stored before it stay (they are
/// safe in the keyring) and the error names them; no file has been touched yet.
fn store(vault: &Vault, sources: &[Source], items: &mut [Item], now: i64) -> Result<()> {
    let mut done: Vec<String> = Vec::new();
    for i in 0..items.len() {
        if let Some(first) = items[i].first {
            items[i].id = items[first].id.clone();
            continue;
        }
        if items[i].action != Action::WouldStore {
            continue;
        }
        let source = &sources[items[i].source];
        let found = &source.found[items[i].found];
        let meta = NewTokenMeta {
            provider: Some(items[i].provider.clone()),
            name: items[i].name.clone(),
            notes: Some(format!("Imported from {}", source.path.display())),
            tags: Some(vec!["imported".to_owned()]),
            ..Default::default()
        };
        match vault.add(&found.secret, meta, now) {
            Ok(t) => {
                items[i].id = Some(t.id);
                items[i].action = Action::Stored;
                done.push(items[i].address());
            }
            Err(e) => {
                let kept = match done.as_slice() {
                    [] => "nothing was stored".to_owned(),
                    some => format!(
                        "stored before it, and kept in the keyring: {}",
                        some.join(", ")
                    ),
                };
                bail!(
                    "{} ({} in {}) was not stored: {e}; {kept}; no file was changed",
                    items[i].address(),
                    found.label,
                    source.shown.display()
                );
            }
        }
    }
    Ok(())
}

/// Every token a rewrite takes out of a file must come back from the keyring as it was read.
fn read_back(vault: &Vault, sources: &[Source], items: &[Item], now: i64) -> Result<()> {
    for item in items {
        let source = &sources[item.source];
        let found = &source.found[item.found];
        let unchanged = || format!("no file was changed ({} is stored)", item.address());
        let id = item.id.as_deref().with_context(unchanged)?;
        let back = vault
            .secret(id, now)
            .with_context(|| format!("{} did not read back from the keyring", item.address()))
            .with_context(unchanged)?;
        if !same(&back, &found.secret) {
            bail!(
                "the keyring returned another secret for {} than {} holds at {}; {}",
                item.address(),
                source.shown.display(),
                found.label,
                unchanged()
            );
        }
    }
    Ok(())
}

fn report(
    sources: &[Source],
    items: &[Item],
    rewrites: Option<&files::Rewrites>,
    args: &ImportArgs,
) -> Result<()> {
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
    match rewrites {
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
