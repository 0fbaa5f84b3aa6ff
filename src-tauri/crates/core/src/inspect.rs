//! Inspection: looks inside a pasted token without trusting it. Detects JWS / JWE / opaque,
//! decodes the JOSE header and claims (labelled unverified), reads their times and recognises
//! the provider. Never panics on any input; every malformed part gets its own error.

use base64::{Engine as _, engine::general_purpose::URL_SAFE_NO_PAD};
use serde_json::{Map, Value};

use crate::{
    clock::rfc3339,
    error::{Error, Result},
    model::{Format, Inspection, SignatureState, TokenKind},
    providers,
    status::{Lifetime, soon_at, status_at},
};

/// Claims that name who a token acts for, most readable first.
const ACCOUNT_CLAIMS: &[&str] = &[
    "email",
    "preferred_username",
    "upn",
    "sub",
    "client_id",
    "azp",
];

/// Inputs larger than this are refused before any parsing.
pub const MAX_TOKEN_BYTES: usize = 64 * 1024;

/// An inspection plus what the rest of the core needs that the CLI's JSON does not show.
#[derive(Debug, Clone, PartialEq)]
pub struct Inspected {
    pub inspection: Inspection,
    pub lifetime: Lifetime,
    /// The documented prefix that identified the provider (for masking), if any.
    pub prefix: Option<&'static str>,
}

/// Strips what people paste around a token: whitespace and an `Authorization` scheme.
pub fn normalize(input: &str) -> &str {
    let t = input.trim();
    // The scheme is stripped when whitespace or nothing follows it: a pasted `Bearer ` alone
    // (trimmed to `Bearer`) is an empty token, not the secret "Bearer".
    match t.get(..6) {
        Some(scheme)
            if scheme.eq_ignore_ascii_case("bearer")
                && t[6..].chars().next().is_none_or(char::is_whitespace) =>
        {
            t[6..].trim_start()
        }
        _ => t,
    }
}

/// Decodes raw bytes (from stdin or a file): size-checked, then must be UTF-8.
pub fn decode_bytes(input: &[u8], now: i64) -> Result<Inspected> {
    check_size(input.len())?;
    let text = std::str::from_utf8(input).map_err(|e| {
        Error::TokenMalformed(format!(
            "The input is not UTF-8 text (invalid byte at offset {}); a token is printable text",
            e.valid_up_to()
        ))
    })?;
    decode(text, now)
}

fn check_size(size: usize) -> Result<()> {
    if size > MAX_TOKEN_BYTES {
        return Err(Error::TokenTooLarge {
            size,
            limit: MAX_TOKEN_BYTES,
        });
    }
    Ok(())
}

/// Inspects `input` as of `now` (unix seconds).
pub fn decode(input: &str, now: i64) -> Result<Inspected> {
    check_size(input.len())?;
    let token = normalize(input);
    if token.is_empty() {
        return Err(Error::TokenMalformed(
            "The input is empty: paste a token (a leading `Bearer ` is fine)".into(),
        ));
    }
    let mut warnings = Vec::new();
    if token.chars().any(char::is_whitespace) {
        warnings.push("The token contains whitespace; check that nothing else was pasted".into());
    }
    if token.starts_with("eyJ") {
        let parts: Vec<&str> = token.split('.').collect();
        match parts.len() {
            3 => return decode_jws(&parts, now, warnings),
            5 => return decode_jwe(&parts, now, warnings),
            n => {
                return Err(Error::TokenMalformed(format!(
                    "This looks like a JWT (it starts with `eyJ`) but has {n} part{} separated by \
                     dots; a JWT has 3 (header.payload.signature) and a JWE has 5",
                    if n == 1 { "" } else { "s" }
                )));
            }
        }
    }
    Ok(opaque(token, now, warnings))
}

fn opaque(token: &str, now: i64, mut warnings: Vec<String>) -> Inspected {
    let hit = providers::by_prefix(token);
    warnings.extend(crate::shape::problem_of(token));
    let lifetime = Lifetime::default();
    Inspected {
        inspection: Inspection {
            format: Format::Opaque,
            provider: hit.map(|(p, _, _)| p.to_owned()),
            kind: hit.map_or(TokenKind::Other, |(_, k, _)| k),
            alg: None,
            header: None,
            claims: None,
            expires_at: None,
            issued_at: None,
            not_before: None,
            soon_at: None,
            scopes: Vec::new(),
            account: None,
            status: status_at(lifetime, now),
            signature: SignatureState::Unsigned,
            warnings,
        },
        lifetime,
        prefix: hit.map(|(_, _, p)| p),
    }
}

/// Which part of a compact token, for error messages.
fn part_name(index: usize, jwe: bool) -> &'static str {
    match (jwe, index) {
        (_, 0) => "header (part 1)",
        (false, 1) => "payload (part 2)",
        (false, _) => "signature (part 3)",
        (true, 1) => "encrypted key (part 2)",
        (true, 2) => "initialization vector (part 3)",
        (true, 3) => "ciphertext (part 4)",
        (true, _) => "authentication tag (part 5)",
    }
}

fn b64(part: &str, index: usize, jwe: bool) -> Result<Vec<u8>> {
    // Some issuers pad; RFC 7515 says not to, but the bytes are the same.
    URL_SAFE_NO_PAD
        .decode(part.trim_end_matches('='))
        .map_err(|e| {
            Error::TokenMalformed(format!(
                "The {} is not valid base64url: {e}",
                part_name(index, jwe)
            ))
        })
}

fn json_object(bytes: &[u8], index: usize, jwe: bool) -> Result<Map<String, Value>> {
    let name = part_name(index, jwe);
    let value: Value = serde_json::from_slice(bytes)
        .map_err(|e| Error::TokenMalformed(format!("The {name} is not valid JSON: {e}")))?;
    match value {
        Value::Object(map) => Ok(map),
        other => Err(Error::TokenMalformed(format!(
            "The {name} must be a JSON object, found {}",
            json_type(&other)
        ))),
    }
}

fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn header(
    parts: &[&str],
    jwe: bool,
    warnings: &mut Vec<String>,
) -> Result<(Map<String, Value>, String)> {
    let h = json_object(&b64(parts[0], 0, jwe)?, 0, jwe)?;
    let alg = match h.get("alg") {
        Some(Value::String(a)) if !a.is_empty() => a.clone(),
        Some(other) => {
            return Err(Error::TokenMalformed(format!(
                "The header's `alg` must be a non-empty string, found {}",
                json_type(other)
            )));
        }
        None => return Err(Error::TokenMalformed("The header has no `alg`".into())),
    };
    for url_key in ["jku", "x5u"] {
        if h.contains_key(url_key) {
            warnings.push(format!(
                "The header names a key URL (`{url_key}`); Tokenkeeper never fetches keys named \
                 by the token itself"
            ));
        }
    }
    Ok((h, alg))
}

fn decode_jws(parts: &[&str], now: i64, mut warnings: Vec<String>) -> Result<Inspected> {
    let (header, alg) = header(parts, false, &mut warnings)?;
    let claims = json_object(&b64(parts[1], 1, false)?, 1, false)?;
    let signature = b64(parts[2], 2, false)?;
    let unsigned = alg.eq_ignore_ascii_case("none");
    if unsigned {
        warnings
            .push("`alg` is `none`: the token is unsigned and anyone could have forged it".into());
        if !signature.is_empty() {
            warnings.push("`alg` is `none` but a signature is present".into());
        }
    } else if signature.is_empty() {
        warnings.push(format!("`alg` is `{alg}` but the signature part is empty"));
    }

    let exp = time_claim(&claims, "exp", &mut warnings);
    let iat = time_claim(&claims, "iat", &mut warnings);
    let nbf = time_claim(&claims, "nbf", &mut warnings);
    let lifetime = Lifetime {
        issued_at: iat,
        not_before: nbf,
        expires_at: exp,
        revoked: false,
    };
    let str_claim = |k: &str| claims.get(k).and_then(Value::as_str).map(str::to_owned);
    let provider = str_claim("iss")
        .as_deref()
        .and_then(providers::by_issuer)
        .map(str::to_owned);
    let inspection = Inspection {
        format: Format::Jwt,
        provider,
        kind: jwt_kind(&header, &claims),
        alg: Some(alg),
        expires_at: exp.and_then(rfc3339),
        issued_at: iat.and_then(rfc3339),
        not_before: nbf.and_then(rfc3339),
        soon_at: soon_at(lifetime).and_then(rfc3339),
        scopes: scopes(&claims),
        account: ACCOUNT_CLAIMS.iter().find_map(|k| str_claim(k)),
        status: status_at(lifetime, now),
        signature: if unsigned {
            SignatureState::Unsigned
        } else {
            SignatureState::Unverified
        },
        header: Some(Value::Object(header)),
        claims: None,
        warnings,
    };
    Ok(Inspected {
        inspection: Inspection {
            claims: Some(Value::Object(claims)),
            ..inspection
        },
        lifetime,
        prefix: None,
    })
}

fn decode_jwe(parts: &[&str], now: i64, mut warnings: Vec<String>) -> Result<Inspected> {
    let (header, alg) = header(parts, true, &mut warnings)?;
    if !header.contains_key("enc") {
        return Err(Error::TokenMalformed(
            "The header of this five-part token has no `enc`, so it is not a JWE".into(),
        ));
    }
    for (i, part) in parts.iter().enumerate().skip(1) {
        b64(part, i, true)?;
    }
    if parts[3].is_empty() {
        return Err(Error::TokenMalformed(
            "The ciphertext (part 4) is empty".into(),
        ));
    }
    warnings.push("The payload is encrypted: its claims can only be read by the recipient".into());
    let lifetime = Lifetime::default();
    Ok(Inspected {
        inspection: Inspection {
            format: Format::Jwe,
            provider: None,
            kind: TokenKind::Other,
            alg: Some(alg),
            header: Some(Value::Object(header)),
            claims: None,
            expires_at: None,
            issued_at: None,
            not_before: None,
            soon_at: None,
            scopes: Vec::new(),
            account: None,
            status: status_at(lifetime, now),
            signature: SignatureState::Unverified,
            warnings,
        },
        lifetime,
        prefix: None,
    })
}

/// A NumericDate claim (RFC 7519 §2): seconds, possibly fractional. Anything else is a warning.
fn time_claim(claims: &Map<String, Value>, key: &str, warnings: &mut Vec<String>) -> Option<i64> {
    let v = claims.get(key)?;
    let secs = match v {
        Value::Number(n) => n.as_i64().or_else(|| {
            n.as_f64()
                .filter(|f| f.is_finite() && f.abs() < 1e15)
                .map(|f| f.floor() as i64)
        }),
        _ => None,
    };
    match secs.filter(|s| rfc3339(*s).is_some()) {
        Some(s) => Some(s),
        None => {
            warnings.push(format!(
                "`{key}` is {v}, not a number of seconds since 1970; it was ignored"
            ));
            None
        }
    }
}

fn scopes(claims: &Map<String, Value>) -> Vec<String> {
    for key in ["scope", "scp", "scopes"] {
        match claims.get(key) {
            Some(Value::String(s)) => return s.split_whitespace().map(str::to_owned).collect(),
            Some(Value::Array(a)) => {
                return a
                    .iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect();
            }
            _ => {}
        }
    }
    Vec::new()
}

fn jwt_kind(header: &Map<String, Value>, claims: &Map<String, Value>) -> TokenKind {
    let typ = header
        .get("typ")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_ascii_lowercase();
    let token_use = claims
        .get("token_use")
        .and_then(Value::as_str)
        .unwrap_or("");
    if typ == "at+jwt" || typ == "application/at+jwt" || token_use == "access" {
        TokenKind::Access
    } else if token_use == "id"
        || ["nonce", "at_hash", "c_hash"]
            .iter()
            .any(|k| claims.contains_key(*k))
    {
        TokenKind::Id
    } else if token_use == "refresh" {
        TokenKind::Refresh
    } else {
        TokenKind::Access
    }
}
