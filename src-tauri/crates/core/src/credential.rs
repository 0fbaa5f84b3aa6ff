//! Tokens served where developers use them (`run`, git's and docker's credential helpers, an
//! export): who a secret is handed to, for the access log, and which stored token answers
//! git's request for a host. Pure: the vault supplies the tokens, the CLI speaks the protocols.

use crate::{
    Error, Result, Secret,
    clock::parse_rfc3339,
    model::{EventKind, Status, TokenKind, TokenMeta},
    providers,
};

/// Who a secret was handed to. Every hand-out appends an event whose detail is [`label`].
///
/// [`label`]: Accessor::label
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Accessor {
    CliGet,
    CliCopy,
    CliRun,
    CliExport,
    AppExport,
    Git { host: String },
    Docker { server: String },
    AppReveal,
    AppCopy,
}

impl Accessor {
    /// What the access log says asked: `cli get`, `git-credential github.com`, `app reveal`.
    pub fn label(&self) -> String {
        match self {
            Self::CliGet => "cli get".into(),
            Self::CliCopy => "cli copy".into(),
            Self::CliRun => "cli run".into(),
            Self::CliExport => "cli export".into(),
            Self::AppExport => "app export".into(),
            Self::Git { host } => format!("git-credential {host}"),
            Self::Docker { server } => format!("docker-credential {server}"),
            Self::AppReveal => "app reveal".into(),
            Self::AppCopy => "app copy".into(),
        }
    }

    /// Copies and reveals keep their own kinds (a copy dates "last copied"); every other
    /// hand-out is `accessed`.
    pub fn event(&self) -> EventKind {
        match self {
            Self::CliCopy | Self::AppCopy => EventKind::Copied,
            Self::AppReveal => EventKind::Revealed,
            _ => EventKind::Accessed,
        }
    }
}

/// The shortest passphrase a new backup takes: the file holds every secret, and whoever has
/// it can try passphrases offline.
pub const MIN_BACKUP_PASSPHRASE_CHARS: usize = 8;

/// Refuses a passphrase too short for a backup (counted in characters, not bytes).
pub fn check_backup_passphrase(passphrase: &Secret) -> Result<()> {
    if passphrase.expose().chars().count() < MIN_BACKUP_PASSPHRASE_CHARS {
        return Err(Error::InvalidInput(format!(
            "Use a passphrase of at least {MIN_BACKUP_PASSPHRASE_CHARS} characters: the backup \
             holds every secret, and whoever has the file can try passphrases offline"
        )));
    }
    Ok(())
}

/// The events the access log lists: every time a secret left the vault.
pub const ACCESS_EVENTS: [EventKind; 3] =
    [EventKind::Accessed, EventKind::Copied, EventKind::Revealed];

/// One line of the access log: a secret left the vault.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct AccessEvent {
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub seq: i64,
    pub token_id: String,
    /// `provider/name`, or `null` when the token has since been removed.
    pub token: Option<String>,
    /// RFC 3339 UTC.
    pub at: String,
    pub kind: EventKind,
    /// Who asked (`cli get`, `git-credential github.com`, `app reveal`).
    pub by: String,
}

/// A token's binding to a git host, and to repositories under a path there (`github.com`,
/// `github.com/acme`, `gitlab.example.com:8443/group/project`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct GitBinding {
    /// Lower case, with the port when not the default.
    pub host: String,
    /// Path segments joined by `/`, without `.git`; empty for every repository on the host.
    pub path: String,
}

impl GitBinding {
    /// Reads `host[/path]`, also as a URL (`https://github.com/acme/app.git`).
    pub fn parse(s: &str) -> Result<Self> {
        let bare = s.trim();
        let bare = bare
            .strip_prefix("https://")
            .or_else(|| bare.strip_prefix("http://"))
            .unwrap_or(bare);
        let (host, path) = bare.split_once('/').unwrap_or((bare, ""));
        let host = host.to_ascii_lowercase();
        let valid = !host.is_empty()
            && host
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'));
        if !valid || host.contains('@') {
            return Err(Error::InvalidInput(format!(
                "`{s}` is not a git host: give one like github.com or github.com/acme"
            )));
        }
        Ok(Self {
            host,
            path: clean_path(path),
        })
    }

    /// How specific a match this binding is for `host` and `path`: the number of path
    /// segments it names, or `None` when it does not cover them.
    fn covers(&self, host: &str, path: &str) -> Option<usize> {
        if !self.host.eq_ignore_ascii_case(host) {
            return None;
        }
        if self.path.is_empty() {
            return Some(0);
        }
        let under = path == self.path
            || path
                .strip_prefix(self.path.as_str())
                .is_some_and(|rest| rest.starts_with('/'));
        under.then(|| self.path.split('/').count())
    }
}

impl std::fmt::Display for GitBinding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.path.as_str() {
            "" => f.write_str(&self.host),
            p => write!(f, "{}/{p}", self.host),
        }
    }
}

fn clean_path(p: &str) -> String {
    let p = p.trim_matches('/');
    let p = p.strip_suffix(".git").unwrap_or(p);
    p.split('/')
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("/")
}

/// What git asks a credential helper (`get`): the fields that pick a token.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GitRequest {
    pub protocol: String,
    pub host: String,
    /// Sent only with `credential.useHttpPath`.
    pub path: Option<String>,
    pub username: Option<String>,
}

/// A stored token with its git bindings.
#[derive(Debug, Clone, Copy)]
pub struct GitCandidate<'a> {
    pub meta: &'a TokenMeta,
    pub bindings: &'a [GitBinding],
}

/// Which token answers a request, and with what.
#[derive(Debug, PartialEq)]
pub enum GitAnswer<'a> {
    /// Answer with this token and `username` (see [`git_reply`]).
    Use {
        meta: &'a TokenMeta,
        username: String,
    },
    /// No token is for this host: answer nothing, so git asks elsewhere.
    Nothing,
    /// The token for this host cannot be used (expired, or its secret is lost).
    Unusable { address: String, why: String },
    /// Several tokens match equally well (their addresses).
    Ambiguous(Vec<String>),
}

/// The host a provider's token answers for without a binding: a self-managed instance's
/// own (from the token's instance URL), else the catalog's.
pub fn provider_git_host(meta: &TokenMeta) -> Option<String> {
    let login = providers::git(&meta.provider)?;
    let from_instance = meta.instance_url.as_deref().and_then(|u| {
        let rest = u.split_once("://").map_or(u, |(_, r)| r);
        rest.split('/')
            .next()
            .filter(|h| !h.is_empty())
            .map(str::to_ascii_lowercase)
    });
    Some(from_instance.unwrap_or_else(|| login.host.clone()))
}

/// Picks the token for git's request. A token bound to the host (the longest matching path
/// wins) comes first; then, when no token is bound there, the one token of the provider whose
/// host it is. Among several, git's username narrows to the token with that account.
/// Revoked tokens, refresh and ID tokens never answer.
pub fn git_answer<'a>(req: &GitRequest, tokens: &[GitCandidate<'a>]) -> GitAnswer<'a> {
    if !matches!(req.protocol.as_str(), "https" | "http") || req.host.is_empty() {
        return GitAnswer::Nothing;
    }
    let path = clean_path(req.path.as_deref().unwrap_or(""));
    let live = tokens.iter().filter(|t| {
        t.meta.status != Status::Revoked
            && !matches!(t.meta.kind, TokenKind::Refresh | TokenKind::Id)
    });
    let mut best: Vec<(usize, &TokenMeta)> = Vec::new();
    for t in live.clone() {
        if let Some(s) = t
            .bindings
            .iter()
            .filter_map(|b| b.covers(&req.host, &path))
            .max()
        {
            best.push((s, t.meta));
        }
    }
    let top = best.iter().map(|(s, _)| *s).max();
    let mut found: Vec<&TokenMeta> = best
        .into_iter()
        .filter(|(s, _)| Some(*s) == top)
        .map(|(_, m)| m)
        .collect();
    if found.is_empty() {
        found = live
            .filter(|t| t.bindings.is_empty())
            .filter(|t| {
                provider_git_host(t.meta).is_some_and(|h| h.eq_ignore_ascii_case(&req.host))
            })
            .map(|t| t.meta)
            .collect();
    }
    if found.len() > 1
        && let Some(user) = req.username.as_deref()
    {
        let theirs: Vec<&TokenMeta> = found
            .iter()
            .copied()
            .filter(|m| m.account.as_deref() == Some(user))
            .collect();
        if !theirs.is_empty() {
            found = theirs;
        }
    }
    match found.as_slice() {
        [] => GitAnswer::Nothing,
        [meta] => answer(req, meta),
        many => {
            let mut names: Vec<String> = many
                .iter()
                .map(|m| format!("{}/{}", m.provider, m.name))
                .collect();
            names.sort();
            GitAnswer::Ambiguous(names)
        }
    }
}

fn answer<'a>(req: &GitRequest, meta: &'a TokenMeta) -> GitAnswer<'a> {
    let address = format!("{}/{}", meta.provider, meta.name);
    let why = match meta.status {
        Status::Expired => Some(format!(
            "it expired {}",
            meta.expires_at.as_deref().unwrap_or("")
        )),
        _ if meta.secret_missing => Some("its secret is missing from the keyring".into()),
        _ => None,
    };
    if let Some(why) = why {
        return GitAnswer::Unusable { address, why };
    }
    let username = req
        .username
        .clone()
        .or_else(|| meta.account.clone())
        .or_else(|| providers::git(&meta.provider).map(|g| g.username.clone()))
        .unwrap_or_else(|| "tokenkeeper".into());
    GitAnswer::Use { meta, username }
}

/// The lines a credential helper answers git's `get` with: `username`, the secret as
/// `password`, and, when the token expires, `password_expiry_utc` (unix seconds), so git
/// 2.40 and later never use it past that. `meta` is the token as it is when handed out (after
/// a refresh, its new expiry). A secret, since it holds one.
pub fn git_reply(username: &str, secret: &Secret, meta: &TokenMeta) -> Secret {
    let mut lines = format!("username={username}\npassword={}\n", secret.expose());
    if let Some(at) = meta
        .expires_at
        .as_deref()
        .and_then(|t| parse_rfc3339(t).ok())
    {
        lines.push_str(&format!("password_expiry_utc={at}\n"));
    }
    Secret::new(lines)
}

#[cfg(test)]
#[path = "credential_tests.rs"]
mod tests;
