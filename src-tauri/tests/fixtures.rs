//! The fake host's data, made by the core and the vault themselves so the UI's tests and
//! browser build cannot drift from the app: the provider catalog, a demo vault listed and
//! detailed as of a fixed instant, the inspection of every sample a test pastes, and a scan
//! of a fake home for "Find tokens on this machine".

use std::{collections::BTreeMap, sync::Arc};

use base64::{Engine as _, engine::general_purpose::URL_SAFE_NO_PAD};
use serde_json::{Value, json};
use tokenkeeper_core::{
    Secret, inspect,
    model::{EventKind, NewTokenMeta, TokenKind},
    providers,
};
use tokenkeeper_vault::{Vault, db, keyring::MemoryStore};

// Not `tests/words.rs`: Cargo would build that as a test target of its own.
#[path = "demo/grants.rs"]
mod demo_grants;
#[path = "demo/scan.rs"]
mod demo_scan;
#[path = "words/mod.rs"]
mod words;

/// The fixtures' "now": 2026-06-01T12:00:00Z.
pub const NOW: i64 = 1_780_315_200;
const H: i64 = 3_600;
const D: i64 = 24 * H;

fn b64(text: &str) -> String {
    URL_SAFE_NO_PAD.encode(text)
}

/// A JWT with the given claims and a signature nobody can check.
pub fn jwt(claims: Value) -> String {
    let header = json!({"alg": "RS256", "typ": "JWT", "kid": "demo-key-1"});
    format!(
        "{}.{}.{}",
        b64(&header.to_string()),
        b64(&claims.to_string()),
        b64("not-a-real-signature-0123456789abcdef")
    )
}

/// `n` characters from a fixed pseudo-random sequence (the same on every run).
pub fn filler(n: usize, seed: u64) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut x = seed * 7919 + 17;
    (0..n)
        .map(|_| {
            x = (x * 1_103_515_245 + 12_345) % 2_147_483_648;
            char::from(ALPHABET[(x % ALPHABET.len() as u64) as usize])
        })
        .collect()
}

struct Spec {
    provider: &'static str,
    name: &'static str,
    secret: String,
    kind: Option<TokenKind>,
    /// Seconds from NOW; `Some(None)` never expires; `None`: whatever the token says.
    expires_in: Option<Option<i64>>,
    created_ago: i64,
    revoked_ago: Option<i64>,
    copied_ago: Option<i64>,
    scopes: Option<Vec<&'static str>>,
    tags: Vec<&'static str>,
    notes: &'static str,
}

fn spec(provider: &'static str, name: &'static str, secret: String, created_ago: i64) -> Spec {
    Spec {
        provider,
        name,
        secret,
        kind: None,
        expires_in: None,
        created_ago,
        revoked_ago: None,
        copied_ago: None,
        scopes: None,
        tags: Vec::new(),
        notes: "",
    }
}

/// One token of every status, across providers.
fn demo_specs() -> Vec<Spec> {
    let s = NOW;
    vec![
        Spec {
            expires_in: Some(Some(3 * H + 12 * 60)),
            scopes: Some(vec!["api", "write_repository"]),
            tags: vec!["ci"],
            notes: "Used by the release pipeline.",
            ..spec(
                "gitlab",
                "release-bot",
                format!("glpat-{}", filler(20, 1)),
                29 * D,
            )
        },
        Spec {
            tags: vec!["staging"],
            ..spec(
                "auth0",
                "api-staging",
                jwt(
                    json!({"iss": "https://acme-staging.eu.auth0.com/", "sub": "deploy-bot@clients",
                    "aud": "https://api.acme.dev", "iat": s - 20 * H, "exp": s + 4 * H + 1800,
                    "azp": "k3N1bHc2", "scope": "read:orders write:orders",
                    "gty": "client-credentials"}),
                ),
                20 * H,
            )
        },
        Spec {
            kind: Some(TokenKind::Access),
            ..spec(
                "entra",
                "graph-reader",
                jwt(
                    json!({"iss": "https://login.microsoftonline.com/4f1c0f7e/v2.0",
                    "sub": "AAAAAAAAAAAAAAAAAAAAAIkzqFVrSaSaFHy782bbtaQ",
                    "aud": "00000003-0000-0000-c000-000000000000", "iat": s - 3 * H,
                    "nbf": s - 3 * H, "exp": s - 2 * H, "preferred_username": "ops@acme.dev",
                    "scp": "User.Read Mail.Read", "tid": "4f1c0f7e"}),
                ),
                D,
            )
        },
        Spec {
            kind: Some(TokenKind::Personal),
            expires_in: Some(Some(5 * D + 3 * H)),
            scopes: Some(vec!["repo", "workflow"]),
            tags: vec!["ci", "deploy"],
            copied_ago: Some(20 * H),
            ..spec(
                "github",
                "ci-deploy",
                format!("ghp_{}", filler(36, 2)),
                25 * D,
            )
        },
        Spec {
            expires_in: Some(Some(25 * D)),
            scopes: Some(vec!["publish"]),
            tags: vec!["release"],
            ..spec("npm", "publish", format!("npm_{}", filler(36, 3)), 5 * D)
        },
        Spec {
            kind: Some(TokenKind::Id),
            ..spec(
                "google",
                "workspace-id-token",
                jwt(
                    json!({"iss": "https://accounts.google.com", "sub": "110248495921238986420",
                    "aud": "1234.apps.googleusercontent.com", "email": "ops@acme.dev",
                    "email_verified": true, "iat": s, "nbf": s + 2 * H, "exp": s + 3 * H,
                    "nonce": "n-0S6_WzA2Mj", "auth_time": s - 600}),
                ),
                2 * H,
            )
        },
        Spec {
            kind: Some(TokenKind::SystemUser),
            expires_in: Some(Some(40 * D)),
            scopes: Some(vec!["ads_read", "business_management"]),
            ..spec(
                "meta",
                "ads-system-user",
                format!("EAA{}", filler(120, 4)),
                20 * D,
            )
        },
        Spec {
            expires_in: Some(Some(80 * D)),
            scopes: Some(vec!["contents:read"]),
            ..spec(
                "github",
                "docs-readonly",
                format!("github_pat_{}", filler(82, 5)),
                10 * D,
            )
        },
        Spec {
            expires_in: Some(None),
            ..spec(
                "openai",
                "embeddings",
                format!("sk-proj-{}", filler(48, 6)),
                60 * D,
            )
        },
        Spec {
            expires_in: Some(None),
            tags: vec!["prod"],
            notes: "Restricted to charges; rotate with the finance team.",
            ..spec(
                "stripe",
                "payments-live",
                format!("sk_live_{}", filler(24, 7)),
                200 * D,
            )
        },
        Spec {
            kind: Some(TokenKind::Access),
            expires_in: Some(Some(-72 * H)),
            ..spec(
                "spotify",
                "playlist-sync",
                format!("BQ{}", filler(150, 8)),
                4 * D,
            )
        },
        Spec {
            expires_in: Some(None),
            revoked_ago: Some(3 * D),
            scopes: Some(vec!["chat:write"]),
            ..spec(
                "slack",
                "alerts-bot",
                format!("xoxb-{}", filler(50, 9)),
                90 * D,
            )
        },
    ]
}

/// Inputs the UI's tests paste, beside the demo secrets: each kind of answer once.
fn paste_samples() -> Vec<String> {
    let s = NOW;
    vec![
        format!("ghp_{}", filler(36, 20)),
        format!("Bearer ghp_{}", filler(36, 21)),
        format!("glpat-{}", filler(20, 22)),
        format!("npm_{}", filler(36, 23)),
        format!("xoxb-{}", filler(50, 24)),
        format!("sk_live_{}", filler(24, 25)),
        jwt(json!({"iss": "https://acme.eu.auth0.com/", "sub": "user@acme.dev",
            "email": "user@acme.dev", "iat": s - H, "exp": s + 23 * H, "scope": "read:a write:b"})),
        jwt(json!({"sub": "expired-bot", "iat": s - 2 * D, "exp": s - D})),
        jwt(json!({"sub": "later", "iat": s, "nbf": s + D, "exp": s + 2 * D})),
        "eyJhbGciOiJub25lIn0.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.".into(),
        "eyJhbGciOiJBMTI4S1ciLCJlbmMiOiJBMTI4Q0JDLUhTMjU2In0.6KB707dM9YTIgHtLvtgWQ8mKwboJW3of9locizkDTHzBC2IlrT1oOQ.AxY8DCtDaGlsbGljb3RoZQ.KDlTtXchhZTGufMYmOYGS4HffxPSUrfmqCHXaI9wOGY.U0m_YmjN04DJvceFICbCVQ".into(),
        "eyJhbGciOi.broken".into(),
        "   ".into(),
        "plain-opaque-token-0123456789".into(),
    ]
}

fn demo_vault(dir: &std::path::Path) -> (Vault, Vec<(String, String)>) {
    let vault = Vault::open_metadata(dir, Arc::new(MemoryStore::default())).expect("vault");
    let mut ids = Vec::new();
    for spec in demo_specs() {
        let created = NOW - spec.created_ago;
        let meta = NewTokenMeta {
            provider: Some(spec.provider.into()),
            name: spec.name.into(),
            kind: spec.kind,
            scopes: spec
                .scopes
                .map(|v| v.into_iter().map(str::to_owned).collect()),
            expires_at: spec.expires_in.map(|e| {
                e.and_then(|secs| tokenkeeper_core::clock::rfc3339(NOW + secs))
                    .unwrap_or_default()
            }),
            notes: Some(spec.notes.into()),
            tags: Some(spec.tags.iter().map(|t| (*t).to_owned()).collect()),
            ..NewTokenMeta::default()
        };
        let secret = Secret::new(spec.secret.clone());
        let stored = vault.add(&secret, meta, created).expect("add a demo token");
        if let Some(ago) = spec.copied_ago {
            vault
                .record(&stored.id, EventKind::Copied, "", NOW - ago)
                .expect("copied");
        }
        if let Some(ago) = spec.revoked_ago {
            let conn = db::open(vault.db_path()).expect("db");
            let mut row = vault.resolve(&stored.id).expect("row");
            row.revoked_at = Some(NOW - ago);
            db::tokens::update(&conn, &row).expect("revoke");
            vault
                .record(
                    &stored.id,
                    EventKind::Revoked,
                    "revoked at Slack",
                    NOW - ago,
                )
                .expect("revoked");
        }
        ids.push((stored.id, spec.secret));
    }
    demo_grants::demo_grants(&vault, &mut ids);
    (vault, ids)
}

/// Every fixture file, by name, as the core computes it now.
pub fn generate() -> BTreeMap<&'static str, String> {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::Builder::new()
        .permissions(std::fs::Permissions::from_mode(0o700))
        .tempdir()
        .expect("a private temporary folder");
    let (vault, ids) = demo_vault(dir.path());
    let tokens: Vec<Value> = ids
        .iter()
        .map(|(id, secret)| {
            let detail = vault.detail(id, NOW).expect("detail");
            json!({ "secret": secret, "detail": detail })
        })
        .collect();
    let mut inspections = BTreeMap::new();
    for input in ids
        .iter()
        .map(|(_, s)| s.clone())
        .chain(paste_samples())
        .chain(demo_scan::secrets())
    {
        let answer = match inspect::decode(&input, NOW) {
            Ok(i) => {
                json!({ "ok": i.inspection, "masked": Secret::new(inspect::normalize(&input).to_owned()).masked(i.prefix) })
            }
            Err(e) => json!({ "error": e.info() }),
        };
        inspections.insert(input, answer);
    }
    // Last: the import stores tokens in the demo vault.
    let scan = demo_scan::fixture(&vault);
    // The vault made random token ids; fixtures must be the same on every run.
    let pretty = |v: Value| {
        let mut text = serde_json::to_string_pretty(&v).expect("json") + "\n";
        for (i, (id, _)) in ids.iter().enumerate() {
            text = text.replace(id, &format!("00000000-0000-4000-8000-{i:012}"));
        }
        text
    };
    BTreeMap::from([
        ("catalog.json", pretty(json!(providers::catalog()))),
        ("demo.json", pretty(json!({ "now": NOW, "tokens": tokens }))),
        (
            "profiles.json",
            pretty(json!(vault.profiles().expect("profiles"))),
        ),
        (
            "inspections.json",
            pretty(json!({ "now": NOW, "samples": inspections })),
        ),
        ("countdowns.json", pretty(words::countdowns(NOW))),
        ("leads.json", pretty(words::leads())),
        ("rules.json", pretty(rules())),
        ("scan.json", pretty(scan)),
    ])
}

/// The core's rules the fake host applies itself, as the core words them.
fn rules() -> Value {
    use tokenkeeper_core::credential::check_backup_passphrase;
    let short = check_backup_passphrase(&Secret::new("x".into()))
        .expect_err("one character is too short")
        .to_string();
    json!({
        "backup_passphrase_min_chars": tokenkeeper_core::credential::MIN_BACKUP_PASSPHRASE_CHARS,
        "short_backup_passphrase": short,
    })
}
