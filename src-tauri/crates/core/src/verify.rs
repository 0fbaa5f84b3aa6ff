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
    let named: Vec<&Jwk> = keys
        .keys
        .iter()
        .filter(|k| kid.is_none() || k.common.key_id.is_none() || k.common.key_id == kid)
        .collect();
    if named.is_empty() {
        return Err(Error::KeyInvalid(match kid {
            Some(k) => format!("No key in the set has kid `{k}`, which the token names"),
            None => "The key set is empty".into(),
        }));
    }
    // A key whose `use` or `key_ops` say it is not for verifying signatures is never tried.
    let candidates: Vec<&Jwk> = named.into_iter().filter(|k| for_verifying(k)).collect();
    if candidates.is_empty() {
        return Err(Error::KeyInvalid(
            "The matching keys are not for verifying signatures (their `use` or `key_ops` \
             exclude it)"
                .into(),
        ));
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

/// Whether a key may verify signatures: `use`, when present, is `sig`; `key_ops`, when
/// present, includes `verify` (RFC 7517 §4.2, §4.3).
fn for_verifying(key: &Jwk) -> bool {
    use jsonwebtoken::jwk::{KeyOperations, PublicKeyUse};
    let use_ok = key
        .common
        .public_key_use
        .as_ref()
        .is_none_or(|u| *u == PublicKeyUse::Signature);
    let ops_ok = key
        .common
        .key_operations
        .as_ref()
        .is_none_or(|ops| ops.contains(&KeyOperations::Verify));
    use_ok && ops_ok
}

/// What a deploy script asks of a token besides its signature.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClaimRules {
    /// Check `exp` and `nbf` against `now` (on by default in the CLI; `--ignore-time`).
    pub time: bool,
    /// `iss` must equal this.
    pub iss: Option<String>,
    /// `aud` must be, or contain, this.
    pub aud: Option<String>,
}

/// One check `verify` ran, and how it went.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Check {
    /// `signature`, `exp`, `nbf`, `iss` or `aud`.
    pub check: &'static str,
    pub passed: bool,
    pub detail: String,
}

/// The claim checks `rules` ask for, on a decoded token's claims at `now`. A time check whose
/// claim is absent is not run (a token without `exp` does not expire); an `iss` or `aud`
/// asked for and absent fails.
pub fn check_claims(claims: &serde_json::Value, rules: &ClaimRules, now: i64) -> Vec<Check> {
    let mut out = Vec::new();
    let num = |k: &str| claims.get(k).and_then(serde_json::Value::as_i64);
    if rules.time {
        if let Some(exp) = num("exp") {
            out.push(Check {
                check: "exp",
                passed: now < exp,
                detail: if now < exp {
                    format!("expires at {exp}, after now ({now})")
                } else {
                    format!("expired at {exp}; now is {now} (--ignore-time skips this)")
                },
            });
        }
        if let Some(nbf) = num("nbf") {
            out.push(Check {
                check: "nbf",
                passed: now >= nbf,
                detail: if now >= nbf {
                    format!("valid since {nbf}")
                } else {
                    format!("not valid before {nbf}; now is {now}")
                },
            });
        }
    }
    if let Some(want) = &rules.iss {
        let got = claims.get("iss").and_then(serde_json::Value::as_str);
        out.push(Check {
            check: "iss",
            passed: got == Some(want.as_str()),
            detail: match got {
                Some(g) if g == want => format!("issuer is {want}"),
                Some(g) => format!("issuer is {g}, not {want}"),
                None => format!("the token has no `iss`; wanted {want}"),
            },
        });
    }
    if let Some(want) = &rules.aud {
        let aud = claims.get("aud");
        let has = match aud {
            Some(serde_json::Value::String(a)) => a == want,
            Some(serde_json::Value::Array(list)) => list.iter().any(|a| a.as_str() == Some(want)),
            _ => false,
        };
        out.push(Check {
            check: "aud",
            passed: has,
            detail: match (has, aud) {
                (true, _) => format!("audience includes {want}"),
                (false, Some(a)) => format!("audience is {a}, which does not include {want}"),
                (false, None) => format!("the token has no `aud`; wanted {want}"),
            },
        });
    }
    out
}

fn key_label(key: &Jwk) -> String {
    key.common
        .key_id
        .as_deref()
        .map(|k| format!(" `{k}`"))
        .unwrap_or_default()
}
