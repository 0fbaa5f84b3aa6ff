//! The built-in provider catalog: one JSON file per provider under `providers/`, embedded at
//! build time. Recognises a token's provider from its documented prefix or JWT issuer.

use std::sync::LazyLock;

use serde::{Deserialize, Serialize};

use crate::model::TokenKind;

/// A provider as the UI and CLI see it: its file from the catalog, as it is, plus the figures
/// older clients read (`kinds`, `prefixes`, the first guide's links and default lifetime).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ProviderInfo {
    pub id: String,
    pub name: String,
    pub kinds: Vec<TokenKind>,
    pub prefixes: Vec<String>,
    pub default_lifetime_days: Option<u32>,
    pub create_url: Option<String>,
    pub revoke_url: Option<String>,
    pub docs_url: Option<String>,
    /// The provider's HTTP API, when the app can ask it about a token.
    pub api: Option<Api>,
    /// One per kind of token it issues, in the order the wizard lists them.
    pub guides: Vec<Guide>,
}

/// A provider's API as the catalog describes it. The code that speaks it is the `adapter` in
/// tokenkeeper-remote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct Api {
    pub adapter: Adapter,
    /// The API's origin (`https://api.github.com`).
    pub base_url: String,
    /// The environment variable that replaces `base_url` (tests, self-hosted instances).
    pub base_env: String,
    pub docs_url: String,
}

/// Which provider API an adapter in tokenkeeper-remote speaks.
#[derive(strum::EnumString, strum::AsRefStr)]
#[strum(serialize_all = "snake_case")]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Adapter {
    Github,
    Gitlab,
    Meta,
    Slack,
    Npm,
}

/// How to make, check and revoke one kind of a provider's tokens.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct Guide {
    pub id: String,
    pub name: String,
    pub kind: TokenKind,
    #[serde(default)]
    pub summary: Option<String>,
    pub shapes: Vec<Shape>,
    pub lifetime: GuideLifetime,
    #[serde(default)]
    pub rotate_every_days: Option<u32>,
    pub create_url: Option<String>,
    pub revoke_url: Option<String>,
    pub facts: Vec<String>,
    pub steps: Vec<Step>,
    pub revoke_steps: Vec<Step>,
    pub can: Can,
}

/// How a token of one kind looks: enough to catch a wrong or truncated paste.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct Shape {
    pub prefix: String,
    pub kind: TokenKind,
    /// Whole token, prefix included.
    #[serde(default)]
    pub min_length: Option<u32>,
    #[serde(default)]
    pub max_length: Option<u32>,
    #[serde(default)]
    pub alphabet: Option<Alphabet>,
    #[serde(default)]
    pub checksum: Option<Checksum>,
    #[serde(default)]
    pub source: Option<String>,
}

/// The characters a token may hold after its prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Alphabet {
    Base62,
    Base62Underscore,
    Base64url,
    Hex,
    AlnumDash,
    Printable,
}

/// A checksum a token format documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Checksum {
    /// GitHub's and npm's: CRC32 of the random part, base62 (`0-9A-Za-z`), the last six
    /// characters.
    Crc32Base62Last6,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct GuideLifetime {
    pub default: Figure,
    pub max: Figure,
    /// Lifetimes the wizard offers, in days; 0 means no expiry.
    pub choices_days: Vec<u32>,
}

/// A lifetime with the page that states it. `days: None` (and no `hours`) means none: no
/// expiry by default, or no maximum.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct Figure {
    #[serde(default)]
    pub days: Option<u32>,
    #[serde(default)]
    pub hours: Option<u32>,
    pub source: String,
}

impl Figure {
    /// The lifetime in seconds, `None` when there is none.
    pub fn secs(&self) -> Option<i64> {
        match (self.hours, self.days) {
            (Some(h), _) => Some(i64::from(h) * 3_600),
            (None, Some(d)) => Some(i64::from(d) * 86_400),
            (None, None) => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct Step {
    pub text: String,
    /// The choice that matters at this step and what to pick.
    #[serde(default)]
    pub choice: Option<String>,
    #[serde(default)]
    pub url: Option<String>,
}

/// What the app can do for a kind of token through the provider's API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct Can {
    pub check: bool,
    pub revoke: bool,
    pub rotate: bool,
}

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

/// Which of a provider's pages a link opens.
#[derive(strum::EnumString, strum::AsRefStr)]
#[strum(serialize_all = "snake_case")]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum LinkKind {
    /// Where a token is made (the guide's, else the provider's first guide's).
    Create,
    /// Where a token is revoked.
    Revoke,
    /// The provider's page about its tokens.
    Docs,
    /// The page of a guide's generate step (`step` is its index).
    Step,
    /// The page of a guide's revoke step.
    RevokeStep,
    /// The page that states a guide's default lifetime.
    DefaultSource,
    /// The page that states a guide's maximum lifetime.
    MaxSource,
}

/// A link the UI asks the shell to open: never a URL, only where to find one in the catalog.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields = nullable))]
pub struct LinkRef {
    pub provider: String,
    pub kind: LinkKind,
    /// A guide id; `None` means the provider's first guide.
    #[serde(default)]
    pub guide: Option<String>,
    #[serde(default)]
    pub step: Option<u32>,
}

impl LinkRef {
    pub fn page(provider: &str, kind: LinkKind) -> LinkRef {
        LinkRef {
            provider: provider.to_owned(),
            kind,
            guide: None,
            step: None,
        }
    }
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
mod tests {
    use super::*;

    #[test]
    fn every_embedded_file_parses_and_ids_are_unique() {
        let all = catalog();
        assert!(all.len() >= 12, "catalog lost providers: {}", all.len());
        let mut ids: Vec<_> = all.iter().map(|p| p.id.clone()).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), all.len(), "duplicate provider ids");
        assert_eq!(all.last().map(|p| p.id.as_str()), Some("other"));
    }

    #[test]
    fn longest_prefix_wins() {
        assert_eq!(by_prefix("github_pat_11ABC").map(|x| x.0), Some("github"));
        assert_eq!(by_prefix("sk_live_abc").map(|x| x.0), Some("stripe"));
        assert_eq!(by_prefix("sk-proj-abc").map(|x| x.0), Some("openai"));
        assert_eq!(by_prefix("ghr_abc").map(|x| x.1), Some(TokenKind::Refresh));
        assert_eq!(by_prefix("hello"), None);
    }

    #[test]
    fn meta_system_user_tokens_get_a_sixty_day_rotation() {
        assert_eq!(
            proposed_rotation("meta", TokenKind::SystemUser),
            Some(60 * 86_400)
        );
        assert_eq!(proposed_rotation("meta", TokenKind::Access), None);
        assert_eq!(proposed_rotation("github", TokenKind::Personal), None);
    }

    #[test]
    fn links_come_only_from_the_catalog() {
        let github = provider("github").expect("github is in the catalog");
        assert_eq!(
            link(&LinkRef::page("github", LinkKind::Create)),
            github.create_url.as_deref()
        );
        assert!(
            link(&LinkRef::page("github", LinkKind::Create))
                .is_some_and(|u| u.starts_with("https://"))
        );
        assert_eq!(link(&LinkRef::page("nope", LinkKind::Docs)), None);
        assert_eq!(link(&LinkRef::page("oidc:corp", LinkKind::Docs)), None);
        let step_with_url = github.guides[0]
            .steps
            .iter()
            .position(|s| s.url.is_some())
            .expect("GitHub's first guide links a step");
        let to = LinkRef {
            provider: "github".into(),
            kind: LinkKind::Step,
            guide: Some(github.guides[0].id.clone()),
            step: Some(step_with_url as u32),
        };
        assert_eq!(
            link(&to),
            github.guides[0].steps[step_with_url].url.as_deref()
        );
        let beyond = LinkRef {
            step: Some(999),
            ..to.clone()
        };
        assert_eq!(link(&beyond), None);
        let no_guide = LinkRef {
            guide: Some("nope".into()),
            ..to
        };
        assert_eq!(link(&no_guide), None);
    }

    /// What the schema cannot say: every link is https, every lifetime figure has a source,
    /// every provider says how to create and revoke its tokens, and the programmatic claims
    /// name an API the provider has.
    #[test]
    fn every_guide_is_complete_and_links_only_https() {
        let https = |what: &str, u: &str| {
            assert!(
                u.starts_with("https://") && !u.contains(char::is_whitespace),
                "{what}: {u} is not an https URL"
            )
        };
        for p in catalog() {
            assert!(!p.guides.is_empty(), "{} has no guide", p.id);
            if let Some(u) = &p.docs_url {
                https(&p.id, u);
            }
            if let Some(api) = &p.api {
                https(&p.id, &api.docs_url);
                assert!(api.base_url.starts_with("https://"), "{}", p.id);
                assert!(!api.base_url.ends_with('/'), "{}", p.id);
            }
            for g in &p.guides {
                let what = format!("{}/{}", p.id, g.id);
                assert!(!g.steps.is_empty(), "{what}: no generate steps");
                assert!(!g.revoke_steps.is_empty(), "{what}: no revoke steps");
                if p.id != "other" {
                    assert!(g.create_url.is_some(), "{what}: no create page");
                    assert!(g.revoke_url.is_some(), "{what}: no revoke page");
                }
                for u in [&g.create_url, &g.revoke_url].into_iter().flatten() {
                    https(&what, u);
                }
                for s in g.steps.iter().chain(&g.revoke_steps) {
                    assert!(!s.text.trim().is_empty(), "{what}: an empty step");
                    if let Some(u) = &s.url {
                        https(&what, u);
                    }
                }
                https(&what, &g.lifetime.default.source);
                https(&what, &g.lifetime.max.source);
                if let (Some(d), Some(m)) = (g.lifetime.default.secs(), g.lifetime.max.secs()) {
                    assert!(d <= m, "{what}: default lifetime over the maximum");
                }
                if let Some(m) = g.lifetime.max.secs() {
                    for c in &g.lifetime.choices_days {
                        assert!(
                            i64::from(*c) * 86_400 <= m && *c > 0,
                            "{what}: offers {c} days, beyond the maximum or 'never'"
                        );
                    }
                }
                for s in &g.shapes {
                    if let Some(u) = &s.source {
                        https(&what, u);
                    }
                    if let (Some(a), Some(b)) = (s.min_length, s.max_length) {
                        assert!(a <= b, "{what}: min_length over max_length");
                    }
                }
                if g.can.check || g.can.revoke || g.can.rotate {
                    assert!(p.api.is_some(), "{what}: claims API support without an api");
                }
            }
        }
    }

    #[test]
    fn guides_are_found_by_prefix_and_kind() {
        let (p, g, _) = by_prefix_shape("github_pat_11AAA").expect("a fine-grained PAT");
        assert_eq!((p, g.id.as_str()), ("github", "fine_grained_pat"));
        let g = guide_for("github", TokenKind::Personal, Some("ghp_x")).expect("classic");
        assert_eq!(g.id, "classic_pat");
        assert_eq!(
            guide_for("meta", TokenKind::SystemUser, None).map(|g| g.id.as_str()),
            Some("system_user")
        );
        assert!(api("github").is_some_and(|a| a.adapter == Adapter::Github));
        assert!(api("stripe").is_none());
    }

    #[test]
    fn issuers_match_by_exact_host_only() {
        assert_eq!(by_issuer("https://accounts.google.com"), Some("google"));
        assert_eq!(by_issuer("https://ACCOUNTS.google.com/"), Some("google"));
        assert_eq!(by_issuer("https://tenant.eu.auth0.com/"), Some("auth0"));
        assert_eq!(
            by_issuer("https://login.microsoftonline.com/7f0c/v2.0"),
            Some("entra")
        );
        assert_eq!(by_issuer("https://gitlab.com:443"), Some("gitlab"));
        for spoof in [
            "https://evil/accounts.google.com",
            "https://accounts.google.com.evil.example/",
            "https://accounts.google.com@evil.example/",
            "https://evil.example/?accounts.google.com",
            "http://accounts.google.com",
            "https://auth0.com/",
            "https://evilauth0.com/",
            "https://notgitlab.com/",
        ] {
            assert_eq!(by_issuer(spoof), None, "{spoof} was taken for a provider");
        }
    }

    #[test]
    fn custom_oidc_ids_are_known() {
        assert!(is_known("github"));
        assert!(is_known("oidc:corp"));
        assert!(!is_known("oidc:"));
        assert!(!is_known("nope"));
    }
}
