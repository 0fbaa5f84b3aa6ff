//! Signature verification against keys the user supplies (a JWKS or JWK; loading it from a
//! file or URL is the remote crate's job). The algorithm comes from the key, never from the
//! token's header, and keys named by the token itself (`jku`, `x5u`) are never fetched.

use std::str::FromStr;

use jsonwebtoken::{
    Algorithm, DecodingKey, Validation,
    jwk::{AlgorithmParameters, EllipticCurve, Jwk, JwkSet},
};

use crate::{
    error::{Error, Result},
    inspect::{self, Inspected},
    model::{Format, SignatureState},
};

/// Accepts a JWKS (`{"keys": [...]}`) or a single JWK.
pub fn parse_jwks(text: &str) -> Result<JwkSet> {
    if let Ok(set) = serde_json::from_str::<JwkSet>(text) {
        return Ok(set);
    }
    serde_json::from_str::<Jwk>(text)
        .map(|k| JwkSet { keys: vec![k] })
        .map_err(|e| Error::KeyInvalid(format!("The key is neither a JWKS nor a JWK: {e}")))
}

/// The algorithm a key is for: its `alg` member, else the only sensible one for its type.
fn key_algorithm(key: &Jwk) -> Result<Algorithm> {
    if let Some(alg) = key.common.key_algorithm {
        return Algorithm::from_str(&alg.to_string()).map_err(|_| {
            Error::KeyInvalid(format!(
                "The key's algorithm {alg} cannot verify signatures"
            ))
        });
    }
    Ok(match &key.algorithm {
        AlgorithmParameters::RSA(_) => Algorithm::RS256,
        AlgorithmParameters::EllipticCurve(ec) => match ec.curve {
            EllipticCurve::P256 => Algorithm::ES256,
            EllipticCurve::P384 => Algorithm::ES384,
            _ => {
                return Err(Error::KeyInvalid(
                    "An EC key on an unsupported curve".into(),
                ));
            }
        },
        AlgorithmParameters::OctetKeyPair(_) => Algorithm::EdDSA,
        AlgorithmParameters::OctetKey(_) => Algorithm::HS256,
    })
}

/// Decodes `input` and checks its signature against `keys`.
pub fn verify(input: &str, keys: &JwkSet, now: i64) -> Result<Inspected> {
    let mut inspected = inspect::decode(input, now)?;
    if inspected.inspection.format != Format::Jwt {
        return Err(Error::InvalidInput(
            "Only signed JWTs (three parts) carry a signature to verify".into(),
        ));
    }
    let token = inspect::normalize(input);
    let kid = inspected
        .inspection
        .header
        .as_ref()
        .and_then(|h| h.get("kid"))
        .and_then(|k| k.as_str())
        .map(str::to_owned);
    let candidates: Vec<&Jwk> = keys
        .keys
        .iter()
        .filter(|k| kid.is_none() || k.common.key_id.is_none() || k.common.key_id == kid)
        .collect();
    if candidates.is_empty() {
        return Err(Error::KeyInvalid(match kid {
            Some(k) => format!("No key in the set has kid `{k}`, which the token names"),
            None => "The key set is empty".into(),
        }));
    }
    let mut reasons = Vec::new();
    for key in candidates {
        let alg = match key_algorithm(key) {
            Ok(a) => a,
            Err(e) => {
                reasons.push(e.to_string());
                continue;
            }
        };
        let decoding = match DecodingKey::from_jwk(key) {
            Ok(d) => d,
            Err(e) => {
                reasons.push(format!("unusable key: {e}"));
                continue;
            }
        };
        let mut validation = Validation::new(alg);
        // Only the signature is judged here; times are reported by status, audience is unknown.
        validation.validate_exp = false;
        validation.validate_nbf = false;
        validation.validate_aud = false;
        validation.required_spec_claims.clear();
        match jsonwebtoken::decode::<serde_json::Value>(token, &decoding, &validation) {
            Ok(_) => {
                inspected.inspection.signature = SignatureState::Valid;
                return Ok(inspected);
            }
            Err(e) => reasons.push(format!("{alg:?} key{}: {e}", key_label(key))),
        }
    }
    inspected.inspection.signature = SignatureState::Invalid;
    inspected
        .inspection
        .warnings
        .push(format!("Signature check failed: {}", reasons.join("; ")));
    Ok(inspected)
}

fn key_label(key: &Jwk) -> String {
    key.common
        .key_id
        .as_deref()
        .map(|k| format!(" `{k}`"))
        .unwrap_or_default()
}
