//! Import's file side: reading a config file (at most 1 MiB of UTF-8 text), and writing its
//! rewrite and the env file beside it atomically: a temporary file in the same folder, synced,
//! given the original's mode, renamed over the original, then the folder synced. A crash
//! leaves the old file or the new one, never half of either.

use std::{
    collections::BTreeMap,
    fs::{self, File, Permissions},
    io::Read,
    path::{Path, PathBuf},
};

use tokenkeeper_core::{
    Secret,
    import::{self as core_import, FileFormat, Found},
};
use zeroize::Zeroizing;

use super::{Item, chain, fail};
use crate::{Result, files::write_atomically};

/// Config files are small; anything bigger is not one.
const MAX_FILE: u64 = 1024 * 1024;

/// The env file written beside a rewritten file: `NAME=provider/name` lines for
/// `tokenkeeper run --env-file`. It holds no secret.
pub const ENV_FILE: &str = ".tokenkeeper.env";

/// One file as read. `text` is the whole file, secrets and all.
pub struct Source {
    /// As the user named it, for messages.
    pub shown: PathBuf,
    /// Symlinks resolved: what a rewrite replaces.
    pub path: PathBuf,
    text: Secret,
    pub format: FileFormat,
    pub found: Vec<Found>,
    permissions: Permissions,
}

/// Reads `shown` (symlinks followed) as `forced`, else as its name or content tells, and finds
/// its tokens. Changes nothing.
pub fn read(shown: &Path, forced: Option<FileFormat>, now: i64) -> Result<Source> {
    let cannot =
        |e: std::io::Error| fail(format!("cannot read {}: {}", shown.display(), chain(&e)));
    let path = fs::canonicalize(shown).map_err(cannot)?;
    let meta = fs::metadata(&path).map_err(cannot)?;
    if !meta.is_file() {
        return Err(fail(format!("{} is not a regular file", shown.display())));
    }
    let too_big = || {
        fail(format!(
            "{} is over 1 MiB; import reads config files",
            shown.display()
        ))
    };
    if meta.len() > MAX_FILE {
        return Err(too_big());
    }
    let mut bytes = Zeroizing::new(Vec::new());
    File::open(&path)
        .and_then(|f| f.take(MAX_FILE + 1).read_to_end(&mut bytes))
        .map_err(cannot)?;
    if bytes.len() as u64 > MAX_FILE {
        return Err(too_big());
    }
    let text = std::str::from_utf8(&bytes).map_err(|e| {
        fail(format!(
            "{} is not UTF-8 text (invalid byte at offset {})",
            shown.display(),
            e.valid_up_to()
        ))
    })?;
    let text = Secret::new(text.to_owned());
    let file_name = shown
        .file_name()
        .or(path.file_name())
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let format = forced
        .or_else(|| core_import::detect(&file_name, text.expose()))
        .ok_or_else(|| {
            fail(format!(
                "cannot tell what kind of file {} is: give --format npmrc, netrc, gh-hosts or \
                 dotenv",
                shown.display()
            ))
        })?;
    let found = core_import::find(format, text.expose(), now);
    Ok(Source {
        shown: shown.to_owned(),
        path,
        text,
        format,
        found,
        permissions: meta.permissions(),
    })
}

/// Everything `--rewrite` will write, worked out before anything is stored.
pub struct Rewrites {
    /// `(source, its new text)`.
    files: Vec<(usize, String)>,
    env_files: Vec<EnvFile>,
}

/// An env file beside rewritten files, with what is in it and what it gains.
struct EnvFile {
    path: PathBuf,
    /// Beside the file as the user named it, for messages.
    shown: PathBuf,
    existing: Option<(String, Permissions)>,
    /// Variable → `provider/name`, the file's own lines and the new ones.
    names: BTreeMap<String, String>,
    added: Vec<String>,
    /// A rewritten file refers to it.
    used: bool,
}

impl EnvFile {
    fn load(path: PathBuf, shown: PathBuf) -> Result<EnvFile> {
        let existing = match fs::read_to_string(&path) {
            Ok(text) => {
                let perms = fs::metadata(&path)
                    .map_err(|e| fail(chain(&e)))?
                    .permissions();
                Some((text, perms))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => {
                return Err(fail(format!(
                    "cannot read {}: {}",
                    path.display(),
                    chain(&e)
                )));
            }
        };
        let names = existing
            .iter()
            .flat_map(|(text, _)| text.lines())
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .filter_map(|l| l.split_once('='))
            .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
            .collect();
        Ok(EnvFile {
            path,
            shown,
            existing,
            names,
            added: Vec::new(),
            used: false,
        })
    }

    /// The variable that passes `address`: `wanted`, else (when `wanted` already passes
    /// another token and the name is not the file's own) `wanted_2`, `wanted_3`…
    fn choose(&mut self, wanted: &str, address: &str, fixed: Option<&Path>) -> Result<String> {
        self.used = true;
        for n in 1.. {
            let name = match n {
                1 => wanted.to_owned(),
                _ => format!("{wanted}_{n}"),
            };
            match self.names.get(&name) {
                None => {
                    self.names.insert(name.clone(), address.to_owned());
                    self.added.push(format!("{name}={address}"));
                    return Ok(name);
                }
                Some(a) if a == address => return Ok(name),
                Some(a) => {
                    if let Some(file) = fixed {
                        return Err(fail(format!(
                            "{} already passes {name} as {a}, and {} sets {name} to another \
                             token ({address}); change that line, or import without --rewrite; \
                             nothing was stored",
                            self.shown.display(),
                            file.display()
                        )));
                    }
                }
            }
        }
        unreachable!("the loop returns")
    }
}

/// The new text of every file with tokens, and the env-file lines their references need.
/// Fails, before anything is stored, when a file cannot be rewritten.
pub(super) fn plan_rewrites(sources: &mut [Source], items: &[Item]) -> Result<Rewrites> {
    let mut env_files: Vec<EnvFile> = Vec::new();
    // A `.env` variable is the program's own name for its token, so those names go first;
    // the others (`NPM_TOKEN` in a `.npmrc`) are ours to pick and yield (`NPM_TOKEN_2`).
    for dotenv_pass in [true, false] {
        for (si, source) in sources.iter_mut().enumerate() {
            if source.found.is_empty() || (source.format == FileFormat::Dotenv) != dotenv_pass {
                continue;
            }
            let env_path = source
                .path
                .parent()
                .unwrap_or(Path::new("."))
                .join(ENV_FILE);
            let env_at = match env_files.iter().position(|e| e.path == env_path) {
                Some(i) => i,
                None => {
                    let shown = source
                        .shown
                        .parent()
                        .unwrap_or(Path::new(""))
                        .join(ENV_FILE);
                    env_files.push(EnvFile::load(env_path, shown)?);
                    env_files.len() - 1
                }
            };
            let env = &mut env_files[env_at];
            let fixed = dotenv_pass.then_some(source.shown.as_path());
            for (fi, found) in source.found.iter_mut().enumerate() {
                let Some(wanted) = found.env_var.clone() else {
                    continue;
                };
                let item = items
                    .iter()
                    .find(|it| it.source == si && it.found == fi)
                    .ok_or_else(|| fail("every found token has a plan"))?;
                found.env_var = Some(env.choose(&wanted, &item.address(), fixed)?);
            }
        }
    }
    let mut files = Vec::new();
    for (si, source) in sources.iter().enumerate() {
        if source.found.is_empty() {
            continue;
        }
        let text = core_import::rewrite(source.text.expose(), &source.found).map_err(|e| {
            fail(format!(
                "cannot rewrite {}; nothing was stored: {}",
                source.shown.display(),
                chain(&e)
            ))
        })?;
        files.push((si, text));
    }
    env_files.retain(|e| e.used);
    Ok(Rewrites { files, env_files })
}

impl Rewrites {
    /// What the rewrite did, for people.
    pub fn describe(&self, sources: &[Source]) -> Vec<String> {
        let mut out = Vec::new();
        for (si, _) in &self.files {
            let source = &sources[*si];
            let how = match source.format {
                FileFormat::Npmrc => {
                    "each token is now a ${VARIABLE} (npm reads it from the environment)"
                }
                FileFormat::Dotenv => "its token lines are gone",
                FileFormat::GhHosts => {
                    "its oauth_token lines are gone (gh reads GH_TOKEN from the environment)"
                }
                FileFormat::Netrc => {
                    "its entries are gone; for git, `git config --global credential.helper \
                     '!tokenkeeper git-credential'` (and `tokenkeeper edit TOKEN --git-host HOST`)"
                }
            };
            out.push(format!("Rewrote {}: {how}.", source.shown.display()));
        }
        for env in &self.env_files {
            let what = match env.added.len() {
                0 => "already passes every token".to_owned(),
                n => format!("gained {n} line{}", if n == 1 { "" } else { "s" }),
            };
            out.push(format!(
                "{} {what}: run commands as `tokenkeeper run --env-file {} -- COMMAND`.",
                env.shown.display(),
                env.shown.display()
            ));
        }
        out
    }
}

/// Writes the env files, then each rewritten file. A file changed since it was read is not
/// overwritten.
pub(super) fn apply(sources: &[Source], rewrites: &Rewrites) -> Result<()> {
    for env in rewrites.env_files.iter().filter(|e| !e.added.is_empty()) {
        let (mut text, perms) = match &env.existing {
            Some((text, perms)) => (text.clone(), Some(perms.clone())),
            None => (
                format!(
                    "# Tokens for `tokenkeeper run --env-file {ENV_FILE} -- COMMAND`: \
                     NAME=provider/name, no secrets.\n"
                ),
                new_file_permissions(),
            ),
        };
        if !text.is_empty() && !text.ends_with('\n') {
            text.push('\n');
        }
        for line in &env.added {
            text.push_str(line);
            text.push('\n');
        }
        write_atomically(&env.path, text.as_bytes(), perms.as_ref()).map_err(|e| {
            fail(format!(
                "no file was rewritten (the tokens are stored): cannot write {}: {}",
                env.path.display(),
                chain(&e)
            ))
        })?;
    }
    let mut done: Vec<String> = Vec::new();
    for (si, text) in &rewrites.files {
        let source = &sources[*si];
        let not_done = || match done.as_slice() {
            [] => "no file was rewritten (the tokens are stored)".to_owned(),
            some => format!(
                "only {} were rewritten (the tokens are stored)",
                some.join(", ")
            ),
        };
        let now_there = Zeroizing::new(
            fs::read(&source.path).map_err(|e| fail(format!("{}: {}", not_done(), chain(&e))))?,
        );
        if now_there.as_slice() != source.text.expose().as_bytes() {
            return Err(fail(format!(
                "{} changed while it was imported, so it was not rewritten; {}",
                source.shown.display(),
                not_done()
            )));
        }
        write_atomically(&source.path, text.as_bytes(), Some(&source.permissions)).map_err(
            |e| {
                fail(format!(
                    "{}: cannot write {}: {}",
                    not_done(),
                    source.path.display(),
                    chain(&e)
                ))
            },
        )?;
        done.push(source.shown.display().to_string());
    }
    Ok(())
}

/// A new env file is readable by all, as a file meant to be committed is.
#[cfg(unix)]
fn new_file_permissions() -> Option<Permissions> {
    use std::os::unix::fs::PermissionsExt;
    Some(Permissions::from_mode(0o644))
}

/// Elsewhere a new file keeps what it was created with.
#[cfg(not(unix))]
fn new_file_permissions() -> Option<Permissions> {
    None
}
