//! Every live check, revoke and rotate, against fixtures on 127.0.0.1 built from each
//! provider's documented answers: valid tokens, 401 for a bad token, 403, rate limits, server
//! trouble, and each provider's way of saying expired versus revoked.

mod support;

use support::fixture::Fixture;
use tokenkeeper_core::{
    Secret,
    check::{CheckState, Expiry, Finding},
    model::TokenKind,
    providers,
};
use tokenkeeper_remote::{Ask, Client, Error, http};

const NOW_SLACK: i64 = 120;

use support::fixture::now;

struct Env {
    fixture: Fixture,
    client: Client,
}

impl Env {
    fn new() -> Env {
        Env {
            fixture: Fixture::start_default(),
            client: Client::new().expect("client"),
        }
    }

    fn api(&self, provider: &str) -> (&'static providers::Api, http::Origin) {
        let api = providers::api(provider).expect("provider has an api");
        (
            api,
            http::origin(&self.fixture.base).expect("loopback origin"),
        )
    }

    async fn check(&self, provider: &str, token: &str, stored_expiry: Option<i64>) -> Finding {
        let (api, origin) = self.api(provider);
        let secret = Secret::new(self.fixture.token(token));
        let ask = Ask {
            secret: &secret,
            kind: TokenKind::Personal,
            stored_expiry,
            now: now(),
        };
        tokenkeeper_remote::check(&self.client, api, &origin, &ask).await
    }

    async fn revoke(&self, provider: &str, token: &str) -> Result<String, Error> {
        let (api, origin) = self.api(provider);
        let secret = Secret::new(self.fixture.token(token));
        let ask = Ask {
            secret: &secret,
            kind: TokenKind::Personal,
            stored_expiry: None,
            now: now(),
        };
        tokenkeeper_remote::revoke(&self.client, api, &origin, &ask)
            .await
            .map(|r| r.detail)
    }

    /// No request carried a token in its URL.
    fn assert_no_token_in_urls(&self) {
        for s in self.fixture.seen() {
            if let Some(t) = &s.token {
                assert!(!s.target.contains(t.as_str()), "token in URL: {}", s.target);
            }
            assert!(
                s.headers
                    .get("user-agent")
                    .is_some_and(|u| u.starts_with("Tokenkeeper/")),
                "no User-Agent: {:?}",
                s.headers
            );
        }
    }
}

fn near(at: Expiry, expected_from_now: i64) {
    match at {
        Expiry::At(t) => assert!(
            (t - now() - expected_from_now).abs() <= NOW_SLACK + 86_400,
            "expiry {t} is not about {expected_from_now} s from now"
        ),
        other => panic!("expected an expiry, got {other:?}"),
    }
}

#[tokio::test]
async fn github_reads_expiry_from_the_header_and_scopes_only_where_sent() {
    let env = Env::new();
    let fine = env.check("github", "gh_fine", None).await;
    assert_eq!(fine.state, CheckState::Valid, "{}", fine.detail);
    near(fine.expiry, 45 * 86_400);
    assert_eq!(fine.account.as_deref(), Some("octocat"));
    assert_eq!(fine.scopes, None, "fine-grained PATs report no scopes");

    let classic = env.check("github", "gh_classic", None).await;
    assert_eq!(classic.state, CheckState::Valid);
    assert_eq!(
        classic.expiry,
        Expiry::Never,
        "no header on a PAT means no expiry"
    );
    assert_eq!(
        classic.scopes,
        Some(vec!["repo".into(), "read:org".into(), "workflow".into()])
    );
    env.assert_no_token_in_urls();
}

#[tokio::test]
async fn github_failures_are_told_apart() {
    let env = Env::new();
    let bad = env.check("github", "gh_bad", None).await;
    assert_eq!(bad.state, CheckState::Invalid, "{}", bad.detail);
    assert!(bad.detail.contains("Bad credentials"), "{}", bad.detail);
    // GitHub says only "Bad credentials": past the stored expiry that means expired.
    let lapsed = env.check("github", "gh_bad", Some(now() - 60)).await;
    assert_eq!(lapsed.state, CheckState::Expired);

    let sso = env.check("github", "gh_sso", None).await;
    assert_eq!(sso.state, CheckState::Invalid);
    assert!(
        sso.detail.contains("403") && sso.detail.contains("SSO"),
        "{}",
        sso.detail
    );

    let limited = env.check("github", "gh_limited", None).await;
    assert_eq!(limited.state, CheckState::RateLimited, "{}", limited.detail);
    let wait = limited.retry_after.expect("when to retry");
    assert!((500..=700).contains(&wait), "retry after {wait}");
    assert!(
        limited.detail.contains("try again in"),
        "{}",
        limited.detail
    );

    let down = env.check("github", "gh_down", None).await;
    assert_eq!(down.state, CheckState::Unreachable);
    assert!(down.detail.contains("503"), "{}", down.detail);
}

#[tokio::test]
async fn github_revocation_is_sent_unauthenticated_with_the_token_in_the_body() {
    let env = Env::new();
    let detail = env.revoke("github", "gh_classic").await.expect("revoked");
    assert!(detail.contains("GitHub accepted"), "{detail}");
    let sent = env.fixture.seen();
    let revoke = sent
        .iter()
        .find(|s| s.target == "/credentials/revoke")
        .expect("a revocation request");
    assert!(
        !revoke.headers.contains_key("authorization"),
        "GitHub answers 403 to an authenticated revocation"
    );
    assert!(env.fixture.is_revoked(&env.fixture.token("gh_classic")));
    let after = env.check("github", "gh_classic", None).await;
    assert_eq!(after.state, CheckState::Invalid);
    env.assert_no_token_in_urls();
}

#[tokio::test]
async fn gitlab_reads_a_date_as_midnight_utc_and_names_expired_and_revoked() {
    let env = Env::new();
    let ok = env.check("gitlab", "gl_valid", None).await;
    assert_eq!(ok.state, CheckState::Valid, "{}", ok.detail);
    match ok.expiry {
        Expiry::At(t) => assert_eq!(t % 86_400, 0, "a GitLab date is 00:00 UTC"),
        other => panic!("{other:?}"),
    }
    near(ok.expiry, 30 * 86_400);
    assert_eq!(ok.scopes, Some(vec!["api".into(), "read_user".into()]));
    assert_eq!(ok.account.as_deref(), Some("alice"));

    let expired = env.check("gitlab", "gl_expired", None).await;
    assert_eq!(expired.state, CheckState::Expired, "{}", expired.detail);
    let revoked = env.check("gitlab", "gl_revoked", None).await;
    assert_eq!(revoked.state, CheckState::Revoked, "{}", revoked.detail);
    let bad = env.check("gitlab", "gl_bad", None).await;
    assert_eq!(bad.state, CheckState::Invalid, "{}", bad.detail);
    let limited = env.check("gitlab", "gl_limited", None).await;
    assert_eq!(limited.state, CheckState::RateLimited);
    assert_eq!(limited.retry_after, Some(60));
}

#[tokio::test]
async fn gitlab_revokes_itself_and_then_reads_as_revoked() {
    let env = Env::new();
    env.revoke("gitlab", "gl_valid").await.expect("revoked");
    let after = env.check("gitlab", "gl_valid", None).await;
    assert_eq!(after.state, CheckState::Revoked, "{}", after.detail);
    // A token GitLab no longer accepts cannot revoke itself: the error says what to do.
    match env.revoke("gitlab", "gl_valid").await {
        Err(Error::Rejected(m)) => assert!(m.contains("mark it as revoked"), "{m}"),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn gitlab_rotation_returns_the_replacement_and_revokes_the_old() {
    let env = Env::new();
    let (api, origin) = env.api("gitlab");
    let secret = Secret::new(env.fixture.token("gl_rotate"));
    let ask = Ask {
        secret: &secret,
        kind: TokenKind::Personal,
        stored_expiry: None,
        now: now(),
    };
    let rotated = tokenkeeper_remote::rotate(&env.client, api, &origin, &ask, None)
        .await
        .expect("rotated");
    assert_eq!(rotated.secret.expose(), env.fixture.token("gl_rotated"));
    assert!(rotated.expires_at.is_some_and(|t| t > now() + 80 * 86_400));
    assert!(env.fixture.is_revoked(&env.fixture.token("gl_rotate")));
    let new = env.check("gitlab", "gl_rotated", None).await;
    assert_eq!(new.state, CheckState::Valid);
    // GitHub offers no rotation API: a clear refusal, nothing sent.
    let (gh, gh_origin) = env.api("github");
    let before = env.fixture.seen().len();
    match tokenkeeper_remote::rotate(&env.client, gh, &gh_origin, &ask, None).await {
        Err(Error::Unsupported(m)) => assert!(m.contains("guide"), "{m}"),
        other => panic!("{:?}", other.map(|r| r.detail)),
    }
    assert_eq!(env.fixture.seen().len(), before);
}

#[tokio::test]
async fn meta_debug_token_reads_never_and_subcodes() {
    let env = Env::new();
    let system = env.check("meta", "meta_system", None).await;
    assert_eq!(system.state, CheckState::Valid, "{}", system.detail);
    assert_eq!(system.expiry, Expiry::Never, "expires_at 0 means never");
    assert!(system.detail.contains("system-user"), "{}", system.detail);
    assert_eq!(
        system.scopes,
        Some(vec![
            "whatsapp_business_messaging".into(),
            "whatsapp_business_management".into()
        ])
    );
    let user = env.check("meta", "meta_user", None).await;
    near(user.expiry, 50 * 86_400);
    assert!(user.detail.contains("user data lapses"), "{}", user.detail);

    let expired = env.check("meta", "meta_expired", None).await;
    assert_eq!(expired.state, CheckState::Expired, "{}", expired.detail);
    let removed = env.check("meta", "meta_removed", None).await;
    assert_eq!(removed.state, CheckState::Revoked, "{}", removed.detail);
    let bad = env.check("meta", "meta_bad", None).await;
    assert_eq!(bad.state, CheckState::Invalid, "{}", bad.detail);
    assert!(bad.detail.contains("Cannot parse"), "{}", bad.detail);
    let limited = env.check("meta", "meta_limited", None).await;
    assert_eq!(limited.state, CheckState::RateLimited, "{}", limited.detail);
    assert_eq!(limited.retry_after, Some(15 * 60));
    // debug_token takes the token as a parameter: it goes in the body, not the query.
    env.assert_no_token_in_urls();
}

#[tokio::test]
async fn meta_revoke_removes_permissions() {
    let env = Env::new();
    env.revoke("meta", "meta_user").await.expect("revoked");
    let after = env.check("meta", "meta_user", None).await;
    assert_eq!(after.state, CheckState::Revoked, "{}", after.detail);
}

#[tokio::test]
async fn slack_reads_errors_from_an_http_200() {
    let env = Env::new();
    let ok = env.check("slack", "slack_bot", None).await;
    assert_eq!(ok.state, CheckState::Valid, "{}", ok.detail);
    assert_eq!(ok.account.as_deref(), Some("deploybot @ Acme"));
    assert_eq!(
        ok.scopes,
        Some(vec!["chat:write".into(), "channels:read".into()])
    );
    assert_eq!(
        ok.expiry,
        Expiry::Unknown,
        "auth.test says nothing of expiry"
    );
    for (token, state) in [
        ("slack_revoked", CheckState::Revoked),
        ("slack_expired", CheckState::Expired),
        ("slack_bad", CheckState::Invalid),
        ("slack_limited", CheckState::RateLimited),
    ] {
        let f = env.check("slack", token, None).await;
        assert_eq!(f.state, state, "{token}: {}", f.detail);
    }
    env.revoke("slack", "slack_bot").await.expect("revoked");
    let after = env.check("slack", "slack_bot", None).await;
    assert_eq!(after.state, CheckState::Revoked);
}

#[tokio::test]
async fn npm_whoami_and_deletion_by_key() {
    let env = Env::new();
    let ok = env.check("npm", "npm_valid", None).await;
    assert_eq!(ok.state, CheckState::Valid, "{}", ok.detail);
    assert_eq!(ok.account.as_deref(), Some("alice"));
    let bad = env.check("npm", "npm_bad", None).await;
    assert_eq!(bad.state, CheckState::Invalid);
    let limited = env.check("npm", "npm_limited", None).await;
    assert_eq!(limited.state, CheckState::RateLimited);
    assert_eq!(limited.retry_after, Some(120));
    env.revoke("npm", "npm_valid").await.expect("deleted");
    let after = env.check("npm", "npm_valid", None).await;
    assert_eq!(after.state, CheckState::Invalid);
    env.assert_no_token_in_urls();
}

#[tokio::test]
async fn an_unreachable_provider_is_unreachable_not_invalid() {
    let client = Client::new().expect("client");
    // A port nothing listens on.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    drop(listener);
    let api = providers::api("github").expect("api");
    let secret = Secret::new("ghp_x".into());
    let ask = Ask {
        secret: &secret,
        kind: TokenKind::Personal,
        stored_expiry: None,
        now: now(),
    };
    let f = tokenkeeper_remote::check(&client, api, &http::origin(&base).expect("o"), &ask).await;
    assert_eq!(f.state, CheckState::Unreachable, "{}", f.detail);
    assert!(f.detail.contains("Could not reach"), "{}", f.detail);
    assert!(!f.detail.contains("ghp_x"));
}
