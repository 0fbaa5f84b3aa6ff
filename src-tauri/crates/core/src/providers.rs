//! The built-in provider catalog: one JSON file per provider under `providers/`, embedded at
//! build time. Recognises a token's provider from its documented prefix or JWT issuer.

use std::sync::LazyLock;

use serde::{Deserialize, Serialize};

use crate::model::TokenKind;

/// A provider as the UI and CLI see it.
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
}

#[derive(Debug, Deserialize)]
struct PrefixRule {
    prefix: String,
    kind: TokenKind,
}

#[derive(Debug, Deserialize)]
struct ProviderFile {
    id: String,
    name: String,
    kinds: Vec<TokenKind>,
    prefixes: Vec<PrefixRule>,
    /// Substrings of a JWT `iss` claim that identify this provider.
    issuers: Vec<String>,
    default_lifetime_days: Option<u32>,
    create_url: Option<String>,
    revoke_url: Option<String>,
    docs_url: Option<String>,
    /// A rotation policy to propose per token kind (`{"system_user": 60}`), for tokens that
    /// never expire but should be replaced on a schedule.
    #[serde(default)]
    rotate_every_days: std::collections::BTreeMap<TokenKind, u32>,
}

const FILES: &[&str] = include!(concat!(env!("OUT_DIR"), "/catalog.rs"));

struct Catalog {
    providers: Vec<ProviderFile>,
    /// (prefix, provider index, kind), longest prefix first so `github_pat_` beats `gh…`.
    prefixes: Vec<(String, usize, TokenKind)>,
}

static CATALOG: LazyLock<Catalog> = LazyLock::new(|| {
    let providers: Vec<ProviderFile> = FILES
        .iter()
        .map(|f| serde_json::from_str(f).expect("embedded provider files are valid (tested)"))
        .collect();
    let mut prefixes: Vec<(String, usize, TokenKind)> = providers
        .iter()
        .enumerate()
        .flat_map(|(i, p)| {
            p.prefixes
                .iter()
                .map(move |r| (r.prefix.clone(), i, r.kind))
        })
        .collect();
    prefixes.sort_by_key(|(p, _, _)| std::cmp::Reverse(p.len()));
    Catalog {
        providers,
        prefixes,
    }
});

/// Every built-in provider, in a stable order (by name, "Other" last).
pub fn catalog() -> Vec<ProviderInfo> {
    let mut all: Vec<ProviderInfo> = CATALOG
        .providers
        .iter()
        .map(|p| ProviderInfo {
            id: p.id.clone(),
            name: p.name.clone(),
            kinds: p.kinds.clone(),
            prefixes: p.prefixes.iter().map(|r| r.prefix.clone()).collect(),
            default_lifetime_days: p.default_lifetime_days,
            create_url: p.create_url.clone(),
            revoke_url: p.revoke_url.clone(),
            docs_url: p.docs_url.clone(),
        })
        .collect();
    all.sort_by_key(|p| (p.id == "other", p.name.to_lowercase()));
    all
}

/// A provider's name for people: the catalog's, a custom OIDC provider's own (`oidc:corp` →
/// `corp`), or the id itself.
pub fn display_name(id: &str) -> &str {
    CATALOG
        .providers
        .iter()
        .find(|p| p.id == id)
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
    Create,
    Revoke,
    Docs,
}

/// The catalog's URL for one of a provider's pages. The app opens only these: a page script
/// cannot make it open an address of its choosing (with a secret in the query, say).
pub fn link(provider: &str, kind: LinkKind) -> Option<&'static str> {
    let p = CATALOG.providers.iter().find(|p| p.id == provider)?;
    match kind {
        LinkKind::Create => p.create_url.as_deref(),
        LinkKind::Revoke => p.revoke_url.as_deref(),
        LinkKind::Docs => p.docs_url.as_deref(),
    }
    .filter(|u| u.starts_with("https://"))
}

/// Whether `id` names a built-in provider or a custom OIDC one (`oidc:<name>`).
pub fn is_known(id: &str) -> bool {
    CATALOG.providers.iter().any(|p| p.id == id)
        || id
            .strip_prefix("oidc:")
            .is_some_and(|rest| !rest.is_empty())
}

/// The rotation period (seconds) the catalog proposes for a provider's kind of token, if any
/// (Meta system-user tokens never expire; the advice is to replace them every 60 days).
pub fn proposed_rotation(provider: &str, kind: TokenKind) -> Option<i64> {
    CATALOG
        .providers
        .iter()
        .find(|p| p.id == provider)
        .and_then(|p| p.rotate_every_days.get(&kind))
        .map(|d| i64::from(*d) * 86_400)
}

/// The provider and kind a token's documented prefix names, if any.
pub fn by_prefix(token: &str) -> Option<(&'static str, TokenKind, &'static str)> {
    CATALOG
        .prefixes
        .iter()
        .find(|(p, _, _)| token.starts_with(p.as_str()))
        .map(|(p, i, k)| (CATALOG.providers[*i].id.as_str(), *k, p.as_str()))
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
        assert_eq!(
            link("github", LinkKind::Create),
            catalog()
                .iter()
                .find(|p| p.id == "github")
                .and_then(|p| p.create_url.as_deref())
        );
        assert!(link("github", LinkKind::Create).is_some_and(|u| u.starts_with("https://")));
        assert_eq!(link("nope", LinkKind::Docs), None);
        assert_eq!(link("oidc:corp", LinkKind::Docs), None);
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
