//! Checking a sign-in's JWTs against the issuer's key set, served on 127.0.0.1: a kid the
//! cached set lacks fetches the set again once (a key rotation), a second unknown kid right
//! after does not (bounded), and an ID token for another audience refuses the sign-in.

use std::sync::{
    Arc,
    atomic::{AtomicUsize, Ordering},
};

use base64::{Engine as _, engine::general_purpose::URL_SAFE_NO_PAD};
use jsonwebtoken::{EncodingKey, Header, encode};
use serde_json::json;
use tokenkeeper_core::{
    Secret,
    model::SignatureState,
    oauth::{Endpoints, Issued, Profile},
};
use tokenkeeper_remote::{Client, Error, oauth::keys};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const K1: &[u8] = b"first-key-0123456789abcdef0123456789";
const K2: &[u8] = b"second-key-0123456789abcdef012345678";

fn jwk(kid: &str, k: &[u8]) -> serde_json::Value {
    json!({"kty": "oct", "kid": kid, "alg": "HS256", "k": URL_SAFE_NO_PAD.encode(k)})
}

/// Serves the key set: only k1 on the first request, k1 and k2 after (the issuer rotated).
async fn key_server(hits: Arc<AtomicUsize>) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let port = listener.local_addr().expect("addr").port();
    tokio::spawn(async move {
        while let Ok((mut s, _)) = listener.accept().await {
            let n = hits.fetch_add(1, Ordering::SeqCst);
            let mut buf = [0u8; 4096];
            let _ = s.read(&mut buf).await;
            let keys = if n == 0 {
                json!({"keys": [jwk("k1", K1)]})
            } else {
                json!({"keys": [jwk("k1", K1), jwk("k2", K2)]})
            };
            let body = keys.to_string();
            let head = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                body.len()
            );
            let _ = s.write_all(head.as_bytes()).await;
            let _ = s.write_all(body.as_bytes()).await;
        }
    });
    format!("http://127.0.0.1:{port}")
}

fn id_token(kid: &str, key: &[u8], aud: &str, iss: &str) -> Secret {
    let mut header = Header::new(jsonwebtoken::Algorithm::HS256);
    header.kid = Some(kid.into());
    let claims = json!({"iss": iss, "aud": aud, "sub": "alice", "exp": 4_000_000_000u64});
    Secret::new(encode(&header, &claims, &EncodingKey::from_secret(key)).expect("sign"))
}

fn profile(base: &str) -> Profile {
    Profile {
        name: "corp".into(),
        issuer: Some(base.into()),
        endpoints: Endpoints {
            token: format!("{base}/token"),
            jwks_uri: Some(format!("{base}/jwks")),
            ..Endpoints::default()
        },
        client_id: "app".into(),
        has_client_secret: false,
        iss_required: false,
        scopes: vec![],
        audience: None,
        resource: None,
        refresh_lifetime_secs: None,
        flows: vec![],
    }
}

fn issued(id: Secret, access: Secret) -> Issued {
    Issued {
        access,
        refresh: None,
        id_token: Some(id),
        expires_in: Some(60),
        refresh_expires_in: None,
        scopes: None,
        id_verified: false,
        access_signature: None,
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unknown_kid_fetches_the_key_set_once_more_and_no_more() {
    let hits = Arc::new(AtomicUsize::new(0));
    let base = key_server(hits.clone()).await;
    let p = profile(&base);
    let client = Client::new().expect("client");
    let now = chrono::Utc::now().timestamp();

    // The first sign-in's tokens use k1: one fetch.
    let mut first = issued(
        id_token("k1", K1, "app", &base),
        id_token("k1", K1, "api", &base),
    );
    keys::check(&client, &p, &mut first, now)
        .await
        .expect("checked");
    assert!(first.id_verified);
    assert_eq!(hits.load(Ordering::SeqCst), 1);

    // Then the issuer rotates to k2, which the cached set lacks: fetched again, and valid.
    let mut got = issued(
        id_token("k2", K2, "app", &base),
        id_token("k1", K1, "api", &base),
    );
    keys::check(&client, &p, &mut got, now)
        .await
        .expect("checked");
    assert!(got.id_verified);
    assert_eq!(got.access_signature, Some(SignatureState::Valid));
    assert_eq!(
        hits.load(Ordering::SeqCst),
        2,
        "one refetch for the new kid"
    );

    // A kid no set has, moments later: no third fetch, and the signature counts as invalid.
    let mut forged = issued(
        id_token("k1", K1, "app", &base),
        id_token("k9", K1, "api", &base),
    );
    keys::check(&client, &p, &mut forged, now)
        .await
        .expect("checked");
    assert_eq!(forged.access_signature, Some(SignatureState::Invalid));
    assert_eq!(
        hits.load(Ordering::SeqCst),
        2,
        "bounded: no fetch per unknown kid"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_id_token_for_another_client_or_with_a_bad_signature_refuses_the_sign_in() {
    let hits = Arc::new(AtomicUsize::new(0));
    let base = key_server(hits).await;
    let p = profile(&base);
    let client = Client::new().expect("client");
    let now = chrono::Utc::now().timestamp();
    let access = Secret::new("opaque-access-token".into());

    let mut other = issued(id_token("k1", K1, "someone-else", &base), access.clone());
    let e = keys::check(&client, &p, &mut other, now).await.unwrap_err();
    assert!(
        matches!(e, Error::Rejected(ref m) if m.contains("audience")),
        "{e}"
    );

    let mut forged = issued(id_token("k1", K2, "app", &base), access.clone());
    let e = keys::check(&client, &p, &mut forged, now)
        .await
        .unwrap_err();
    assert!(
        matches!(e, Error::Rejected(ref m) if m.contains("signature")),
        "{e}"
    );

    let mut wrong_iss = issued(id_token("k1", K1, "app", "http://127.0.0.1:1"), access);
    assert!(keys::check(&client, &p, &mut wrong_iss, now).await.is_err());
}
