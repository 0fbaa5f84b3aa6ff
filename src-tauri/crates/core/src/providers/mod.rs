//! The built-in provider catalog: one JSON file per provider in the crate's `providers/`
//! folder (described by `schema.json` there), embedded at build time. Recognises a token's provider from its documented prefix or JWT issuer.

use std::sync::LazyLock;

use serde::Deserialize;

use crate::model::TokenKind;

mod types;
pub use types::*;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ProviderFile {
    #[serde(rename = "$schema", default)]
    _schema: Option<String>,
    id: String,
    name: String,
    docs_url: Option<String>,
    /// JWT `iss` hosts that identify this provider (`.auth0.com`: any subdomain).
    issuers: Vec<String>,
    api: Option<Api>,
    #[serde(default)]
    git: Option<GitLogin>,
    guides: Vec<Guide>,
}

impl ProviderFile {
    fn shapes(&self) -> impl Iterator<Item = (&Guide, &Shape)> {
        self.guides
            .iter()
            .flat_map(|g| g.shapes.iter().map(move |s| (g, s)))
    }

    fn info(&self) -> ProviderInfo {
        let mut kinds: Vec<TokenKind> = Vec::new();
        for k in self
            .guides
            .iter()
            .flat_map(|g| std::iter::once(g.kind).chain(g.shapes.iter().map(|s| s.kind)))
        {
            if !kinds.contains(&k) {
                kinds.push(k);
            }
        }
        let first = self.guides.first();
        ProviderInfo {
            id: self.id.clone(),
            name: self.name.clone(),
            kinds,
            prefixes: self.shapes().map(|(_, s)| s.prefix.clone()).collect(),
            default_lifetime_days: first.and_then(|g| g.lifetime.default.days),
            create_url: first.and_then(|g| g.create_url.clone()),
            revoke_url: first.and_then(|g| g.revoke_url.clone()),
            docs_url: self.docs_url.clone(),
            api: self.api.clone(),
            guides: self.guides.clone(),
        }
    }
}

const FILES: &[&str] = include!(concat!(env!("OUT_DIR"), "/catalog.rs"));

struct Catalog {
    providers: Vec<ProviderFile>,
    /// (provider index, guide index, shape index), longest prefix first so `github_pat_`
    /// beats `gh…`.
    prefixes: Vec<(usize, usize, usize)>,
}

impl Catalog {
    fn provider(&self, id: &str) -> Option<&ProviderFile> {
        self.providers.iter().find(|p| p.id == id)
    }

    fn shape(&self, at: (usize, usize, usize)) -> (&ProviderFile, &Guide, &Shape) {
        let p = &self.providers[at.0];
        let g = &p.guides[at.1];
        (p, g, &g.shapes[at.2])
    }
}

static CATALOG: LazyLock<Catalog> = LazyLock::new(|| {
    let providers: Vec<ProviderFile> = FILES
        .iter()
        .map(|f| serde_json::from_str(f).expect("embedded provider files are valid (tested)"))
        .collect();
    let mut prefixes: Vec<(usize, usize, usize)> = Vec::new();
    for (pi, p) in providers.iter().enumerate() {
        for (gi, g) in p.guides.iter().enumerate() {
            prefixes.extend((0..g.shapes.len()).map(|si| (pi, gi, si)));
        }
    }
    prefixes.sort_by_key(|&(pi, gi, si)| {
        std::cmp::Reverse(providers[pi].guides[gi].shapes[si].prefix.len())
    });
    Catalog {
        providers,
        prefixes,
    }
});

/// Every built-in provider, in a stable order (by name, "Other" last).
pub fn catalog() -> Vec<ProviderInfo> {
    let mut all: Vec<ProviderInfo> = CATALOG.providers.iter().map(ProviderFile::info).collect();
    all.sort_by_key(|p| (p.id == "other", p.name.to_lowercase()));
    all
}

/// A provider's name for people: the catalog's, a custom OIDC provider's own (`oidc:corp` →
/// `corp`), or the id itself.
pub fn display_name(id: &str) -> &str {
    CATALOG
        .provider(id)
        .map(|p| p.name.as_str())
        .or_else(|| id.strip_prefix("oidc:").filter(|r| !r.is_empty()))
        .unwrap_or(id)
}
/// The catalog's URL for a link. The app opens only these: a page script cannot make it open
/// an address of its choosing (with a secret in the query, say).
pub fn link(to: &LinkRef) -> Option<&'static str> {
    let p = CATALOG.provider(&to.provider)?;
    let guide = match &to.guide {
        Some(id) => p.guides.iter().find(|g| &g.id == id)?,
        None => p.guides.first()?,
    };
    let step = |steps: &'static [Step]| {
        steps
            .get(usize::try_from(to.step?).ok()?)
            .and_then(|s| s.url.as_deref())
    };
    match to.kind {
        LinkKind::Create => guide.create_url.as_deref(),
        LinkKind::Revoke => guide.revoke_url.as_deref(),
        LinkKind::Docs => p.docs_url.as_deref(),
        LinkKind::Step => step(&guide.steps),
        LinkKind::RevokeStep => step(&guide.revoke_steps),
        LinkKind::DefaultSource => Some(guide.lifetime.default.source.as_str()),
        LinkKind::MaxSource => Some(guide.lifetime.max.source.as_str()),
    }
    .filter(|u| u.starts_with("https://"))
}

/// Whether `id` names a built-in provider or a custom OIDC one (`oidc:<name>`).
pub fn is_known(id: &str) -> bool {
    CATALOG.provider(id).is_some()
        || id
            .strip_prefix("oidc:")
            .is_some_and(|rest| !rest.is_empty())
}

/// A provider's catalog entry.
pub fn provider(id: &str) -> Option<ProviderInfo> {
    CATALOG.provider(id).map(ProviderFile::info)
}

/// A provider's API, if the app can ask it about tokens.
/// How git reaches a provider that hosts repositories (GitHub, GitLab).
pub fn git(provider: &str) -> Option<&'static GitLogin> {
    CATALOG.provider(provider).and_then(|p| p.git.as_ref())
}

pub fn api(provider: &str) -> Option<&'static Api> {
    CATALOG.provider(provider)?.api.as_ref()
}

/// The guide for a stored token: among the provider's guides whose prefix the token has (all
/// of them when none does), the one for the token's kind, else the first. Meta's tokens all
/// start `EAA`, so for them the kind decides.
pub fn guide_for(provider: &str, kind: TokenKind, token: Option<&str>) -> Option<&'static Guide> {
    let p = CATALOG.provider(provider)?;
    let fits = |g: &&Guide| {
        token.is_none_or(|t| g.shapes.iter().any(|s| t.starts_with(s.prefix.as_str())))
    };
    let mut candidates: Vec<&Guide> = p.guides.iter().filter(fits).collect();
    if candidates.is_empty() {
        candidates = p.guides.iter().collect();
    }
    candidates
        .iter()
        .find(|g| g.kind == kind)
        .or(candidates.first())
        .copied()
}

/// One of a provider's guides by id.
pub fn guide(provider: &str, id: &str) -> Option<&'static Guide> {
    CATALOG
        .provider(provider)?
        .guides
        .iter()
        .find(|g| g.id == id)
}

/// The rotation period (seconds) the catalog proposes for a provider's kind of token, if any
/// (Meta system-user tokens never expire; the advice is to replace them every 60 days).
pub fn proposed_rotation(provider: &str, kind: TokenKind) -> Option<i64> {
    CATALOG
        .provider(provider)?
        .guides
        .iter()
        .filter(|g| g.kind == kind)
        .find_map(|g| g.rotate_every_days)
        .map(|d| i64::from(d) * 86_400)
}

/// The provider and kind a token's documented prefix names, if any, with the prefix.
pub fn by_prefix(token: &str) -> Option<(&'static str, TokenKind, &'static str)> {
    by_prefix_shape(token).map(|(p, _, s)| (p, s.kind, s.prefix.as_str()))
}

/// The provider, guide and shape a token's prefix names, longest prefix first.
pub fn by_prefix_shape(token: &str) -> Option<(&'static str, &'static Guide, &'static Shape)> {
    CATALOG
        .prefixes
        .iter()
        .map(|&at| CATALOG.shape(at))
        .find(|(_, _, s)| token.starts_with(s.prefix.as_str()))
        .map(|(p, g, s)| (p.id.as_str(), g, s))
}

/// The provider a JWT issuer belongs to, if any. The issuer must be an https URL whose host is
/// the catalog's host exactly, or a subdomain of it for entries written `.auth0.com`; a path
/// or userinfo that merely contains the host (`https://evil/accounts.google.com`) is no match.
pub fn by_issuer(iss: &str) -> Option<&'static str> {
    let host = issuer_host(iss)?;
    CATALOG
        .providers
        .iter()
        .find(|p| {
            p.issuers.iter().any(|entry| match entry.strip_prefix('.') {
                Some(domain) => host
                    .strip_suffix(domain)
                    .is_some_and(|sub| sub.len() > 1 && sub.ends_with('.')),
                None => host == entry.as_str(),
            })
        })
        .map(|p| p.id.as_str())
}

/// The lower-cased host of an `https://` issuer, without port; `None` for anything else
/// (another scheme, userinfo, an empty host).
fn issuer_host(iss: &str) -> Option<String> {
    let rest = iss.trim().strip_prefix("https://")?;
    let authority = rest.split(['/', '?', '#']).next()?;
    if authority.contains('@') {
        return None;
    }
    let host = authority.rsplit_once(':').map_or(authority, |(h, port)| {
        if port.chars().all(|c| c.is_ascii_digit()) {
            h
        } else {
            authority
        }
    });
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    (!host.is_empty()).then_some(host)
}
#[cfg(test)]
mod tests;
