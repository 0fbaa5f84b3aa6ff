//! `cargo bench -p tokenkeeper-core --bench inspect`: what the app and CLI do most often with a
//! token in hand. Targets: decoding a typical ~1 KB RS256 access token in under 5 µs; status
//! for a 10,000-token list well inside one countdown tick.

use std::hint::black_box;

use base64::{Engine as _, engine::general_purpose::URL_SAFE_NO_PAD};
use criterion::{Criterion, criterion_group, criterion_main};
use serde_json::json;
use tokenkeeper_core::{
    inspect::decode,
    status::{Lifetime, status_at},
};

const NOW: i64 = 1_767_225_600;

/// An access token shaped like an OIDC provider's: RS256 header with kid, a dozen claims, and
/// a 2048-bit signature (random bytes: decode does not verify).
fn rs256_access_token() -> String {
    let b64 = |s: &[u8]| URL_SAFE_NO_PAD.encode(s);
    let header = json!({"alg": "RS256", "typ": "at+jwt", "kid": "2024-06-rsa-signing-key-01"});
    let claims = json!({
        "iss": "https://login.example-identity-provider.com/tenant-7f3a9c/v2.0",
        "sub": "a1b2c3d4-e5f6-4789-abcd-ef0123456789",
        "aud": ["https://api.example.com", "https://graph.example.com"],
        "exp": NOW + 3600,
        "iat": NOW - 60,
        "nbf": NOW - 60,
        "jti": "9f8e7d6c-5b4a-4321-8765-43210fedcba9",
        "client_id": "tokenkeeper-desktop-client",
        "scope": "openid profile email offline_access api.read api.write",
        "email": "developer@example.com",
        "preferred_username": "developer",
        "roles": ["reader", "writer", "deployer"],
        "tid": "7f3a9c00-1111-2222-3333-444455556666",
    });
    let signature: Vec<u8> = (0..256u32).map(|i| (i * 7 + 13) as u8).collect();
    format!(
        "{}.{}.{}",
        b64(header.to_string().as_bytes()),
        b64(claims.to_string().as_bytes()),
        b64(&signature)
    )
}

fn benches(c: &mut Criterion) {
    let jwt = rs256_access_token();
    assert!(
        (900..1300).contains(&jwt.len()),
        "not a ~1 KB token: {} bytes",
        jwt.len()
    );
    decode(&jwt, NOW).expect("the benchmark token decodes");
    c.bench_function(&format!("decode RS256 JWT ({} bytes)", jwt.len()), |b| {
        b.iter(|| decode(black_box(&jwt), black_box(NOW)))
    });

    let pat = "ghp_R2l0SHViUGVyc29uYWxBY2Nlc3NUb2tlbjAx";
    c.bench_function("decode GitHub PAT", |b| {
        b.iter(|| decode(black_box(pat), NOW))
    });

    let lifetimes: Vec<Lifetime> = (0..10_000i64)
        .map(|i| Lifetime {
            issued_at: Some(NOW - 86_400 * (i % 30)),
            not_before: (i % 7 == 0).then_some(NOW + i),
            expires_at: (i % 10 != 0).then_some(NOW + (i * 3_153) % 31_536_000 - 86_400),
            revoked: i % 97 == 0,
        })
        .collect();
    c.bench_function("status_at over 10,000 tokens", |b| {
        b.iter(|| {
            lifetimes
                .iter()
                .map(|l| status_at(*l, black_box(NOW)) as u8 as u64)
                .sum::<u64>()
        })
    });
}

criterion_group!(inspect, benches);
criterion_main!(inspect);
