//! "Find tokens on this machine": scans the usual config files (the core's
//! `import::usual_locations`) read-only and lists what importing would do, then imports the
//! files the user picked, as `tokenkeeper import` does (`tokenkeeper_vault::import`). Only
//! counts, names and masked previews cross IPC, never a secret; and the page can name only a
//! file the last scan listed, so a page script cannot make the app read any other file.

use std::{
    collections::HashMap,
    path::{Path, PathBuf},
    sync::Mutex,
};

use serde::Serialize;
use tokenkeeper_core::{
    import::{FileFormat, Location, usual_locations},
    inspect,
};
use tokenkeeper_vault::{
    Error, Result, Vault,
    import::{self as vault_import, Action, Imported, Options, Source},
    paths,
};
use ts_rs::TS;

/// What a scan found: every place it looked, and each of those files that exists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ScanReport {
    /// Every usual location, shown as people know it (`~/.npmrc`), whether it exists or not.
    pub looked_in: Vec<String>,
    pub files: Vec<ScannedFile>,
}

/// One usual file that exists: its tokens, or why it could not be read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ScannedFile {
    /// As people know it: `~/.npmrc`. Also the handle `import_found` takes.
    pub path: String,
    /// `npmrc`, `netrc`, `gh-hosts` or `dotenv`.
    pub format: String,
    pub tokens: Vec<FoundToken>,
    /// Why the file could not be read; it then has no tokens.
    pub error: Option<String>,
}

/// A token found in a file, as a scan or an import saw it. Never the secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct FoundToken {
    /// Where in the file: `//registry.npmjs.org/:_authToken`.
    pub label: String,
    pub provider: String,
    /// The name it is (or would be) stored under.
    pub name: String,
    pub action: ImportAction,
    /// `Secret::masked`: a known prefix and, for long secrets, the last four.
    pub preview: String,
}

/// The vault's import `Action`, as the UI reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ImportAction {
    /// Importing would store it.
    Store,
    Stored,
    /// The vault already holds this secret.
    AlreadyStored,
    /// An earlier place in the same scan holds the same secret; it is stored once.
    SameAsAbove,
}

/// What `import_found` did: each token, and for a rewrite what became of each file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ImportOutcome {
    pub files: Vec<ScannedFile>,
    /// One sentence per rewritten file and env file; empty without a rewrite.
    pub rewritten: Vec<String>,
}

/// The files the last scan listed: the only ones `import_found` reads.
#[derive(Default)]
pub struct Scanned(Mutex<HashMap<String, (PathBuf, FileFormat)>>);

impl Scanned {
    fn remember(&self, listed: HashMap<String, (PathBuf, FileFormat)>) {
        *self.0.lock().unwrap_or_else(|p| p.into_inner()) = listed;
    }

    /// The real path and format of each file the page names; refuses any the scan did not list.
    pub fn resolve(&self, files: &[String]) -> Result<Vec<(String, PathBuf, FileFormat)>> {
        let listed = self.0.lock().unwrap_or_else(|p| p.into_inner());
        files
            .iter()
            .map(|f| match listed.get(f) {
                Some((path, format)) => Ok((f.clone(), path.clone(), *format)),
                None => Err(Error::invalid(format!(
                    "{f} was not listed by the last scan, so it was not read; scan again"
                ))),
            })
            .collect()
    }
}

/// The usual locations under the platform's home folder (`HOME`) and `XDG_CONFIG_HOME`.
pub fn usual() -> Result<Vec<Location>> {
    let home = paths::home_dir()?;
    let config = std::env::var_os("XDG_CONFIG_HOME").map(PathBuf::from);
    Ok(usual_locations(&home, config.as_deref()))
}

fn read(shown: &str, path: &Path, format: FileFormat, now: i64) -> Result<Source> {
    let mut source = vault_import::read(path, Some(format), now)?;
    // Messages and the rewrite's sentences name the file as the user knows it.
    source.shown = PathBuf::from(shown);
    Ok(source)
}

/// Lists every file of `locations` that exists and what importing it would do. Stores nothing
/// and writes no file. Remembers the files it listed for `import`.
pub fn scan(
    vault: &Vault,
    scanned: &Scanned,
    locations: &[Location],
    now: i64,
) -> Result<ScanReport> {
    let mut listed = HashMap::new();
    let mut sources = Vec::new();
    let mut failed = Vec::new();
    for loc in locations.iter().filter(|l| l.path.exists()) {
        listed.insert(loc.shown.clone(), (loc.path.clone(), loc.format));
        match read(&loc.shown, &loc.path, loc.format, now) {
            Ok(source) => sources.push(source),
            // Named as the list names it.
            Err(e) => failed.push((
                loc,
                e.to_string()
                    .replace(&loc.path.display().to_string(), &loc.shown),
            )),
        }
    }
    // A dry run without a rewrite: planning only reads the vault.
    let options = Options {
        dry_run: true,
        rewrite: false,
    };
    let plan = vault.import_found(sources, options, now)?;
    let mut files = report(&plan, now);
    files.extend(failed.into_iter().map(|(loc, error)| ScannedFile {
        path: loc.shown.clone(),
        format: loc.format.as_str().to_owned(),
        tokens: Vec::new(),
        error: Some(error),
    }));
    scanned.remember(listed);
    Ok(ScanReport {
        looked_in: locations.iter().map(|l| l.shown.clone()).collect(),
        files,
    })
}

/// Imports every token of `files` (each as the last scan listed it), and with `rewrite`
/// replaces each in its file with a reference, as `tokenkeeper import --rewrite` does.
pub fn import(
    vault: &Vault,
    files: Vec<(String, PathBuf, FileFormat)>,
    rewrite: bool,
    now: i64,
) -> Result<ImportOutcome> {
    let sources = files
        .iter()
        .map(|(shown, path, format)| read(shown, path, *format, now))
        .collect::<Result<Vec<_>>>()?;
    let options = Options {
        dry_run: false,
        rewrite,
    };
    let done = vault.import_found(sources, options, now)?;
    Ok(ImportOutcome {
        files: report(&done, now),
        rewritten: done
            .rewrites
            .as_ref()
            .map(|r| r.describe(&done.sources))
            .unwrap_or_default(),
    })
}

fn report(imported: &Imported, now: i64) -> Vec<ScannedFile> {
    imported
        .sources
        .iter()
        .enumerate()
        .map(|(si, source)| ScannedFile {
            path: source.shown.display().to_string(),
            format: source.format.as_str().to_owned(),
            tokens: imported
                .items
                .iter()
                .filter(|it| it.source == si)
                .map(|it| {
                    let found = &source.found[it.found];
                    let prefix = inspect::decode(found.secret.expose(), now)
                        .ok()
                        .and_then(|i| i.prefix);
                    FoundToken {
                        label: found.label.clone(),
                        provider: it.provider.clone(),
                        name: it.name.clone(),
                        action: match it.action {
                            Action::WouldStore => ImportAction::Store,
                            Action::Stored => ImportAction::Stored,
                            Action::AlreadyStored => ImportAction::AlreadyStored,
                            Action::Duplicate => ImportAction::SameAsAbove,
                        },
                        preview: found.secret.masked(prefix),
                    }
                })
                .collect(),
            error: None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_the_scan_did_not_list_is_refused() {
        let scanned = Scanned::default();
        scanned.remember(HashMap::from([(
            "~/.npmrc".to_owned(),
            (PathBuf::from("/home/ada/.npmrc"), FileFormat::Npmrc),
        )]));
        let ok = scanned.resolve(&["~/.npmrc".to_owned()]).expect("listed");
        assert_eq!(ok[0].1, PathBuf::from("/home/ada/.npmrc"));
        for other in ["/etc/shadow", "~/.ssh/id_ed25519", "/home/ada/.npmrc"] {
            let err = scanned
                .resolve(&["~/.npmrc".to_owned(), other.to_owned()])
                .expect_err("a page must not make the app read a file the scan did not list");
            assert!(err.to_string().contains("not listed"), "{err}");
        }
    }
}
