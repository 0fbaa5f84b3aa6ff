//! Provider profiles as a user makes them: endpoints typed in instead of discovered, a name
//! that would shadow a built-in provider, an issuer that is down, and a device sign-in the
//! user declines.

use crate::{
    Tk, assert_error, assert_success, keyring_available,
    oidc::{Oidc, Running, browser, sign_in},
};

#[test]
fn a_profile_with_endpoints_typed_in_signs_in_like_a_discovered_one() {
    if !keyring_available("a_profile_with_endpoints_typed_in_signs_in_like_a_discovered_one") {
        return;
    }
    let oidc = Oidc::start();
    let tk = Tk::fresh();
    let at = |path: &str| format!("{}{path}", oidc.issuer);
    let add = tk.run(&[
        "provider",
        "add",
        "manual",
        "--client-id",
        "tk-public",
        "--authorization-endpoint",
        &at("/auth"),
        "--token-endpoint",
        &at("/token"),
        "--revocation-endpoint",
        &at("/token/revocation"),
        "--scope",
        "openid",
        "--scope",
        "offline_access",
        "--json",
    ]);
    assert_success(&add, "provider add (endpoints by hand)");
    let listed = tk.run(&["provider", "list", "--json"]);
    let profile = &crate::json(&listed)[0];
    assert!(profile["issuer"].is_null());
    assert_eq!(
        profile["flows"],
        serde_json::json!(["code"]),
        "no device endpoint, no secret"
    );
    assert_eq!(oidc.counts()["discovery"], 0, "nothing was discovered");
    let (address, _) = sign_in(&tk, "manual", "carol", &[]);
    assert_eq!(address, "manual/carol");
    assert_success(&tk.run(&["revoke", &address, "--yes"]), "revoke");
}

#[test]
fn profile_mistakes_are_refused_with_what_to_do() {
    let tk = Tk::fresh();
    let shadow = tk.run(&[
        "provider",
        "add",
        "github",
        "--issuer",
        "http://127.0.0.1:9",
        "--client-id",
        "x",
    ]);
    let line = assert_error(&shadow, "provider add github");
    assert!(line.contains("github-oauth"), "{line}");
    let mut oidc = Oidc::start();
    let issuer = oidc.issuer.clone();
    oidc.stop();
    let down = tk.run(&[
        "provider",
        "add",
        "corp",
        "--issuer",
        &issuer,
        "--client-id",
        "x",
    ]);
    let line = assert_error(&down, "provider add (issuer down)");
    assert!(
        line.contains("Discovery") && line.contains("could not connect"),
        "{line}"
    );
    let plain = tk.run(&[
        "provider",
        "add",
        "corp",
        "--issuer",
        "http://id.example.com",
        "--client-id",
        "x",
    ]);
    let line = assert_error(&plain, "provider add (plain http)");
    assert!(line.contains("http"), "{line}");
    let none = tk.run(&["login", "nobody"]);
    assert!(assert_error(&none, "login nobody").contains("provider add nobody"));
}

#[test]
fn a_declined_device_sign_in_ends_with_access_denied_and_stores_nothing() {
    if !keyring_available("a_declined_device_sign_in_ends_with_access_denied_and_stores_nothing") {
        return;
    }
    let oidc = Oidc::start();
    let tk = Tk::fresh();
    crate::oidc::add_public(&tk, &oidc, "corp", &[]);
    let mut run = Running::start(&tk, &["login", "corp", "--flow", "device"]);
    let uri = run.field("verification_uri");
    let code = run.field("user_code");
    assert_eq!(browser(&["device", &uri, &code, "--deny"])["denied"], true);
    let out = run.finish();
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stderr.contains("access_denied"), "{}", out.stderr);
    assert!(tk.list().is_empty());
    assert!(tk.keyring_items().is_empty());
}

#[test]
fn slow_down_adds_five_seconds_to_the_device_polling_and_expired_token_ends_it() {
    if !keyring_available(
        "slow_down_adds_five_seconds_to_the_device_polling_and_expired_token_ends_it",
    ) {
        return;
    }
    let oidc = Oidc::start();
    let tk = Tk::fresh();
    crate::oidc::add_public(&tk, &oidc, "corp", &[]);
    // The first poll is told to slow down; the device is approved meanwhile.
    oidc.fault("/token", "slow_down", 0, 1);
    let mut run = Running::start(&tk, &["login", "corp", "--flow", "device", "--name", "tv"]);
    let uri = run.field("verification_uri");
    let code = run.field("user_code");
    browser(&["device", &uri, &code]);
    assert_success(&run.finish(), "login --flow device after slow_down");
    let times = oidc.token_times();
    assert!(times.len() >= 2, "{times:?}");
    let gap = times[1] - times[0];
    assert!(
        gap >= 9_500,
        "5 s (the default interval) + 5 s after slow_down; was {gap} ms"
    );

    oidc.fault("/token", "expired_token", 0, 1);
    let mut run = Running::start(
        &tk,
        &["login", "corp", "--flow", "device", "--name", "late"],
    );
    let _ = run.field("user_code");
    let out = run.finish();
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stderr.contains("expired_token"), "{}", out.stderr);
}
