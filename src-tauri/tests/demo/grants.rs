//! The demo vault's OAuth sign-ins: a profile, one sign-in that is well and one whose refresh
//! the server refused, as the vault stores them.

use serde_json::json;
use tokenkeeper_core::Secret;
use tokenkeeper_vault::Vault;

use super::{D, H, NOW, filler, jwt};

/// A provider profile and two sign-ins from it: one well (access and refresh clocks), one
/// whose refresh the server refused (`invalid_grant`: sign in again).
pub fn demo_grants(vault: &Vault, ids: &mut Vec<(String, String)>) {
    use tokenkeeper_core::oauth::{Endpoints, Failure, Flow, Issued, Profile};
    let base = "https://id.example.com";
    let profile = Profile {
        name: "corp-sso".into(),
        issuer: Some(base.into()),
        endpoints: Endpoints {
            authorization: Some(format!("{base}/authorize")),
            token: format!("{base}/oauth/token"),
            device_authorization: Some(format!("{base}/oauth/device/code")),
            revocation: Some(format!("{base}/oauth/revoke")),
            introspection: Some(format!("{base}/oauth/introspect")),
            jwks_uri: Some(format!("{base}/.well-known/jwks.json")),
        },
        client_id: "tokenkeeper-desktop".into(),
        has_client_secret: false,
        iss_required: true,
        scopes: ["openid", "offline_access", "profile"]
            .map(String::from)
            .to_vec(),
        audience: None,
        resource: None,
        refresh_lifetime_secs: Some(30 * D),
        flows: vec![],
    };
    let profile = vault
        .save_profile(&profile, None, NOW - 40 * D)
        .expect("profile");
    let signed_in = NOW - 20 * 60;
    let id_token = jwt(json!({
        "iss": base, "sub": "auth0|alice", "aud": "tokenkeeper-desktop",
        "email": "alice@example.com", "name": "Alice Example",
        "iat": signed_in, "exp": signed_in + H,
    }));
    for (name, flow, access, refresh) in [
        ("alice", Flow::Code, filler(43, 901), filler(48, 902)),
        ("build-bot", Flow::Device, filler(43, 903), filler(48, 904)),
    ] {
        let issued = Issued {
            access: Secret::new(access.clone()),
            refresh: Some(Secret::new(refresh.clone())),
            id_token: (flow == Flow::Code).then(|| Secret::new(id_token.clone())),
            expires_in: Some(H),
            refresh_expires_in: None,
            scopes: None,
            id_verified: false,
            access_signature: None,
        };
        let meta = vault
            .store_grant(&profile, flow, Some(name), &issued, signed_in)
            .expect("store a demo sign-in");
        let grant = vault.grant(&meta.id, NOW).expect("grant").expect("grant");
        if name == "build-bot" {
            vault
                .refresh_failed(
                    &meta.id,
                    Failure::SignInAgain,
                    "Refreshing: the server answered invalid_grant (grant request is invalid)",
                    None,
                    0.5,
                    NOW - 5 * 60,
                )
                .expect("fail the refresh");
        }
        ids.push((meta.id, access));
        ids.push((grant.refresh_id.expect("a refresh token"), refresh));
    }
}
