//! Signature verification against keys the user supplies (a JWKS or JWK from a file or an
//! https URL). The algorithm comes from the key, never from the token's header, and keys named
//! by the token itself (`jku`, `x5u`) are never fetched.

use std::{io::Read, str::FromStr, time::Duration};

use jsonwebtoken::{
    Algorithm, DecodingKey, Validation,
    jwk::{AlgorithmParameters, EllipticCurve, Jwk, JwkSet},
};

use crate::{
    error::{Error, Result},
    inspect::{self, Inspected},
    model::{Format, SignatureState},
};

/// A JWKS larger than this is refused.
const MAX_JWKS_BYTES: u64 = 1024 * 1024;

/// Loads a key set from a file path or URL. `http://` is only accepted for loopback hosts.
pub fn load_jwks(source: &str) -> Result<JwkSet> {
    let text = if source.starts_with("https://") || source.starts_with("http://") {
        fetch(source)?
    } else {
        std::fs::read_to_string(source)
            .map_err(|e| Error::KeyInvalid(format!("Cannot read the key file {source}: {e}")))?
    };
    parse_jwks(&text)
}

/// Accepts a JWKS (`{"keys": [...]}`) or a single JWK.
pub fn parse_jwks(text: &str) -> Result<JwkSet> {
    if let Ok(set) = serde_json::from_str::<JwkSet>(text) {
        return Ok(set);
    }
    serde_json::from_str::<Jwk>(text)
        .map(|k| JwkSet { keys: vec![k] })
        .map_err(|e| Error::KeyInvalid(format!("The key is neither a JWKS nor a JWK: {e}")))
}

fn fetch(url: &str) -> Result<String> {
    if let Some(rest) = url.strip_prefix("http://") {
        // Userinfo is refused outright (`http://127.0.0.1:80@evil/` goes to `evil`), and an
        // IPv6 literal must be exactly `[::1]`.
        let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
        let host = match authority.strip_prefix('[') {
            Some(v6) => v6.split(']').next().unwrap_or(""),
            None => authority.split(':').next().unwrap_or(""),
        };
        if authority.contains('@') || !matches!(host, "127.0.0.1" | "localhost" | "::1") {
            return Err(Error::KeyInvalid(format!(
                "Refusing to fetch keys over plain http from {authority}: use an https URL"
            )));
        }
    }
    let agent = ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(10)))
        // An https key set must not be downgraded to http by a redirect.
        .https_only(url.starts_with("https://"))
        .max_redirects(3)
        .build()
        .new_agent();
    let response = agent
        .get(url)
        .call()
        .map_err(|e| Error::Network(format!("Could not fetch the JWKS from {url}: {e}")))?;
    let mut body = String::new();
    response
        .into_body()
        .into_reader()
        .take(MAX_JWKS_BYTES)
        .read_to_string(&mut body)
        .map_err(|e| Error::Network(format!("Could not read the JWKS from {url}: {e}")))?;
    Ok(body)
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
