//! Import's orchestration, shared by the CLI's `tokenkeeper import` and the app's "Find tokens
//! on this machine": read config files (`files`), plan what becomes of each token found (store
//! it under a free name, or nothing when this import or the vault already has its secret),
//! store, and with a rewrite read every secret back from the keyring before any file refers to
//! it. Finding tokens and computing a file's new text are the core's
//! (`tokenkeeper_core::import`); this module must not print or depend on tauri.

mod files;

use std::collections::{HashMap, HashSet};

use tokenkeeper_core::{Secret, inspect, model::NewTokenMeta};

pub use files::{ENV_FILE, Rewrites, Source, read};

use crate::{Error, Result, Vault};

/// What becomes of one found token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Not stored yet (a dry run, or a scan): it would be stored.
    WouldStore,
    Stored,
    /// The vault already holds this secret under the same provider.
    AlreadyStored,
    /// An earlier place in this import holds the same secret; it is stored once.
    Duplicate,
}

impl Action {
    pub fn words(self) -> &'static str {
        match self {
            Action::WouldStore => "would store",
            Action::Stored => "stored",
            Action::AlreadyStored => "already stored",
            Action::Duplicate => "same as above",
        }
    }
}

/// What becomes of one found token: `sources[source].found[found]`.
#[derive(Debug, Clone)]
pub struct Item {
    pub source: usize,
    pub found: usize,
    pub provider: String,
    pub name: String,
    pub id: Option<String>,
    pub action: Action,
    /// The item this one duplicates.
    first: Option<usize>,
}

impl Item {
    pub fn address(&self) -> String {
        format!("{}/{}", self.provider, self.name)
    }
}

/// How to import.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Plan only: nothing is stored.
    pub dry_run: bool,
    /// Replace each token in its file with a reference once every secret reads back.
    pub rewrite: bool,
}

/// What an import found and did.
pub struct Imported {
    pub sources: Vec<Source>,
    pub items: Vec<Item>,
    pub rewrites: Option<Rewrites>,
}

/// `e` and its causes on one line, as the CLI prints an error chain.
pub(crate) fn chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut next = e.source();
    while let Some(cause) = next {
        out.push_str(": ");
        out.push_str(&cause.to_string());
        next = cause.source();
    }
    out
}

pub(crate) fn fail(message: impl Into<String>) -> Error {
    Error::invalid(message)
}

impl Vault {
    /// Imports the tokens of `sources` (see [`read`]). Everything a rewrite needs is settled
    /// before anything is stored, so a file that cannot be rewritten stops the import while
    /// nothing has happened yet.
    pub fn import_found(
        &self,
        mut sources: Vec<Source>,
        options: Options,
        now: i64,
    ) -> Result<Imported> {
        let mut items = plan(self, &sources, now)?;
        let rewrites = if options.rewrite {
            Some(files::plan_rewrites(&mut sources, &items)?)
        } else {
            None
        };
        if !options.dry_run {
            store(self, &sources, &mut items, now)?;
        }
        if let Some(rewrites) = &rewrites {
            read_back(self, &sources, &items, now)?;
            files::apply(&sources, rewrites)?;
        }
        Ok(Imported {
            sources,
            items,
            rewrites,
        })
    }
}

fn same(a: &Secret, b: &Secret) -> bool {
    inspect::normalize(a.expose()) == inspect::normalize(b.expose())
}

/// What to do with each found token: store it under a name free for its provider, or nothing
/// when this import or the vault already has its secret. Reads, never writes.
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
                return Err(fail(format!(
                    "{} ({} in {}) was not stored: {e}; {kept}; no file was changed",
                    items[i].address(),
                    found.label,
                    source.shown.display()
                )));
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
        let unchanged = format!("no file was changed ({} is stored)", item.address());
        let id = item.id.as_deref().ok_or_else(|| fail(unchanged.clone()))?;
        let back = vault.secret(id, now).map_err(|e| {
            fail(format!(
                "{unchanged}: {} did not read back from the keyring: {}",
                item.address(),
                chain(&e)
            ))
        })?;
        if !same(&back, &found.secret) {
            return Err(fail(format!(
                "the keyring returned another secret for {} than {} holds at {}; {unchanged}",
                item.address(),
                source.shown.display(),
                found.label,
            )));
        }
    }
    Ok(())
}
