//! The line-wise formats: `.npmrc` (ini), `.env` and gh's `hosts.yml` (the little YAML gh
//! writes, read line by line rather than with a YAML parser).

use std::ops::Range;

use super::{Edit, Found, env_name, provider_for, recognised, token_name};
use crate::Secret;

/// One line: where it starts, its text without the line break, where the next one starts.
struct Line<'a> {
    start: usize,
    text: &'a str,
    /// The line with its break, for removal.
    whole: Range<usize>,
    number: usize,
}

fn lines(text: &str) -> impl Iterator<Item = Line<'_>> {
    let mut start = 0;
    let mut number = 0;
    std::iter::from_fn(move || {
        if start >= text.len() {
            return None;
        }
        let end = text[start..]
            .find('\n')
            .map_or(text.len(), |i| start + i + 1);
        let raw = &text[start..end];
        let body = raw.strip_suffix('\n').unwrap_or(raw);
        let body = body.strip_suffix('\r').unwrap_or(body);
        number += 1;
        let line = Line {
            start,
            text: body,
            whole: start..end,
            number,
        };
        start = end;
        Some(line)
    })
}

/// The byte range of `part` (a subslice of `line.text`) in the whole file.
fn span(line: &Line<'_>, part: &str) -> Range<usize> {
    let offset = part.as_ptr() as usize - line.text.as_ptr() as usize;
    line.start + offset..line.start + offset + part.len()
}

/// A value's text inside matching quotes, else as it is.
fn unquote(value: &str) -> &str {
    for q in ['"', '\''] {
        if let Some(inner) = value.strip_prefix(q).and_then(|v| v.strip_suffix(q)) {
            return inner;
        }
    }
    value
}

/// A value that opens a quote, up to and with its closing quote (what follows is a comment).
fn quoted(value: &str) -> Option<&str> {
    let q = value.chars().next().filter(|c| matches!(c, '"' | '\''))?;
    value[1..].find(q).map(|end| &value[..end + 2])
}

/// A key ends in `_authToken`: `//registry.npmjs.org/:_authToken` or a bare `_authToken`.
fn is_auth_token_key(key: &str) -> bool {
    key == "_authToken" || key.ends_with(":_authToken")
}

/// An ini line as npm reads it: `key = value`, `;`/`#` comments.
fn ini_pair(text: &str) -> Option<(&str, &str)> {
    let t = text.trim_start();
    if t.starts_with([';', '#']) {
        return None;
    }
    let (key, value) = t.split_once('=')?;
    Some((key.trim(), value.trim()))
}

pub(super) fn looks_like_npmrc(text: &str) -> bool {
    lines(text).any(|l| ini_pair(l.text).is_some_and(|(k, _)| is_auth_token_key(k)))
}

pub(super) fn npmrc(text: &str, now: i64) -> Vec<Found> {
    // A bare `_authToken` is for the file's `registry=`, npm's own by default.
    let registry = lines(text)
        .filter_map(|l| ini_pair(l.text))
        .find(|(k, _)| *k == "registry")
        .map(|(_, v)| {
            let url = unquote(v);
            host_of(url.split_once("://").map_or(url, |(_, rest)| rest))
        })
        .unwrap_or("registry.npmjs.org");
    let mut found = Vec::new();
    for line in lines(text) {
        let Some((key, value)) = ini_pair(line.text) else {
            continue;
        };
        if !is_auth_token_key(key) {
            continue;
        }
        // Unquoted, an ini value ends at a comment; no token holds `;` or `#`.
        let value = quoted(value).unwrap_or_else(|| {
            value
                .split([';', '#'])
                .next()
                .unwrap_or_default()
                .trim_end()
        });
        let secret = unquote(value);
        if secret.is_empty() || secret.contains("${") {
            continue;
        }
        let host = key
            .strip_prefix("//")
            .map_or(registry, |scoped| host_of(scoped));
        let env_var = if host == "registry.npmjs.org" {
            "NPM_TOKEN".to_owned()
        } else {
            env_name("NPM_TOKEN", host)
        };
        found.push(Found {
            label: key.to_owned(),
            line: line.number,
            secret: Secret::new(secret.to_owned()),
            provider: provider_for(secret, Some(host), "other", now),
            name: token_name(host),
            env_var: Some(env_var),
            edit: Edit::Reference(span(&line, value)),
        });
    }
    found
}

/// `registry.npmjs.org` of `registry.npmjs.org/some/path/:_authToken`.
fn host_of(url: &str) -> &str {
    url.split(['/']).next().unwrap_or(url)
}

/// `export NAME=value` or `NAME=value`: the name and the rest after `=`.
fn env_assignment(text: &str) -> Option<(&str, &str)> {
    let t = text.trim_start();
    if t.starts_with('#') {
        return None;
    }
    let t = t
        .strip_prefix("export")
        .filter(|r| r.starts_with([' ', '\t']))
        .map_or(t, str::trim_start);
    let (name, rest) = t.split_once('=')?;
    let name = name.trim_end();
    let valid = name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    valid.then(|| (name, rest.trim_start_matches([' ', '\t'])))
}

pub(super) fn looks_like_dotenv(text: &str) -> bool {
    lines(text).any(|l| env_assignment(l.text).is_some())
}

pub(super) fn dotenv(text: &str, now: i64) -> Vec<Found> {
    let mut found = Vec::new();
    // The quote a value opened and did not close on its line: the lines up to its close are
    // that value, not assignments.
    let mut open: Option<char> = None;
    for line in lines(text) {
        if let Some(q) = open {
            if line.text.contains(q) {
                open = None;
            }
            continue;
        }
        let Some((name, rest)) = env_assignment(line.text) else {
            continue;
        };
        let value = match rest.chars().next() {
            Some(q @ ('"' | '\'' | '`')) => match rest[1..].find(q) {
                Some(end) => &rest[1..=end],
                None => {
                    open = Some(q);
                    continue;
                }
            },
            // Unquoted, a value ends where ` #` starts a comment.
            _ => rest
                .split(" #")
                .next()
                .unwrap_or_default()
                .split("\t#")
                .next()
                .unwrap_or_default()
                .trim_end(),
        };
        if value.contains('\\') || !recognised(value, now) {
            continue;
        }
        found.push(Found {
            label: format!(".env {name}"),
            line: line.number,
            secret: Secret::new(value.to_owned()),
            provider: provider_for(value, None, "other", now),
            name: token_name(name),
            env_var: Some(name.to_owned()),
            edit: Edit::Remove(line.whole.clone()),
        });
    }
    found
}

/// A YAML line as gh writes it: indent, key, value (unquoted, comment stripped).
fn yaml_pair(text: &str) -> Option<(usize, &str, &str)> {
    let body = text.trim_start_matches(' ');
    let indent = text.len() - body.len();
    if body.is_empty() || body.starts_with('#') || body.starts_with('-') {
        return None;
    }
    let (key, value) = match body.split_once(": ") {
        Some((k, v)) => (k, v.trim()),
        None => (body.trim_end().strip_suffix(':')?, ""),
    };
    let value = quoted(value).map_or_else(
        || value.split(" #").next().unwrap_or_default().trim_end(),
        unquote,
    );
    Some((indent, unquote(key.trim()), value))
}

pub(super) fn looks_like_gh_hosts(text: &str) -> bool {
    lines(text).any(|l| yaml_pair(l.text).is_some_and(|(i, k, _)| i > 0 && k == "oauth_token"))
}

/// An `oauth_token` line: its host, the `users:` entry it is under (newer gh), the line.
struct GhToken<'a> {
    host: String,
    user: Option<String>,
    value: &'a str,
    line: usize,
    whole: Range<usize>,
}

/// gh's hosts.yml, both shapes: `host:\n  oauth_token: X\n  user: Y` and (gh 2.40 and later)
/// `host:\n  users:\n    Y:\n      oauth_token: X\n  oauth_token: X\n  user: Y`.
pub(super) fn gh_hosts(text: &str, now: i64) -> Vec<Found> {
    let mut tokens: Vec<GhToken<'_>> = Vec::new();
    let mut host_users: Vec<(String, String)> = Vec::new();
    let mut host: Option<String> = None;
    let mut users_indent: Option<usize> = None;
    let mut user: Option<(String, usize)> = None;
    for line in lines(text) {
        let Some((indent, key, value)) = yaml_pair(line.text) else {
            continue;
        };
        if indent == 0 {
            host = value.is_empty().then(|| key.to_owned());
            users_indent = None;
            user = None;
            continue;
        }
        let Some(h) = &host else { continue };
        if let Some(ui) = users_indent {
            if indent <= ui {
                users_indent = None;
                user = None;
            } else if user.as_ref().is_none_or(|(_, at)| indent <= *at) {
                user = value.is_empty().then(|| (key.to_owned(), indent));
                continue;
            }
        }
        match key {
            "users" if value.is_empty() => users_indent = Some(indent),
            "user" if users_indent.is_none() => host_users.push((h.clone(), value.to_owned())),
            "oauth_token" if !value.is_empty() => tokens.push(GhToken {
                host: h.clone(),
                user: user.as_ref().map(|(u, _)| u.clone()),
                value,
                line: line.number,
                whole: line.whole.clone(),
            }),
            _ => {}
        }
    }
    tokens
        .into_iter()
        .map(|t| {
            let account = t.user.clone().or_else(|| {
                host_users
                    .iter()
                    .find(|(h, _)| *h == t.host)
                    .map(|(_, u)| u.clone())
            });
            let label = match &t.user {
                Some(u) => format!("{} users.{u} oauth_token", t.host),
                None => format!("{} oauth_token", t.host),
            };
            let name = match &account {
                Some(u) => format!("gh-{u}@{}", t.host),
                None => format!("gh@{}", t.host),
            };
            let env_var = if t.host == "github.com" {
                "GH_TOKEN"
            } else {
                "GH_ENTERPRISE_TOKEN"
            };
            Found {
                label,
                line: t.line,
                secret: Secret::new(t.value.to_owned()),
                provider: provider_for(t.value, Some(&t.host), "github", now),
                name: token_name(&name),
                env_var: Some(env_var.to_owned()),
                edit: Edit::Remove(t.whole),
            }
        })
        .collect()
}
