//! The catalog as data: every file complete, links only https, lookups by prefix, issuer and kind.

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
        link(&LinkRef::page("github", LinkKind::Create)).is_some_and(|u| u.starts_with("https://"))
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
