//! OAuth 2.0 / OpenID Connect end to end against a real provider (npm's `oidc-provider` on
//! 127.0.0.1, see `oidc/`), on the real keyring: the code flow with PKCE through the loopback
//! listener, the device flow, client credentials, refresh with rotation (single-flight across
//! processes), revocation and introspection, and the callbacks a sign-in must refuse.

use serde_json::Value;

use crate::{
    Tk, assert_success, json, keyring_available,
    oidc::{CONFIDENTIAL_SECRET, Oidc, Running, add_public, browser, get_url, sign_in},
};

fn show(tk: &Tk, address: &str) -> Value {
    let out = tk.run(&["show", address, "--json"]);
    assert_success(&out, "show --json");
    json(&out)
}

fn secret(tk: &Tk, address: &str) -> String {
    let out = tk.run(&["get", address]);
    assert_success(&out, "get");
    out.stdout_text().trim().to_owned()
}

fn query(url: &str, key: &str) -> Option<String> {
    url.split_once('?')?.1.split('&').find_map(|kv| {
        let (k, v) = kv.split_once('=')?;
        (k == key).then(|| v.to_owned())
    })
}

#[test]
fn the_code_flow_with_pkce_stores_the_tokens_in_the_keyring_and_shows_their_claims() {
    if !keyring_available(
        "the_code_flow_with_pkce_stores_the_tokens_in_the_keyring_and_shows_their_claims",
    ) {
        return;
    }
    let oidc = Oidc::start();
    let tk = Tk::fresh();
    // With the API as resource, the access token is a JWT whose claims `show` can decode.
    add_public(&tk, &oidc, "corp", &["--resource", "urn:tokenkeeper:api"]);
    let (address, run) = sign_in(&tk, "corp", "alice", &[]);
    assert_eq!(address, "corp/alice", "named after the ID token's subject");

    let url = run["url"].as_str().unwrap();
    assert_eq!(query(url, "code_challenge_method").as_deref(), Some("S256"));
    assert!(query(url, "state").is_some_and(|s| s.len() >= 16));
    assert_eq!(
        query(url, "prompt").as_deref(),
        Some("consent"),
        "offline_access needs consent"
    );
    assert!(
        query(url, "redirect_uri")
            .unwrap()
            .starts_with("http%3A%2F%2F127.0.0.1%3A")
    );
    let page = &run["browser"];
    assert_eq!(page["status"], 200);
    assert_eq!(page["headers"]["referrer-policy"], "no-referrer");
    let code = query(page["callback"].as_str().unwrap(), "code").unwrap();
    assert!(
        !page["body"].as_str().unwrap().contains(&code),
        "the page shows no code"
    );

    let shown = show(&tk, &address);
    assert_eq!(shown["claims"]["aud"], "urn:tokenkeeper:api", "{shown}");
    assert_eq!(shown["claims"]["sub"], "alice");
    assert_eq!(shown["grant"]["id_claims"]["sub"], "alice");
    assert_eq!(
        shown["grant"]["id_verified"], true,
        "checked against the issuer's JWKS"
    );
    assert_eq!(shown["grant"]["access_signature"], "valid");
    assert_eq!(shown["grant"]["state"], "ok");
    assert!(
        shown["grant"]["refresh_expires_at"].is_string(),
        "the refresh token's clock"
    );
    assert_eq!(shown["token"]["expiry_source"], "expires_in");
    assert_eq!(
        tk.keyring_items().len(),
        2,
        "the access and the refresh token, nothing else"
    );

    // The listener closed after the one callback: a replay finds nobody, and no second code
    // exchange was made.
    assert!(get_url(page["callback"].as_str().unwrap()).is_err());
    assert_eq!(oidc.token_requests("authorization_code"), 1);
}

#[test]
fn a_refresh_rotates_the_refresh_token_and_the_server_rejects_the_old_one() {
    if !keyring_available("a_refresh_rotates_the_refresh_token_and_the_server_rejects_the_old_one")
    {
        return;
    }
    let oidc = Oidc::start();
    let tk = Tk::fresh();
    add_public(&tk, &oidc, "corp", &[]);
    let (address, _) = sign_in(&tk, "corp", "alice", &[]);
    let id = show(&tk, &address)["token"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let old_refresh = secret(&tk, "corp/alice (refresh)");
    let old_access = secret(&tk, &address);

    let out = tk.run(&["refresh", &address]);
    assert_success(&out, "refresh");
    assert_eq!(oidc.token_requests("refresh_token"), 1);
    let new_refresh = secret(&tk, "corp/alice (refresh)");
    assert_ne!(new_refresh, old_refresh, "rotated");
    assert_ne!(secret(&tk, &address), old_access);

    // The old one is dead at the server; using it (as a thief would) ends the whole grant.
    let (status, answer) = oidc.refresh_by_hand("tk-public", &old_refresh);
    assert_eq!(
        (status, answer["error"].as_str()),
        (400, Some("invalid_grant"))
    );

    // So the app's next refresh is refused too: "sign in again", with no retry loop.
    let out = tk.run(&["refresh", &address]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stderr.contains("sign in again"), "{}", out.stderr);
    assert_eq!(show(&tk, &address)["grant"]["state"], "sign_in_again");
    let before = oidc.token_requests("refresh_token");
    let again = tk.run(&["refresh", &address]);
    assert!(!again.status.success());
    assert_eq!(
        oidc.token_requests("refresh_token"),
        before,
        "no request for an ended grant"
    );

    // Signing in again under the same name mends the same token in place.
    let (again, _) = sign_in(&tk, "corp", "alice", &["--name", "alice"]);
    assert_eq!(again, address);
    let mended = show(&tk, &address);
    assert_eq!(mended["token"]["id"], id.as_str());
    assert_eq!(mended["grant"]["state"], "ok");
    assert_success(
        &tk.run(&["refresh", &address]),
        "refresh after signing in again",
    );
}

#[test]
fn twenty_refreshes_at_once_from_separate_processes_make_one_token_request() {
    if !keyring_available("twenty_refreshes_at_once_from_separate_processes_make_one_token_request")
    {
        return;
    }
    let oidc = Oidc::start();
    let tk = Tk::fresh();
    add_public(&tk, &oidc, "corp", &[]);
    let (address, _) = sign_in(&tk, "corp", "alice", &[]);
    let runs: Vec<Running> = (0..20)
        .map(|i| {
            // Half address the access token, half its refresh token: the same grant.
            let key = if i % 2 == 0 {
                address.clone()
            } else {
                format!("{address} (refresh)")
            };
            Running::start(&tk, &["refresh", &key])
        })
        .collect();
    for run in runs {
        assert_success(&run.finish(), "refresh");
    }
    assert_eq!(
        oidc.token_requests("refresh_token"),
        1,
        "one request for twenty callers (with rotation a second would revoke the grant)"
    );
    let (status, _) = oidc.refresh_by_hand("tk-public", &secret(&tk, "corp/alice (refresh)"));
    assert_eq!(
        status, 200,
        "the refresh token the vault holds is the live one"
    );
}

#[test]
fn the_device_flow_shows_a_code_and_stores_the_tokens_once_approved() {
    if !keyring_available("the_device_flow_shows_a_code_and_stores_the_tokens_once_approved") {
        return;
    }
    let oidc = Oidc::start();
    let tk = Tk::fresh();
    add_public(&tk, &oidc, "corp", &[]);
    let mut run = Running::start(
        &tk,
        &["login", "corp", "--flow", "device", "--name", "laptop"],
    );
    let uri = run.field("verification_uri");
    let code = run.field("user_code");
    assert!(uri.starts_with(&oidc.issuer), "{uri}");
    // The CLI is polling (authorization_pending) while the user approves elsewhere.
    std::thread::sleep(std::time::Duration::from_millis(500));
    assert_eq!(
        browser(&["device", &uri, &code, "--login", "bob"])["ok"],
        true
    );
    let out = run.finish();
    assert_success(&out, "login --flow device");
    assert_eq!(out.stdout_text().lines().last(), Some("corp/laptop"));
    assert!(oidc.token_requests("urn:ietf:params:oauth:grant-type:device_code") >= 1);
    let shown = show(&tk, "corp/laptop");
    assert_eq!(shown["grant"]["flow"], "device");
    assert!(shown["grant"]["refresh_id"].is_string());
}

#[test]
fn client_credentials_use_the_confidential_client_and_renew_by_asking_again() {
    if !keyring_available(
        "client_credentials_use_the_confidential_client_and_renew_by_asking_again",
    ) {
        return;
    }
    let oidc = Oidc::start();
    let tk = Tk::fresh();
    let add = tk.run_stdin(
        &[
            "provider",
            "add",
            "svc",
            "--issuer",
            &oidc.issuer,
            "--client-id",
            "tk-confidential",
            "--client-secret-stdin",
            "--scope",
            "api:read",
        ],
        &format!("{CONFIDENTIAL_SECRET}\n"),
    );
    assert_success(&add, "provider add --client-secret-stdin");
    let out = tk.run(&[
        "login",
        "svc",
        "--flow",
        "client-credentials",
        "--name",
        "ci",
    ]);
    assert_success(&out, "login --flow client-credentials");
    assert_eq!(out.stdout_text().trim(), "svc/ci");
    let shown = show(&tk, "svc/ci");
    assert_eq!(shown["claims"]["aud"], "urn:tokenkeeper:api");
    assert_eq!(shown["claims"]["client_id"], "tk-confidential");
    assert_eq!(shown["grant"]["access_signature"], "valid");
    assert!(shown["grant"]["refresh_id"].is_null());
    // The client secret is in the keyring (beside the token), never in the database.
    assert_eq!(tk.keyring_items().len(), 2);
    assert_success(
        &tk.run(&["refresh", "svc/ci"]),
        "refresh a client-credentials token",
    );
    assert_eq!(oidc.token_requests("client_credentials"), 2);
}

#[test]
fn revoking_a_sign_in_ends_it_at_the_server_and_introspection_then_says_inactive() {
    if !keyring_available(
        "revoking_a_sign_in_ends_it_at_the_server_and_introspection_then_says_inactive",
    ) {
        return;
    }
    let oidc = Oidc::start();
    let tk = Tk::fresh();
    add_public(&tk, &oidc, "corp", &[]);
    let (address, _) = sign_in(&tk, "corp", "alice", &[]);
    let intro = tk.run(&["introspect", &address, "--json"]);
    assert_success(&intro, "introspect");
    assert_eq!(json(&intro)["active"], true);
    assert_eq!(json(&intro)["sub"], "alice");
    let refresh = secret(&tk, "corp/alice (refresh)");
    let access = secret(&tk, &address);

    let out = tk.run(&["revoke", &address, "--yes"]);
    assert_success(&out, "revoke");
    assert!(oidc.counts()["revocation"].as_i64() >= Some(1));
    for token in [&refresh, &access] {
        assert_eq!(
            oidc.introspect(token),
            serde_json::json!({ "active": false })
        );
    }
    let listed = tk.list();
    assert!(
        listed.iter().all(|t| t["status"] == "revoked"),
        "{listed:?}"
    );
    assert!(tk.keyring_items().is_empty(), "both secrets deleted");
}

#[test]
fn a_tampered_state_or_a_wrong_issuer_is_refused_without_a_token_request() {
    if !keyring_available("a_tampered_state_or_a_wrong_issuer_is_refused_without_a_token_request") {
        return;
    }
    let oidc = Oidc::start();
    let tk = Tk::fresh();
    add_public(&tk, &oidc, "corp", &[]);

    let mut run = Running::start(&tk, &["login", "corp", "--no-browser"]);
    let url = run.line();
    let callback = browser(&["code", &url, "--no-callback"])["callback"]
        .as_str()
        .unwrap()
        .to_owned();
    let state = query(&callback, "state").unwrap();
    let (status, _) = get_url(&callback.replace(&state, "forged-state-0123456789")).unwrap();
    assert_eq!(status, 400);
    let out = run.finish();
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stderr.contains("state"), "{}", out.stderr);

    oidc.mixup("http://127.0.0.1:1/evil");
    let mut run = Running::start(&tk, &["login", "corp", "--no-browser"]);
    let url = run.line();
    let page = browser(&["code", &url]);
    assert_eq!(page["status"], 400);
    let out = run.finish();
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stderr.contains("issuer"), "{}", out.stderr);

    assert_eq!(oidc.token_requests("authorization_code"), 0);
    assert!(tk.list().is_empty());
}
