//! Checking the JWTs a sign-in returns against the issuer's own key set (its `jwks_uri`, never
//! a key the token names): the ID token must be signed by the issuer, name it as `iss` and this
//! client in `aud`, or the sign-in is refused (OIDC Core §3.1.3.7); a JWT access token's
//! signature is checked and recorded. Key sets are cached per URL for an hour and fetched again
//! at most once per check when a token names a `kid` the cached set lacks (a key rotation), and
//! not more than once a minute.

use std::{
    collections::HashMap,
    sync::{Mutex, OnceLock},
    time::{Duration, Instant},
};

use jsonwebtoken::jwk::JwkSet;
use tokenkeeper_core::{
    model::SignatureState,
    oauth::{Issued, Profile},
    verify::{self, parse_jwks},
};

use crate::{Error, Result, http::Client};

const FRESH_FOR: Duration = Duration::from_secs(3600);
const REFETCH_AFTER: Duration = Duration::from_secs(60);
const MAX_CACHED: usize = 16;

struct Cached {
    keys: JwkSet,
    fetched: Instant,
    /// The last time a token's unknown kid made us fetch again.
    refetched: Option<Instant>,
}

fn cache() -> &'static Mutex<HashMap<String, Cached>> {
    static CACHE: OnceLock<Mutex<HashMap<String, Cached>>> = OnceLock::new();
    CACHE.get_or_init(Default::default)
}

fn cached(uri: &str, max_age: Duration) -> Option<JwkSet> {
    let c = cache().lock().unwrap_or_else(|p| p.into_inner());
    c.get(uri)
        .filter(|e| e.fetched.elapsed() < max_age)
        .map(|e| e.keys.clone())
}

async fn load(client: &Client, uri: &str) -> Result<JwkSet> {
    let keys = parse_jwks(&crate::jwks::fetch(client, uri).await?)?;
    let mut c = cache().lock().unwrap_or_else(|p| p.into_inner());
    if c.len() >= MAX_CACHED
        && !c.contains_key(uri)
        && let Some(oldest) = c
            .iter()
            .min_by_key(|(_, e)| e.fetched)
            .map(|(k, _)| k.clone())
    {
        c.remove(&oldest);
    }
    let refetched = c.get(uri).and_then(|e| e.refetched);
    c.insert(
        uri.to_owned(),
        Cached {
            keys: keys.clone(),
            fetched: Instant::now(),
            refetched,
        },
    );
    Ok(keys)
}

/// Whether an unknown kid may fetch the set at `uri` again now (once a minute at most); if
/// so, the attempt is recorded.
fn may_refetch(uri: &str) -> bool {
    let mut c = cache().lock().unwrap_or_else(|p| p.into_inner());
    match c.get_mut(uri) {
        Some(e) if e.refetched.is_none_or(|at| at.elapsed() >= REFETCH_AFTER) => {
            e.refetched = Some(Instant::now());
            true
        }
        _ => false,
    }
}

/// The signature state of `token` against the key set at `uri`.
async fn signature(client: &Client, uri: &str, token: &str, now: i64) -> Result<SignatureState> {
    let (keys, just_loaded) = match cached(uri, FRESH_FOR) {
        Some(k) => (k, false),
        None => (load(client, uri).await?, true),
    };
    match verify::verify(token, &keys, now) {
        Ok(i) => Ok(i.inspection.signature),
        // A kid a cached set lacks: the issuer may have rotated its keys. Fetched again once
        // (not for a set fetched just now, and not more than once a minute).
        Err(tokenkeeper_core::Error::KeyInvalid(_)) if !just_loaded && may_refetch(uri) => {
            let keys = load(client, uri).await?;
            Ok(verify::verify(token, &keys, now)
                .map(|i| i.inspection.signature)
                .unwrap_or(SignatureState::Invalid))
        }
        Err(tokenkeeper_core::Error::KeyInvalid(_)) => Ok(SignatureState::Invalid),
        Err(_) => Ok(SignatureState::Unsigned),
    }
}

/// Checks what a token request gave and records it in `issued`: `id_verified`, and the
/// access token's `access_signature` (None when it is not a JWT or no key set is known). An
/// ID token that fails its checks refuses the sign-in; one that cannot be checked (no key set,
/// the keys unreachable) stays unverified and is shown so.
pub async fn check(client: &Client, p: &Profile, issued: &mut Issued, now: i64) -> Result<()> {
    let Some(uri) = p.endpoints.jwks_uri.as_deref() else {
        return Ok(());
    };
    if let Some(id) = &issued.id_token {
        match signature(client, uri, id.expose(), now).await {
            Ok(SignatureState::Valid) => {
                let claims = tokenkeeper_core::inspect::decode(id.expose(), now)
                    .ok()
                    .and_then(|i| i.inspection.claims)
                    .unwrap_or_default();
                let iss_ok = p.issuer.as_deref().is_none_or(|want| {
                    claims["iss"].as_str().map(|i| i.trim_end_matches('/'))
                        == Some(want.trim_end_matches('/'))
                });
                let aud_ok = match &claims["aud"] {
                    serde_json::Value::String(a) => *a == p.client_id,
                    serde_json::Value::Array(a) => a.iter().any(|v| v == p.client_id.as_str()),
                    _ => false,
                };
                if !iss_ok || !aud_ok {
                    return Err(Error::Rejected(format!(
                        "The ID token names {} as issuer and {} as audience, not {} and {}: the sign-in is refused",
                        claims["iss"],
                        claims["aud"],
                        p.issuer.as_deref().unwrap_or("?"),
                        p.client_id
                    )));
                }
                issued.id_verified = true;
            }
            Ok(SignatureState::Invalid) => {
                return Err(Error::Rejected(
                    "The ID token's signature does not match the issuer's keys: the sign-in is refused"
                        .into(),
                ));
            }
            Ok(_) => {}
            Err(e) => tracing::info!("the ID token stays unverified: {e}"),
        }
    }
    let access = issued.access.expose();
    if access.split('.').count() == 3 {
        issued.access_signature = match signature(client, uri, access, now).await {
            Ok(s) => Some(s),
            Err(e) => {
                tracing::info!("the access token's signature stays unchecked: {e}");
                None
            }
        };
    }
    Ok(())
}
