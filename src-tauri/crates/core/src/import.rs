//! Import: finds tokens in plaintext config files (`.npmrc`, `.netrc`, gh's `hosts.yml`,
//! `.env`) and computes the text each file becomes once its tokens live in the keyring.
//! Pure: text in, found tokens and new text out, and the usual places to look. Reading,
//! storing and writing files is the vault's; this module must not depend on I/O, the keyring
//! or a clock.
//!
//! What a rewrite leaves in each format, so the tool that reads the file keeps working:
//! - `.npmrc`: the value becomes `${NPM_TOKEN}` (npm expands variables in `.npmrc`), which
//!   `tokenkeeper run --env-file` fills in.
//! - `.env`: the `NAME=secret` line goes; `NAME=provider/name` in an env file for
//!   `tokenkeeper run --env-file` takes its place (a dotenv loader does not override a
//!   variable already in the environment, and a removed line cannot disagree with it).
//! - gh's `hosts.yml`: the `oauth_token` lines go, which is the shape gh itself writes when
//!   it keeps the token elsewhere; gh then takes `GH_TOKEN` (`GH_ENTERPRISE_TOKEN` for
//!   another host) from the environment.
//! - `.netrc`: the whole entry (`machine … password …`, one line or several, or `default`)
//!   goes; git then asks `tokenkeeper git-credential` instead.

mod lines;
mod locations;
mod netrc;

use std::ops::Range;

use zeroize::Zeroizing;

pub use locations::{Location, usual_locations};

use crate::{
    Secret,
    error::{Error, Result},
    inspect,
    model::Format,
    providers,
};

/// The config files import understands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileFormat {
    Npmrc,
    Netrc,
    GhHosts,
    Dotenv,
}

impl FileFormat {
    /// A `--format` value: `Ok(None)` for `auto`.
    pub fn parse(s: &str) -> Result<Option<FileFormat>> {
        match s.trim().to_ascii_lowercase().as_str() {
            "auto" => Ok(None),
            "npmrc" => Ok(Some(FileFormat::Npmrc)),
            "netrc" => Ok(Some(FileFormat::Netrc)),
            "gh-hosts" => Ok(Some(FileFormat::GhHosts)),
            "dotenv" => Ok(Some(FileFormat::Dotenv)),
            other => Err(Error::InvalidInput(format!(
                "`{other}` is not a format: use npmrc, netrc, gh-hosts, dotenv or auto"
            ))),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            FileFormat::Npmrc => "npmrc",
            FileFormat::Netrc => "netrc",
            FileFormat::GhHosts => "gh-hosts",
            FileFormat::Dotenv => "dotenv",
        }
    }
}

/// A file's format from its name (`.npmrc`, `.netrc`, `hosts.yml`, `.env`, `.env.local`,
/// `prod.env`), else from what it holds; `None` when neither tells.
pub fn detect(file_name: &str, text: &str) -> Option<FileFormat> {
    let n = file_name.to_ascii_lowercase();
    let by_name = match n.as_str() {
        "npmrc" => Some(FileFormat::Npmrc),
        "netrc" | "_netrc" => Some(FileFormat::Netrc),
        "hosts.yml" | "hosts.yaml" => Some(FileFormat::GhHosts),
        _ if n.ends_with(".npmrc") => Some(FileFormat::Npmrc),
        _ if n.ends_with(".netrc") => Some(FileFormat::Netrc),
        _ if n.starts_with(".env") || n.ends_with(".env") => Some(FileFormat::Dotenv),
        _ => None,
    };
    by_name.or_else(|| {
        if lines::looks_like_npmrc(text) {
            Some(FileFormat::Npmrc)
        } else if netrc::looks_like_netrc(text) {
            Some(FileFormat::Netrc)
        } else if lines::looks_like_gh_hosts(text) {
            Some(FileFormat::GhHosts)
        } else if lines::looks_like_dotenv(text) {
            Some(FileFormat::Dotenv)
        } else {
            None
        }
    })
}

/// One token found in a file.
#[derive(Debug, Clone)]
pub struct Found {
    /// Where it is, for people (`//registry.npmjs.org/:_authToken`, `machine github.com login
    /// bob`, `github.com oauth_token`, `.env GITHUB_TOKEN`). Never the secret.
    pub label: String,
    /// 1-based line of the value.
    pub line: usize,
    pub secret: Secret,
    /// A catalog provider id: from the token's prefix or JWT issuer, else the host's.
    pub provider: String,
    /// A name to store it under (made unique by the caller).
    pub name: String,
    /// The variable a rewritten file, or `tokenkeeper run`, passes it in; `None` where the
    /// file keeps no reference (a removed `.netrc` entry).
    pub env_var: Option<String>,
    pub edit: Edit,
}

/// What a rewrite does to the file for one token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Edit {
    /// These bytes (the value, with its quotes) become `${ENV_VAR}`.
    Reference(Range<usize>),
    /// These bytes (a line or a `.netrc` entry) go.
    Remove(Range<usize>),
}

/// Every token in `text`, read as `format`, in file order.
pub fn find(format: FileFormat, text: &str, now: i64) -> Vec<Found> {
    match format {
        FileFormat::Npmrc => lines::npmrc(text, now),
        FileFormat::Netrc => netrc::netrc(text, now),
        FileFormat::GhHosts => lines::gh_hosts(text, now),
        FileFormat::Dotenv => lines::dotenv(text, now),
    }
}

/// `text` with every found token replaced by its reference or removed (see the module's
/// documentation). Fails, returning nothing, when an edit does not fit the text or a secret
/// would still be somewhere in the result (a copy in a comment, say): a rewritten file holds
/// none of the secrets it was imported for.
pub fn rewrite(text: &str, found: &[Found]) -> Result<String> {
    let mut edits: Vec<(Range<usize>, String)> = Vec::with_capacity(found.len());
    for f in found {
        let edit = match &f.edit {
            Edit::Reference(r) => {
                let var = f.env_var.as_deref().ok_or_else(|| {
                    Error::InvalidInput(format!("{} has no variable to refer to", f.label))
                })?;
                (r.clone(), format!("${{{var}}}"))
            }
            Edit::Remove(r) => (r.clone(), String::new()),
        };
        if text.get(edit.0.clone()).is_none() {
            return Err(Error::InvalidInput(format!(
                "{} is not where it was found; read the file again",
                f.label
            )));
        }
        edits.push(edit);
    }
    edits.sort_by_key(|(r, _)| (r.start, r.end));
    edits.dedup();
    let edits = merged(text, edits)?;
    for f in found {
        let secret = f.secret.expose();
        let outside = text.match_indices(secret).find(|(pos, _)| {
            !edits
                .iter()
                .any(|(r, _)| r.start <= *pos && pos + secret.len() <= r.end)
        });
        if let Some((pos, _)) = outside {
            return Err(Error::InvalidInput(format!(
                "the secret of {} is also on line {}, outside what import rewrites; remove                  that copy by hand and import again",
                f.label,
                line_of(text, pos)
            )));
        }
    }
    let mut out = Zeroizing::new(String::with_capacity(text.len()));
    let mut at = 0;
    for (range, with) in &edits {
        out.push_str(&text[at..range.start]);
        out.push_str(with);
        at = range.end;
    }
    out.push_str(&text[at..]);
    if found.iter().any(|f| out.contains(f.secret.expose())) {
        return Err(Error::InvalidInput(
            "a secret would still be in the rewritten file; rewrite it by hand".into(),
        ));
    }
    Ok(std::mem::take(&mut *out))
}

/// Sorted edits with overlapping removals joined (two `.netrc` entries on one line share the
/// space between them), and a removal that leaves its line empty taking the line break too.
fn merged(text: &str, edits: Vec<(Range<usize>, String)>) -> Result<Vec<(Range<usize>, String)>> {
    let mut out: Vec<(Range<usize>, String)> = Vec::with_capacity(edits.len());
    for (range, with) in edits {
        match out.last_mut() {
            Some((prev, prev_with)) if range.start < prev.end => {
                if !with.is_empty() || !prev_with.is_empty() {
                    return Err(Error::InvalidInput(
                        "two of the found tokens overlap in the file; rewrite it by hand".into(),
                    ));
                }
                prev.end = prev.end.max(range.end);
            }
            _ => out.push((range, with)),
        }
    }
    for (range, with) in &mut out {
        let at_line_start = range.start == 0 || text[..range.start].ends_with('\n');
        if with.is_empty() && at_line_start && !text[..range.end].ends_with('\n') {
            let rest = &text[range.end..];
            range.end += if rest.starts_with("\r\n") {
                2
            } else {
                usize::from(rest.starts_with('\n'))
            };
        }
    }
    Ok(out)
}

fn line_of(text: &str, pos: usize) -> usize {
    text[..pos].matches('\n').count() + 1
}

/// Catalog providers that own a host (and its subdomains) where a token's own shape says
/// nothing.
const HOST_PROVIDERS: &[(&str, &str)] = &[
    ("registry.npmjs.org", "npm"),
    ("github.com", "github"),
    ("gitlab.com", "gitlab"),
];

/// The provider a token belongs to: its prefix or JWT issuer, else the host it is for, else
/// `fallback`.
fn provider_for(secret: &str, host: Option<&str>, fallback: &str, now: i64) -> String {
    let from_token = inspect::decode(secret, now)
        .ok()
        .and_then(|i| i.inspection.provider);
    let from_host = || {
        let host = host?.to_ascii_lowercase();
        let host = host.split(':').next().unwrap_or_default();
        HOST_PROVIDERS
            .iter()
            .find(|(h, _)| host == *h || host.strip_suffix(h).is_some_and(|sub| sub.ends_with('.')))
            .map(|(_, p)| (*p).to_owned())
    };
    from_token
        .or_else(from_host)
        .unwrap_or_else(|| fallback.to_owned())
}

/// Whether a bare value (from a `.env`) is a token: a provider's documented prefix and at
/// least its length (a few characters past the prefix where it documents none), or a JWT.
fn recognised(value: &str, now: i64) -> bool {
    if value.is_empty() || value.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return false;
    }
    if let Some((_, _, shape)) = providers::by_prefix_shape(value) {
        let min = shape
            .min_length
            .and_then(|m| usize::try_from(m).ok())
            .unwrap_or(shape.prefix.len() + 8);
        if value.len() >= min {
            return true;
        }
    }
    value.starts_with("eyJ")
        && inspect::decode(value, now).is_ok_and(|i| i.inspection.format == Format::Jwt)
}

/// A name the vault accepts: no `/`, no control characters, at most 100 characters.
fn token_name(raw: &str) -> String {
    let cleaned: String = raw
        .chars()
        .map(|c| if c == '/' || c.is_control() { '_' } else { c })
        .take(90)
        .collect();
    let cleaned = cleaned.trim();
    if cleaned.is_empty() {
        "imported".to_owned()
    } else {
        cleaned.to_owned()
    }
}

/// An environment variable name from `prefix` and a host: `NPM_TOKEN_NPM_PKG_GITHUB_COM`.
fn env_name(prefix: &str, host: &str) -> String {
    let tail: String = host
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                '_'
            }
        })
        .collect();
    format!("{prefix}_{tail}")
}

#[cfg(test)]
#[path = "import_tests.rs"]
mod tests;
