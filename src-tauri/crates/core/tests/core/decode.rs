//! Decoding well-formed tokens: the RFC examples, every status, times, provider prefixes and
//! issuers, and the exact JSON shape scripts read.

use serde_json::{Value, json};
use tokenkeeper_core::{
    inspect::decode,
    model::{Format, SignatureState, Status, TokenKind},
};

use crate::{
    NOW, b64, jwt,
    vectors::{RFC7515_A1, RFC7516_A3, RFC7519_6_1},
};

const HOUR: i64 = 3600;
const DAY: i64 = 24 * HOUR;

#[test]
fn rfc7515_a1_hs256_example() {
    let i = decode(RFC7515_A1, NOW)
        .expect("the RFC's own example decodes")
        .inspection;
    assert_eq!(i.format, Format::Jwt);
    assert_eq!(i.alg.as_deref(), Some("HS256"));
    assert_eq!(i.header, Some(json!({"typ": "JWT", "alg": "HS256"})));
    assert_eq!(
        i.claims,
        Some(json!({"iss": "joe", "exp": 1_300_819_380, "http://example.com/is_root": true}))
    );
    assert_eq!(i.expires_at.as_deref(), Some("2011-03-22T18:43:00Z"));
    assert_eq!(i.status, Status::Expired, "exp 2011 is in the past");
    assert_eq!(
        i.signature,
        SignatureState::Unverified,
        "decode alone must never claim valid"
    );
    assert!(
        i.warnings.is_empty(),
        "a well-formed token got warnings: {:?}",
        i.warnings
    );
}

#[test]
fn rfc7519_6_1_unsecured_example() {
    let i = decode(RFC7519_6_1, NOW)
        .expect("an unsecured JWT still decodes")
        .inspection;
    assert_eq!(i.alg.as_deref(), Some("none"));
    assert_eq!(i.signature, SignatureState::Unsigned);
    assert_eq!(
        i.claims.as_ref().and_then(|c| c.get("iss")),
        Some(&json!("joe"))
    );
    assert!(
        i.warnings
            .iter()
            .any(|w| w.contains("unsigned") && w.contains("forged")),
        "the user is not warned that an alg:none token proves nothing: {:?}",
        i.warnings
    );
    assert_eq!(
        i.warnings.len(),
        1,
        "an empty signature part is correct for alg none"
    );
}

#[test]
fn rfc7516_a3_jwe_is_recognised_but_not_read() {
    let i = decode(RFC7516_A3, NOW).expect("a JWE decodes").inspection;
    assert_eq!(i.format, Format::Jwe);
    assert_eq!(i.alg.as_deref(), Some("A128KW"));
    assert_eq!(
        i.header,
        Some(json!({"alg": "A128KW", "enc": "A128CBC-HS256"}))
    );
    assert_eq!(
        i.claims, None,
        "claims of an encrypted token cannot be shown"
    );
    assert_eq!(i.status, Status::NoExpiry);
    assert!(
        i.warnings.iter().any(|w| w.contains("encrypted")),
        "{:?}",
        i.warnings
    );
}

#[test]
fn jwe_with_direct_key_has_an_empty_encrypted_key_part() {
    let header = b64(r#"{"alg":"dir","enc":"A256GCM"}"#);
    let token = format!(
        "{header}..{}.{}.{}",
        b64("iv-bytes"),
        b64("ciphertext"),
        b64("tag")
    );
    assert_eq!(
        decode(&token, NOW).expect("dir JWE").inspection.format,
        Format::Jwe
    );
}

#[test]
fn every_status_from_the_token_times() {
    let cases = [
        (
            "expired",
            json!({"iat": NOW - 2 * HOUR, "exp": NOW - HOUR}),
            Status::Expired,
        ),
        ("exp is now", json!({"exp": NOW}), Status::Expired),
        (
            "nbf ahead",
            json!({"nbf": NOW + HOUR, "exp": NOW + DAY}),
            Status::NotYetValid,
        ),
        // 1 h lifetime, 10 min left: under 20%.
        (
            "10 min of 1 h",
            json!({"iat": NOW - 50 * 60, "exp": NOW + 10 * 60}),
            Status::ExpiringSoon,
        ),
        // No iat: the 14-day window applies.
        (
            "13 days, no iat",
            json!({"exp": NOW + 13 * DAY}),
            Status::ExpiringSoon,
        ),
        (
            "30 min of 1 h",
            json!({"iat": NOW - 30 * 60, "exp": NOW + 30 * 60}),
            Status::Valid,
        ),
        (
            "90 days",
            json!({"iat": NOW, "exp": NOW + 90 * DAY}),
            Status::Valid,
        ),
        (
            "no exp",
            json!({"sub": "x", "iat": NOW - DAY}),
            Status::NoExpiry,
        ),
    ];
    for (label, claims, want) in cases {
        let token = jwt(&json!({"alg": "RS256"}), &claims, "c2ln");
        let got = decode(&token, NOW).expect("decodes").inspection.status;
        assert_eq!(got, want, "{label}: the status chip would say {got:?}");
    }
}

#[test]
fn times_are_reported_in_rfc3339_utc() {
    let token = jwt(
        &json!({"alg": "ES256"}),
        &json!({"iat": 0, "nbf": 60, "exp": 1.9e9}),
        "c2ln",
    );
    let i = decode(&token, NOW).expect("decodes").inspection;
    assert_eq!(i.issued_at.as_deref(), Some("1970-01-01T00:00:00Z"));
    assert_eq!(i.not_before.as_deref(), Some("1970-01-01T00:01:00Z"));
    assert_eq!(
        i.expires_at.as_deref(),
        Some("2030-03-17T17:46:40Z"),
        "float exp is accepted"
    );
}

#[test]
fn a_non_numeric_exp_is_a_warning_not_an_error() {
    for bad in [
        json!("tomorrow"),
        json!(null),
        json!([1]),
        json!(1e300),
        json!(true),
    ] {
        let token = jwt(&json!({"alg": "HS256"}), &json!({"exp": bad}), "c2ln");
        let i = decode(&token, NOW)
            .unwrap_or_else(|e| panic!("exp {bad} made the whole token unreadable: {e}"))
            .inspection;
        assert_eq!(i.expires_at, None);
        assert_eq!(i.status, Status::NoExpiry);
        assert!(
            i.warnings
                .iter()
                .any(|w| w.contains("`exp`") && w.contains("ignored")),
            "exp {bad}: no warning says the expiry was ignored: {:?}",
            i.warnings
        );
    }
}

#[test]
fn every_documented_prefix_names_its_provider() {
    let cases = [
        ("ghp_", "github", TokenKind::Personal),
        ("github_pat_", "github", TokenKind::Personal),
        ("gho_", "github", TokenKind::Access),
        ("ghu_", "github", TokenKind::Access),
        ("ghs_", "github", TokenKind::Access),
        ("ghr_", "github", TokenKind::Refresh),
        ("glpat-", "gitlab", TokenKind::Personal),
        ("npm_", "npm", TokenKind::Personal),
        ("xoxb-", "slack", TokenKind::Bot),
        ("xoxp-", "slack", TokenKind::Access),
        ("xapp-", "slack", TokenKind::ApiKey),
        ("EAA", "meta", TokenKind::Access),
        ("sk_live_", "stripe", TokenKind::ApiKey),
        ("sk_test_", "stripe", TokenKind::ApiKey),
        ("rk_live_", "stripe", TokenKind::ApiKey),
        ("rk_test_", "stripe", TokenKind::ApiKey),
        ("sk-", "openai", TokenKind::ApiKey),
        ("sk-proj-", "openai", TokenKind::ApiKey),
        ("ya29.", "google", TokenKind::Access),
        ("AKIA", "aws", TokenKind::ApiKey),
        ("ASIA", "aws", TokenKind::Access),
    ];
    for (prefix, provider, kind) in cases {
        let token = format!("{prefix}A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8");
        let i = decode(&token, NOW)
            .expect("opaque tokens decode")
            .inspection;
        assert_eq!(i.format, Format::Opaque, "{prefix}");
        assert_eq!(
            i.provider.as_deref(),
            Some(provider),
            "a `{prefix}` token is not shown as {provider}"
        );
        assert_eq!(
            i.kind, kind,
            "a `{prefix}` token is shown as the wrong kind"
        );
        assert_eq!(i.signature, SignatureState::Unsigned);
        assert_eq!(i.status, Status::NoExpiry);
    }
    let unknown = decode("Zm9vYmFyYmF6cXV4", NOW)
        .expect("unknown opaque")
        .inspection;
    assert_eq!((unknown.provider, unknown.kind), (None, TokenKind::Other));
}

#[test]
fn jwt_issuers_name_their_provider() {
    for (iss, provider) in [
        ("https://accounts.google.com", "google"),
        ("https://login.microsoftonline.com/tid/v2.0", "entra"),
        ("https://tenant.eu.auth0.com/", "auth0"),
        ("https://gitlab.com", "gitlab"),
    ] {
        let token = jwt(&json!({"alg": "RS256"}), &json!({"iss": iss}), "c2ln");
        let i = decode(&token, NOW).expect("decodes").inspection;
        assert_eq!(i.provider.as_deref(), Some(provider), "iss {iss}");
    }
}

#[test]
fn key_urls_in_the_header_are_flagged() {
    let token = jwt(
        &json!({"alg": "RS256", "jku": "https://evil.example/k"}),
        &json!({}),
        "c2ln",
    );
    let i = decode(&token, NOW).expect("decodes").inspection;
    assert!(
        i.warnings
            .iter()
            .any(|w| w.contains("`jku`") && w.contains("never fetches"))
    );
}

#[test]
fn inspection_json_has_exactly_the_documented_keys() {
    let i = decode(RFC7515_A1, NOW).expect("decodes").inspection;
    let Value::Object(map) = serde_json::to_value(&i).expect("serializes") else {
        panic!("an inspection must serialize to an object");
    };
    let mut keys: Vec<&str> = map.keys().map(String::as_str).collect();
    keys.sort_unstable();
    let mut want = [
        "format",
        "provider",
        "kind",
        "alg",
        "header",
        "claims",
        "expires_at",
        "issued_at",
        "not_before",
        "soon_at",
        "scopes",
        "account",
        "status",
        "signature",
        "warnings",
    ];
    want.sort_unstable();
    assert_eq!(
        keys, want,
        "scripts reading `decode --json` rely on exactly these keys"
    );
}
