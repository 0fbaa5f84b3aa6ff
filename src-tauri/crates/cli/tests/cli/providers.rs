//! The provider CLI contract scripts rely on: `providers`, `check --json` (its keys and exit
//! code), `revoke` (programmatic, by hand with exit 3, `--mark-revoked`) and `rotate`, against
//! the provider fixtures on 127.0.0.1 through the `TOKENKEEPER_API_BASE_*` overrides, on the
//! real keyring.

#[path = "../../../remote/tests/support/fixture.rs"]
mod fixture;

use fixture::Fixture;
use serde_json::Value;

use crate::{Tk, assert_success, json, keyring_available};

fn world(f: &Fixture) -> Tk {
    let mut tk = Tk::fresh();
    for p in ["GITHUB", "GITLAB", "META", "SLACK", "NPM"] {
        tk = tk.env(&format!("TOKENKEEPER_API_BASE_{p}"), f.base.clone());
    }
    tk
}

fn add(tk: &Tk, provider: &str, name: &str, secret: &str, extra: &[&str]) -> String {
    let mut args = vec!["add", "--name", name, "--provider", provider, "--json"];
    args.extend_from_slice(extra);
    let out = tk.run_stdin(&args, secret);
    assert_success(&out, "add");
    json(&out)["id"].as_str().expect("id").to_owned()
}

fn check(tk: &Tk, id: &str) -> (Option<i32>, Value) {
    let out = tk.run(&["check", id, "--json"]);
    (out.status.code(), json(&out))
}

fn show(tk: &Tk, id: &str) -> Value {
    tk.list()
        .into_iter()
        .find(|t| t["id"] == id)
        .expect("token listed")
}

#[test]
fn providers_lists_the_catalog() {
    let out = Tk::fresh().run(&["providers", "--json"]);
    assert_success(&out, "providers --json");
    let all = json(&out);
    let github = all
        .as_array()
        .and_then(|a| a.iter().find(|p| p["id"] == "github"))
        .expect("github listed");
    assert!(github["guides"].as_array().is_some_and(|g| g.len() >= 3));
    let text = Tk::fresh().run(&["providers"]);
    assert!(
        text.stdout_text().contains("fine_grained_pat"),
        "{}",
        text.stdout_text()
    );
}

#[test]
fn check_json_has_the_documented_keys_and_stores_what_it_learned() {
    if !keyring_available("check_json_has_the_documented_keys_and_stores_what_it_learned") {
        return;
    }
    let f = Fixture::start_default();
    let tk = world(&f);
    let id = add(
        &tk,
        "github",
        "fine",
        &f.token("gh_fine"),
        &["--expires", "10d", "--scopes", "typed"],
    );
    let (code, report) = check(&tk, &id);
    assert_eq!(code, Some(0), "{report}");
    for key in [
        "state",
        "expires_at",
        "scopes",
        "account",
        "checked_at",
        "retry_after",
        "detail",
    ] {
        assert!(
            report.get(key).is_some(),
            "check --json lacks `{key}`: {report}"
        );
    }
    assert_eq!(report["state"], "valid");
    assert_eq!(report["account"], "octocat");
    assert!(report["scopes"].as_array().is_some_and(|s| s.is_empty()));
    let stored = show(&tk, &id);
    assert_eq!(
        stored["expires_at"], report["expires_at"],
        "the provider's expiry replaced the typed one"
    );
    assert_eq!(stored["expiry_source"], "provider");
    assert_eq!(
        stored["scopes"],
        serde_json::json!(["typed"]),
        "silence keeps typed scopes"
    );
    assert_eq!(stored["scopes_source"], "user");
    assert_eq!(stored["account_source"], "provider");

    // Rate limited: exit 1, when to retry, and nothing about the token changed.
    let limited = add(
        &tk,
        "github",
        "limited",
        &f.token("gh_limited"),
        &["--expires", "10d"],
    );
    let before = show(&tk, &limited);
    let (code, report) = check(&tk, &limited);
    assert_eq!(code, Some(1));
    assert_eq!(report["state"], "rate_limited");
    assert!(
        report["retry_after"].as_i64().is_some_and(|s| s > 0),
        "{report}"
    );
    assert_eq!(show(&tk, &limited)["expires_at"], before["expires_at"]);

    // A provider that is down is `unreachable`, not `invalid`.
    let down = add(&tk, "github", "down", &f.token("gh_down"), &[]);
    assert_eq!(check(&tk, &down).1["state"], "unreachable");

    // Stripe has no API: `unsupported`, exit 1.
    let stripe = add(&tk, "stripe", "key", "sk_test_51FixtureFixtureFixture", &[]);
    let (code, report) = check(&tk, &stripe);
    assert_eq!(
        (code, report["state"].as_str()),
        (Some(1), Some("unsupported"))
    );
}

#[test]
fn gitlab_revoke_marks_revoked_and_deletes_the_secret() {
    if !keyring_available("gitlab_revoke_marks_revoked_and_deletes_the_secret") {
        return;
    }
    let f = Fixture::start_default();
    let tk = world(&f);
    let id = add(&tk, "gitlab", "deploy", &f.token("gl_valid"), &[]);
    assert_eq!(tk.keyring_items().len(), 1);
    let out = tk.run(&["revoke", "gitlab/deploy", "--yes"]);
    assert_success(&out, "revoke");
    assert!(
        f.is_revoked(&f.token("gl_valid")),
        "GitLab was asked to revoke it"
    );
    let t = show(&tk, &id);
    assert_eq!(t["status"], "revoked");
    assert!(tk.keyring_items().is_empty(), "the secret is deleted");
    let out = tk.run(&["show", &id]);
    assert!(
        out.stdout_text().contains("revoked"),
        "{}",
        out.stdout_text()
    );
    let (code, report) = check(&tk, &id);
    assert_eq!((code, report["state"].as_str()), (Some(1), Some("revoked")));
}

#[test]
fn revoke_without_an_api_prints_the_steps_and_exits_3() {
    if !keyring_available("revoke_without_an_api_prints_the_steps_and_exits_3") {
        return;
    }
    let f = Fixture::start_default();
    let tk = world(&f);
    let id = add(
        &tk,
        "stripe",
        "live",
        "sk_live_51FixtureFixtureFixture",
        &[],
    );
    let out = tk.run(&["revoke", &id, "--yes"]);
    assert_eq!(out.status.code(), Some(3), "{}", out.stderr);
    let text = out.stdout_text();
    assert!(text.contains("https://dashboard.stripe.com"), "{text}");
    assert!(text.contains("--mark-revoked"), "{text}");
    assert_eq!(show(&tk, &id)["status"], "no_expiry", "nothing changed");
    assert_success(
        &tk.run(&["revoke", &id, "--mark-revoked"]),
        "revoke --mark-revoked",
    );
    assert_eq!(show(&tk, &id)["status"], "revoked");
    assert!(tk.keyring_items().is_empty());
}

#[test]
fn gitlab_rotate_stores_the_replacement_and_it_takes_over() {
    if !keyring_available("gitlab_rotate_stores_the_replacement_and_it_takes_over") {
        return;
    }
    let f = Fixture::start_default();
    let tk = world(&f);
    add(
        &tk,
        "gitlab",
        "ci",
        &f.token("gl_rotate"),
        &["--expires", "30d"],
    );
    let out = tk.run(&["rotate", "gitlab/ci", "--json"]);
    assert_success(&out, "rotate");
    let r = json(&out);
    assert_eq!(r["finished"], true, "{r}");
    assert_eq!(r["check"]["state"], "valid");
    assert_eq!(r["new"]["name"], "ci");
    assert_eq!(r["old"]["status"], "revoked");
    let got = tk.run(&["get", "gitlab/ci"]);
    assert_eq!(got.stdout_text().trim(), f.token("gl_rotated"));
    // GitHub has no rotation API: a clear error, nothing sent.
    let gh = add(&tk, "github", "pat", &f.token("gh_classic"), &[]);
    let out = tk.run(&["rotate", &gh]);
    let line = crate::assert_error(&out, "rotate");
    assert!(line.contains("no API to rotate"), "{line}");
}

#[test]
fn plain_http_to_a_remote_host_is_refused() {
    if !keyring_available("plain_http_to_a_remote_host_is_refused") {
        return;
    }
    let tk = Tk::fresh().env("TOKENKEEPER_API_BASE_GITHUB", "http://example.com");
    let id = add(
        &tk,
        "github",
        "x",
        "ghp_aaaaBBBBccccDDDDeeeeFFFFgggg0123456789",
        &[],
    );
    let out = tk.run(&["check", &id, "--json"]);
    let line = crate::assert_error(&out, "check");
    assert!(line.contains("plain http"), "{line}");
}
