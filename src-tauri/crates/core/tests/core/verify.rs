//! Verification against keys the user trusts: the RFC 7515 A.1 key and token, tampering, and
//! the rule that the algorithm comes from the key, never from the token's header.

use base64::{Engine as _, engine::general_purpose::URL_SAFE_NO_PAD};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::json;
use tokenkeeper_core::{
    Error,
    model::SignatureState,
    verify::{parse_jwks, verify},
};

use crate::{
    NOW, b64,
    vectors::{RFC7515_A1, RFC7515_A1_K as A1_K, RFC7516_A3, RFC7519_6_1},
};

fn a1_jwk(extra: serde_json::Value) -> String {
    let mut jwk = json!({"kty": "oct", "k": A1_K});
    if let (Some(m), serde_json::Value::Object(e)) = (jwk.as_object_mut(), extra) {
        m.extend(e);
    }
    jwk.to_string()
}

fn signature_of(token: &str, jwks: &str) -> (SignatureState, Vec<String>) {
    let keys = parse_jwks(jwks).expect("the test key parses");
    let i = verify(token, &keys, NOW)
        .expect("verification runs")
        .inspection;
    (i.signature, i.warnings)
}

fn a1_encoding_key() -> EncodingKey {
    EncodingKey::from_secret(
        &URL_SAFE_NO_PAD
            .decode(A1_K)
            .expect("the A.1 key is base64url"),
    )
}

/// The A.1 claims signed by the A.1 key with `alg`, by jsonwebtoken (not by the code under test).
fn a1_signed_with(alg: Algorithm) -> String {
    let key = a1_encoding_key();
    let claims = json!({"iss": "joe", "exp": 1_300_819_380});
    jsonwebtoken::encode(&Header::new(alg), &claims, &key).expect("signs")
}

#[test]
fn rfc7515_a1_verifies_with_its_jwk() {
    let (sig, warnings) = signature_of(RFC7515_A1, &a1_jwk(json!({})));
    assert_eq!(
        sig,
        SignatureState::Valid,
        "the RFC's own example failed to verify: {warnings:?}"
    );
    let set = format!(r#"{{"keys":[{}]}}"#, a1_jwk(json!({"kid": "a1"})));
    assert_eq!(
        signature_of(RFC7515_A1, &set).0,
        SignatureState::Valid,
        "as a JWKS too"
    );
}

#[test]
fn a_tampered_payload_is_invalid() {
    let parts: Vec<&str> = RFC7515_A1.split('.').collect();
    let evil =
        b64("{\"iss\":\"joe\",\r\n \"exp\":1300819380,\r\n \"http://example.com/is_root\":false}");
    let tampered = format!("{}.{evil}.{}", parts[0], parts[2]);
    let (sig, warnings) = signature_of(&tampered, &a1_jwk(json!({})));
    assert_eq!(
        sig,
        SignatureState::Invalid,
        "a changed claim still verified"
    );
    assert!(
        warnings
            .iter()
            .any(|w| w.starts_with("Signature check failed")),
        "{warnings:?}"
    );
}

#[test]
fn a_different_key_is_invalid() {
    let other = json!({"kty": "oct", "k": b64("a completely different secret key!")}).to_string();
    assert_eq!(signature_of(RFC7515_A1, &other).0, SignatureState::Invalid);
}

#[test]
fn the_algorithm_comes_from_the_key_not_the_header() {
    // Signed correctly with HS512, but the key says (by default for oct) HS256: refused.
    let hs512 = a1_signed_with(Algorithm::HS512);
    assert_eq!(
        signature_of(&hs512, &a1_jwk(json!({}))).0,
        SignatureState::Invalid,
        "the token's header chose the algorithm"
    );
    // The same token against the same key marked HS512 verifies: the key decides.
    assert_eq!(
        signature_of(&hs512, &a1_jwk(json!({"alg": "HS512"}))).0,
        SignatureState::Valid
    );
    // An HS256 token against a key pinned to HS384 is refused.
    assert_eq!(
        signature_of(RFC7515_A1, &a1_jwk(json!({"alg": "HS384"}))).0,
        SignatureState::Invalid
    );
}

#[test]
fn alg_none_never_verifies() {
    let (sig, _) = signature_of(RFC7519_6_1, &a1_jwk(json!({})));
    assert_eq!(
        sig,
        SignatureState::Invalid,
        "an unsigned token was accepted as signed"
    );
}

#[test]
fn the_token_kid_selects_the_key() {
    let set = format!(
        r#"{{"keys":[{}, {}]}}"#,
        json!({"kty": "oct", "kid": "other", "k": b64("wrong key wrong key wrong key!!")}),
        a1_jwk(json!({"kid": "mine"}))
    );
    let key = a1_encoding_key();
    let mut h = Header::new(Algorithm::HS256);
    h.kid = Some("mine".into());
    let token = jsonwebtoken::encode(&h, &json!({"sub": "x"}), &key).expect("signs");
    assert_eq!(signature_of(&token, &set).0, SignatureState::Valid);
    h.kid = Some("absent".into());
    let orphan = jsonwebtoken::encode(&h, &json!({"sub": "x"}), &key).expect("signs");
    let keys = parse_jwks(&set).expect("parses");
    match verify(&orphan, &keys, NOW) {
        Err(Error::KeyInvalid(m)) => assert!(m.contains("`absent`"), "{m}"),
        other => panic!("a kid with no key should be a key error: {other:?}"),
    }
}

#[test]
fn only_signed_jwts_can_be_verified() {
    let keys = parse_jwks(&a1_jwk(json!({}))).expect("parses");
    for input in [RFC7516_A3, "ghp_abcdefghijklmnopqrstuvwxyz0123456789"] {
        assert!(
            matches!(verify(input, &keys, NOW), Err(Error::InvalidInput(_))),
            "{input:.12}…: verify should say there is no signature to check"
        );
    }
}

#[test]
fn unusable_key_sets_are_refused() {
    for text in ["", "not json", "[]", r#"{"kty":"nope"}"#] {
        assert!(
            matches!(parse_jwks(text), Err(Error::KeyInvalid(_))),
            "{text:?} was accepted"
        );
    }
    let empty = parse_jwks(r#"{"keys":[]}"#).expect("an empty set parses");
    assert!(matches!(
        verify(RFC7515_A1, &empty, NOW),
        Err(Error::KeyInvalid(_))
    ));
}
