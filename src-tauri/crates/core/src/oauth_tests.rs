//! Tests of the OAuth rules in `oauth.rs`.

use super::*;

#[test]
fn refresh_happens_at_eighty_percent_of_the_lifetime() {
    assert_eq!(refresh_at(1000, 2000), 1800);
    assert_eq!(refresh_at(0, 3600), 2880);
    // A lifetime that ends before it starts, or lasts seconds, is not refreshed in a loop.
    assert_eq!(refresh_at(5000, 4000), 5010);
    assert_eq!(refresh_at(5000, 5002), 5010);
}

#[test]
fn only_a_refresh_finished_after_asking_answers_the_ask() {
    // Asked at 1000 ms; another caller's refresh finished at 1500 ms while this one waited.
    assert!(refreshed_since(Some(1500), 1000));
    assert!(refreshed_since(Some(1000), 1000));
    // Asked after the last refresh finished: a refresh is made.
    assert!(!refreshed_since(Some(999), 1000));
    assert!(!refreshed_since(None, 1000));
}

#[test]
fn backoff_grows_is_capped_jittered_and_honours_retry_after() {
    assert_eq!(backoff_secs(1, 1.0, None), 5);
    assert_eq!(backoff_secs(2, 1.0, None), 10);
    assert_eq!(backoff_secs(3, 1.0, None), 20);
    assert_eq!(backoff_secs(30, 1.0, None), 600);
    assert_eq!(backoff_secs(3, 0.0, None), 10);
    assert_eq!(backoff_secs(1, 0.5, Some(120)), 120);
    assert_eq!(backoff_secs(1, 0.5, Some(999_999)), 3600);
}

#[test]
fn invalid_grant_means_sign_in_and_5xx_words_mean_retry() {
    assert_eq!(classify("invalid_grant"), Failure::SignInAgain);
    assert_eq!(classify("temporarily_unavailable"), Failure::Transient);
    assert_eq!(classify("invalid_client"), Failure::Fatal);
}

#[test]
fn discovery_tries_oidc_then_rfc8414_with_the_path_after_the_segment() {
    assert_eq!(
        discovery_urls("https://id.example/tenant/"),
        [
            "https://id.example/tenant/.well-known/openid-configuration",
            "https://id.example/.well-known/oauth-authorization-server/tenant",
        ]
    );
}

#[test]
fn refresh_expiry_prefers_the_response_then_the_jwt_then_policy() {
    let now = 1000;
    assert_eq!(
        refresh_expiry(Some(60), Some(5000), Some(10), now),
        Some((1060, ExpirySource::ExpiresIn))
    );
    assert_eq!(
        refresh_expiry(None, Some(5000), Some(10), now),
        Some((5000, ExpirySource::Jwt))
    );
    assert_eq!(
        refresh_expiry(Some(0), None, Some(10), now),
        Some((1010, ExpirySource::Provider))
    );
    assert_eq!(refresh_expiry(None, None, None, now), None);
}

#[test]
fn profile_names_cannot_shadow_the_catalog() {
    assert!(validate_profile_name("corp-sso").is_ok());
    assert!(
        validate_profile_name("github")
            .unwrap_err()
            .contains("github-oauth")
    );
    assert!(validate_profile_name("Bad Name").is_err());
    assert!(validate_profile_name("a/b").is_err());
}

#[test]
fn flows_say_what_a_profile_lacks() {
    let p = Profile {
        name: "x".into(),
        issuer: None,
        endpoints: Endpoints {
            token: "https://x/token".into(),
            ..Endpoints::default()
        },
        client_id: "c".into(),
        has_client_secret: false,
        iss_required: false,
        scopes: vec![],
        audience: None,
        resource: None,
        refresh_lifetime_secs: None,
        flows: vec![],
    };
    assert!(p.clone().with_flows().flows.is_empty());
    assert!(Flow::Code.available(&p).is_err());
    assert!(Flow::Device.available(&p).unwrap_err().contains("8628"));
    assert!(
        Flow::ClientCredentials
            .available(&p)
            .unwrap_err()
            .contains("secret")
    );
}

#[test]
fn a_token_past_its_refresh_point_or_lapsed_is_refreshed_before_use() {
    assert!(!refresh_before_use(Some(0), Some(1000), 799));
    assert!(refresh_before_use(Some(0), Some(1000), 800));
    assert!(refresh_before_use(None, Some(1000), 1000));
    assert!(!refresh_before_use(None, Some(1000), 999));
    assert!(!refresh_before_use(Some(0), None, 10_000_000));
}
