//! OAuth when the server misbehaves: a 503 with `Retry-After`, a request that never gets an
//! answer, a provider that is gone. Each time the tokens are kept, the state says what
//! happened and when the next try is, and no retry loop runs behind the user's back.

use serde_json::Value;

use crate::{
    Tk, assert_success, json, keyring_available,
    oidc::{Oidc, add_public, sign_in},
};

fn show(tk: &Tk, address: &str) -> Value {
    let out = tk.run(&["show", address, "--json"]);
    assert_success(&out, "show --json");
    json(&out)
}

fn secrets(tk: &Tk, address: &str) -> (String, String) {
    let get = |a: &str| {
        let out = tk.run(&["get", a]);
        assert_success(&out, "get");
        out.stdout_text().trim().to_owned()
    };
    (get(address), get(&format!("{address} (refresh)")))
}

fn signed_in(oidc: &Oidc) -> (Tk, String) {
    let tk = Tk::fresh();
    add_public(&tk, oidc, "corp", &[]);
    let (address, _) = sign_in(&tk, "corp", "alice", &[]);
    (tk, address)
}

fn secs(t: &Value) -> i64 {
    chrono::DateTime::parse_from_rfc3339(t.as_str().expect("a time"))
        .expect("RFC 3339")
        .timestamp()
}

#[test]
fn a_503_with_retry_after_keeps_the_tokens_and_schedules_the_retry_it_asks_for() {
    if !keyring_available(
        "a_503_with_retry_after_keeps_the_tokens_and_schedules_the_retry_it_asks_for",
    ) {
        return;
    }
    let oidc = Oidc::start();
    let (tk, address) = signed_in(&oidc);
    let before = secrets(&tk, &address);
    oidc.fault("/token", "503", 120, 1);
    let asked = chrono::Utc::now().timestamp();
    let out = tk.run(&["refresh", &address]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        out.stderr.contains("503") && out.stderr.contains("kept"),
        "{}",
        out.stderr
    );
    let grant = &show(&tk, &address)["grant"];
    assert_eq!(grant["state"], "retrying");
    assert!(
        secs(&grant["retry_at"]) >= asked + 120,
        "Retry-After is honoured: {grant}"
    );
    assert_eq!(secrets(&tk, &address), before, "nothing was replaced");
    assert_eq!(
        oidc.counts()["faults_served_total"],
        1,
        "exactly one request, no loop"
    );
    // The user's own retry goes through once the server is back, and mends the state.
    assert_success(&tk.run(&["refresh", &address]), "refresh after the outage");
    assert_eq!(show(&tk, &address)["grant"]["state"], "ok");
}

#[test]
fn a_request_that_gets_no_answer_gives_up_within_the_timeout_and_keeps_the_tokens() {
    if !keyring_available(
        "a_request_that_gets_no_answer_gives_up_within_the_timeout_and_keeps_the_tokens",
    ) {
        return;
    }
    let oidc = Oidc::start();
    let (tk, address) = signed_in(&oidc);
    let before = secrets(&tk, &address);
    oidc.fault("/token", "timeout", 0, 1);
    let started = std::time::Instant::now();
    let out = tk.run(&["refresh", &address]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stderr.contains("no answer within"), "{}", out.stderr);
    assert!(
        started.elapsed() < std::time::Duration::from_secs(25),
        "bounded"
    );
    assert_eq!(show(&tk, &address)["grant"]["state"], "retrying");
    assert_eq!(secrets(&tk, &address), before);
    assert_eq!(oidc.token_requests("refresh_token"), 0);
}

#[test]
fn a_provider_that_is_gone_leaves_the_tokens_and_says_it_could_not_connect() {
    if !keyring_available("a_provider_that_is_gone_leaves_the_tokens_and_says_it_could_not_connect")
    {
        return;
    }
    let mut oidc = Oidc::start();
    let (tk, address) = signed_in(&oidc);
    let before = secrets(&tk, &address);
    oidc.stop();
    let out = tk.run(&["refresh", &address]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stderr.contains("could not connect"), "{}", out.stderr);
    let grant = &show(&tk, &address)["grant"];
    assert_eq!(grant["state"], "retrying");
    assert!(grant["retry_at"].is_string());
    assert_eq!(secrets(&tk, &address), before);
}

#[test]
fn a_revocation_the_server_cannot_take_keeps_the_tokens_as_revocation_pending() {
    if !keyring_available(
        "a_revocation_the_server_cannot_take_keeps_the_tokens_as_revocation_pending",
    ) {
        return;
    }
    let oidc = Oidc::start();
    let (tk, address) = signed_in(&oidc);
    let before = secrets(&tk, &address);
    oidc.fault("/token/revocation", "503", 30, 1);
    let out = tk.run(&["revoke", &address, "--yes"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stderr.contains("revocation pending"), "{}", out.stderr);
    let shown = show(&tk, &address);
    assert_eq!(shown["grant"]["state"], "revocation_pending");
    assert!(shown["token"]["revoked_at"].is_null());
    assert_eq!(secrets(&tk, &address), before, "both tokens kept");
    // Tried again, it goes through.
    assert_success(&tk.run(&["revoke", &address, "--yes"]), "revoke again");
    assert!(tk.list().iter().all(|t| t["status"] == "revoked"));
}
