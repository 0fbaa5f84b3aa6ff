//! The leak test for every OAuth flow: with `RUST_LOG=trace`, no authorization code, PKCE
//! verifier, access or refresh token or client secret may appear in any output (but `get`'s),
//! any log line, or any file of the data folder (the database, its -wal, the lock files).

use sha2::{Digest, Sha256};

use crate::{
    Output, Tk, assert_success, keyring_available,
    leak::files_containing,
    oidc::{CONFIDENTIAL_SECRET, Oidc, Running, browser, enc, get_url},
};

fn s256(verifier: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// Every run of a PKCE verifier's alphabet long enough to be one (RFC 7636 §4.1).
fn verifier_candidates(text: &str) -> Vec<&str> {
    let ok = |c: char| c.is_ascii_alphanumeric() || "-._~".contains(c);
    text.split(|c: char| !ok(c))
        .filter(|w| (43..=128).contains(&w.len()))
        .collect()
}

fn run(tk: &Tk, outputs: &mut Vec<(String, Output)>, args: &[&str], stdin: Option<&str>) {
    let out = match stdin {
        Some(s) => tk.run_stdin(args, s),
        None => tk.run(args),
    };
    assert_success(&out, &args.join(" "));
    outputs.push((args.join(" "), out));
}

fn get(tk: &Tk, address: &str) -> String {
    let out = tk.run(&["get", address]);
    assert_success(&out, "get");
    out.stdout_text().trim().to_owned()
}

#[test]
fn no_code_verifier_token_or_client_secret_leaks_from_any_flow() {
    if !keyring_available("no_code_verifier_token_or_client_secret_leaks_from_any_flow") {
        return;
    }
    let oidc = Oidc::start();
    let tk = Tk::fresh().env(
        "RUST_LOG",
        "trace,zbus::connection=trace,reqwest=trace,hyper=trace",
    );
    let db = tk.db_dir().join("tokenkeeper.db");
    let mut outputs: Vec<(String, Output)> = Vec::new();
    let mut secrets: Vec<String> = vec![CONFIDENTIAL_SECRET.into(), enc(CONFIDENTIAL_SECRET)];
    run(
        &tk,
        &mut outputs,
        &[
            "provider",
            "add",
            "corp",
            "--issuer",
            &oidc.issuer,
            "--client-id",
            "tk-confidential",
            "--client-secret-stdin",
            "--scope",
            "openid",
            "--scope",
            "offline_access",
        ],
        Some(CONFIDENTIAL_SECRET),
    );
    let _keep_wal = tokenkeeper_vault::db::open(&db).expect("open the database");

    // The code flow, the callback delivered by hand so the test knows the code.
    let mut login = Running::start(&tk, &["login", "corp", "--no-browser", "--name", "me"]);
    let url = login.line();
    let challenge = url
        .split(['?', '&'])
        .find_map(|kv| kv.strip_prefix("code_challenge="))
        .expect("a code challenge")
        .to_owned();
    let callback = browser(&["code", &url, "--no-callback"])["callback"]
        .as_str()
        .unwrap()
        .to_owned();
    let code = callback
        .split(['?', '&'])
        .find_map(|kv| kv.strip_prefix("code="))
        .expect("a code")
        .to_owned();
    secrets.push(code);
    assert_eq!(get_url(&callback).expect("the listener").0, 200);
    let out = login.finish();
    assert_success(&out, "login");
    outputs.push(("login".into(), out));

    secrets.push(get(&tk, "corp/me"));
    secrets.push(get(&tk, "corp/me (refresh)"));
    for args in [
        vec!["show", "corp/me", "--json"],
        vec!["show", "corp/me"],
        vec!["list", "--json"],
        vec!["introspect", "corp/me", "--json"],
        vec!["refresh", "corp/me"],
        vec!["refresh", "corp/me", "--json"],
    ] {
        run(&tk, &mut outputs, &args, None);
    }
    secrets.push(get(&tk, "corp/me"));
    secrets.push(get(&tk, "corp/me (refresh)"));

    // The device flow and client credentials.
    let mut device = Running::start(&tk, &["login", "corp", "--flow", "device", "--name", "tv"]);
    let uri = device.field("verification_uri");
    let user_code = device.field("user_code");
    browser(&["device", &uri, &user_code]);
    let out = device.finish();
    assert_success(&out, "login --flow device");
    outputs.push(("login --flow device".into(), out));
    secrets.push(get(&tk, "corp/tv"));
    secrets.push(get(&tk, "corp/tv (refresh)"));
    run(
        &tk,
        &mut outputs,
        &[
            "login",
            "corp",
            "--flow",
            "client-credentials",
            "--name",
            "ci",
        ],
        None,
    );
    secrets.push(get(&tk, "corp/ci"));
    run(&tk, &mut outputs, &["refresh", "corp/ci"], None);
    secrets.push(get(&tk, "corp/ci"));
    for address in ["corp/me", "corp/tv"] {
        run(&tk, &mut outputs, &["revoke", address, "--yes"], None);
    }
    run(&tk, &mut outputs, &["list", "--json"], None);

    assert!(
        secrets.len() >= 10,
        "the secrets under test: {}",
        secrets.len()
    );
    let logged = outputs
        .iter()
        .any(|(_, o)| o.stderr.contains(" TRACE ") || o.stderr.contains(" DEBUG "));
    assert!(
        logged,
        "RUST_LOG=trace produced no log line, so the log check proved nothing"
    );
    for (what, out) in &outputs {
        let text = format!("{}\n{}", out.stdout_text(), out.stderr);
        for s in &secrets {
            assert!(
                !text.contains(s.as_str()),
                "`tokenkeeper {what}` let a secret out:\n{text}"
            );
        }
        for candidate in verifier_candidates(&text) {
            assert_ne!(
                s256(candidate),
                challenge,
                "`tokenkeeper {what}` printed the PKCE verifier"
            );
        }
    }
    for s in &secrets {
        let on_disk = files_containing(tk.db_dir(), s.as_bytes());
        assert!(on_disk.is_empty(), "a secret is on disk in {on_disk:?}");
    }
}
