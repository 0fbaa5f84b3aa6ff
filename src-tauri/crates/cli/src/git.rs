//! `tokenkeeper git-credential get|store|erase`: git's credential-helper protocol
//! (gitcredentials(7), git-credential(1)), so git takes its tokens from the vault.
//! `get` answers with the token for the host (see `credential::git_answer`), with
//! `password_expiry_utc` so git never uses a lapsed one, or with nothing, so git asks elsewhere.
//! `store` adopts a credential git learned elsewhere only with `--adopt`; `erase` (git's "this
//! failed") never deletes: it records the report and flags the token for a live check.

use std::{
    collections::HashMap,
    io::{Read, Write},
};

use anyhow::{Context, Result, bail};
use tokenkeeper_core::{
    Secret,
    credential::{
        Accessor, GitAnswer, GitBinding, GitCandidate, GitRequest, git_answer, git_reply,
    },
    model::{NewTokenMeta, Status, TokenMeta},
};
use tokenkeeper_vault::Vault;

use crate::commands::open_vault;

/// What git sends is a few short lines; anything longer is not git.
const MAX_INPUT: u64 = 64 * 1024;

/// One request as git sends it: `key=value` lines up to a blank line or the end.
#[derive(Debug, Default)]
struct Input {
    request: GitRequest,
    password: Option<Secret>,
}

fn read_input(mut from: impl Read) -> Result<Input> {
    let mut raw = String::new();
    from.by_ref()
        .take(MAX_INPUT)
        .read_to_string(&mut raw)
        .context("git's request is not UTF-8 text")?;
    let raw = Secret::new(raw);
    let mut input = Input::default();
    for line in raw.expose().lines() {
        if line.is_empty() {
            break;
        }
        let Some((key, value)) = line.split_once('=') else {
            bail!("git sent a line that is not key=value");
        };
        let r = &mut input.request;
        match key {
            "protocol" => r.protocol = value.to_owned(),
            "host" => r.host = value.to_ascii_lowercase(),
            "path" => r.path = Some(value.to_owned()),
            "username" => r.username = Some(value.to_owned()),
            "password" => input.password = Some(Secret::new(value.to_owned())),
            "url" => {
                if let Ok(b) = GitBinding::parse(value.split_once("://").map_or(value, |p| p.1)) {
                    r.protocol = value
                        .split_once("://")
                        .map(|p| p.0.to_owned())
                        .unwrap_or_default();
                    r.host = b.host;
                    r.path = Some(b.path).filter(|p| !p.is_empty());
                }
            }
            // capability[], wwwauth[], password_expiry_utc, oauth_refresh_token: not needed.
            _ => {}
        }
    }
    Ok(input)
}

pub fn git_credential(action: &str, adopt: bool, now: i64) -> Result<()> {
    let input = read_input(std::io::stdin().lock())?;
    match action {
        "get" => {
            let vault = open_vault(now)?;
            let answer = get(&vault, &input.request, now)?;
            let mut out = std::io::stdout().lock();
            if let Some(a) = answer {
                out.write_all(a.expose().as_bytes())?;
            }
            out.flush()?;
            Ok(())
        }
        "store" if adopt => store(&open_vault(now)?, &input, now),
        "erase" => erase(&open_vault(now)?, &input, now),
        // `store` without --adopt, and actions a newer git may add: nothing to do.
        _ => Ok(()),
    }
}

/// The tokens and their git bindings, read once per request, to pick the one that answers.
struct Known {
    tokens: Vec<TokenMeta>,
    bindings: HashMap<String, Vec<GitBinding>>,
}

impl Known {
    fn load(vault: &Vault, now: i64) -> Result<Self> {
        Ok(Self {
            tokens: vault.list(now)?,
            bindings: vault.git_bindings()?,
        })
    }

    fn pick(&self, req: &GitRequest) -> GitAnswer<'_> {
        let candidates: Vec<GitCandidate<'_>> = self
            .tokens
            .iter()
            .map(|meta| GitCandidate {
                meta,
                bindings: self.bindings.get(&meta.id).map_or(&[], Vec::as_slice),
            })
            .collect();
        git_answer(req, &candidates)
    }
}

/// The lines git reads back (a secret, so held as one), or `None` to say nothing.
fn get(vault: &Vault, req: &GitRequest, now: i64) -> Result<Option<Secret>> {
    let (meta, username) = match Known::load(vault, now)?.pick(req) {
        GitAnswer::Use { meta, username, .. } => (meta.clone(), username),
        GitAnswer::Nothing => return Ok(None),
        GitAnswer::Unusable { address, why } => {
            eprintln!(
                "tokenkeeper: {address} answers for {} but {why}: `tokenkeeper replace {address}`",
                req.host
            );
            return Ok(None);
        }
        GitAnswer::Ambiguous(names) => {
            eprintln!(
                "tokenkeeper: several tokens answer for {}: {}; bind one with \
                 `tokenkeeper edit TOKEN --git-host {}` (or HOST/PATH with \
                 credential.useHttpPath)",
                req.host,
                names.join(", "),
                req.host
            );
            return Ok(None);
        }
    };
    // A sign-in's token is refreshed first; one that lapsed meanwhile is not handed out.
    let meta = crate::run::fresh(vault, meta, now)?;
    if meta.status == Status::Expired {
        eprintln!("tokenkeeper: {}/{} has expired", meta.provider, meta.name);
        return Ok(None);
    }
    let secret = vault.hand_out(
        &meta.id,
        &Accessor::Git {
            host: req.host.clone(),
        },
        now,
    )?;
    Ok(Some(git_reply(&username, &secret, &meta)))
}

/// git's "this credential failed": the token that answered is flagged, never deleted.
fn erase(vault: &Vault, input: &Input, now: i64) -> Result<()> {
    if let GitAnswer::Use { meta, .. } = Known::load(vault, now)?.pick(&input.request) {
        // Only when what failed is this token (git may erase a credential from elsewhere).
        let ours = match &input.password {
            Some(p) => vault.secret(&meta.id, now)? == *p,
            None => true,
        };
        if ours {
            let by = Accessor::Git {
                host: input.request.host.clone(),
            };
            vault.report_rejected(&meta.id, &by.label(), now)?;
            eprintln!(
                "tokenkeeper: {}/{} was refused by {}; it is kept and due for a check \
                 (`tokenkeeper check {}/{}`)",
                meta.provider, meta.name, input.request.host, meta.provider, meta.name
            );
        }
    }
    Ok(())
}

/// `--adopt`: a credential git learned elsewhere (typed at its prompt) is stored and bound to
/// its host, unless the token that answers there already is it.
fn store(vault: &Vault, input: &Input, now: i64) -> Result<()> {
    let (req, Some(password)) = (&input.request, &input.password) else {
        return Ok(());
    };
    if req.host.is_empty() {
        return Ok(());
    }
    let known = Known::load(vault, now)?;
    if let GitAnswer::Use { meta, .. } = known.pick(req)
        && vault.secret(&meta.id, now)? == *password
    {
        return Ok(());
    }
    let base = format!("git {}", req.host);
    let taken = |n: &str| known.tokens.iter().any(|t| t.name == n);
    let name = (1..)
        .map(|i| {
            if i == 1 {
                base.clone()
            } else {
                format!("{base} ({i})")
            }
        })
        .find(|n| !taken(n))
        .unwrap_or(base);
    let stored = vault.add(
        password,
        NewTokenMeta {
            name,
            account: req.username.clone(),
            notes: Some(format!("Adopted from git for {}", req.host)),
            tags: Some(vec!["git".into()]),
            ..Default::default()
        },
        now,
    )?;
    let binding = GitBinding {
        host: req.host.clone(),
        path: String::new(),
    };
    vault.set_git_bindings(&stored.id, &[binding], now)?;
    eprintln!(
        "tokenkeeper: stored git's credential for {} as {}/{}",
        req.host, stored.provider, stored.name
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_git_requests_and_urls() {
        let i = read_input(
            "protocol=https\nhost=GitHub.com\npath=acme/app.git\nusername=bob\npassword=p\n\nhost=x\n"
                .as_bytes(),
        )
        .expect("input");
        assert_eq!(i.request.host, "github.com");
        assert_eq!(i.request.path.as_deref(), Some("acme/app.git"));
        assert_eq!(i.password.as_ref().map(Secret::expose), Some("p"));
        let u = read_input("url=https://git.corp:8443/group/p.git\n".as_bytes()).expect("url");
        assert_eq!(
            (u.request.protocol.as_str(), u.request.host.as_str()),
            ("https", "git.corp:8443")
        );
        assert_eq!(u.request.path.as_deref(), Some("group/p"));
        assert!(read_input("nonsense\n".as_bytes()).is_err());
    }
}
