//! `verify` as scripts use it: signatures checked against a key file or a loopback URL with a
//! key generated here (openssl), the algorithm always taken from the key, the exit code the
//! verdict, and key URLs named by the token never fetched.

use std::{
    net::TcpListener,
    path::{Path, PathBuf},
    process::Command,
    thread::JoinHandle,
    time::Duration,
};

use serde_json::{Value, json};

use crate::{
    Output, Tk, assert_success,
    decode::{assert_keys, b64, tk},
    json, support,
    support::{RFC7515_A1, RFC7515_A1_K, RFC7519_6_1},
};

/// An RSA key made with the openssl CLI, as a PEM file and a public JWK.
struct RsaKey {
    dir: tempfile::TempDir,
    n: String,
}

impl RsaKey {
    fn generate() -> RsaKey {
        let dir = crate::support::private_tempdir();
        let pem = dir.path().join("key.pem");
        run_ok(
            Command::new("openssl")
                .args(["genrsa", "-out"])
                .arg(&pem)
                .arg("2048"),
            None,
        );
        let out = run_ok(
            Command::new("openssl")
                .args(["rsa", "-noout", "-modulus", "-in"])
                .arg(&pem),
            None,
        );
        let text = out.stdout_text();
        let hex = text
            .trim()
            .strip_prefix("Modulus=")
            .expect("openssl prints Modulus=");
        let bytes: Vec<u8> = (0..hex.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).expect("hex modulus"))
            .collect();
        RsaKey { dir, n: b64(bytes) }
    }

    fn pem(&self) -> PathBuf {
        self.dir.path().join("key.pem")
    }

    fn jwk(&self, extra: &Value) -> Value {
        let mut jwk = json!({"kty": "RSA", "n": self.n, "e": "AQAB"});
        if let (Some(m), Some(e)) = (jwk.as_object_mut(), extra.as_object()) {
            m.extend(e.clone());
        }
        jwk
    }

    /// A compact JWS whose header says `alg`, signed by openssl with `digest` (e.g. `-sha256`).
    fn sign(&self, header: &Value, digest: &str) -> String {
        let input = format!(
            "{}.{}",
            b64(header.to_string()),
            b64(r#"{"sub":"ci","iss":"me"}"#)
        );
        let mut cmd = Command::new("openssl");
        cmd.args(["dgst", digest, "-sign"]).arg(self.pem());
        let sig = run_ok(&mut cmd, Some(input.as_bytes())).stdout;
        format!("{input}.{}", b64(sig))
    }

    /// HS256 keyed with this key's public PEM: the classic algorithm-confusion forgery.
    fn forge_hs256_with_public_key(&self) -> String {
        let public = run_ok(
            Command::new("openssl")
                .args(["rsa", "-pubout", "-in"])
                .arg(self.pem()),
            None,
        );
        let hexkey: String = public.stdout.iter().map(|b| format!("{b:02x}")).collect();
        let input = format!(
            "{}.{}",
            b64(r#"{"alg":"HS256"}"#),
            b64(r#"{"sub":"admin"}"#)
        );
        let mut cmd = Command::new("openssl");
        cmd.args(["dgst", "-sha256", "-mac", "HMAC", "-macopt"])
            .arg(format!("hexkey:{hexkey}"))
            .arg("-binary");
        let sig = run_ok(&mut cmd, Some(input.as_bytes())).stdout;
        format!("{input}.{}", b64(sig))
    }
}

fn run_ok(cmd: &mut Command, stdin: Option<&[u8]>) -> Output {
    let out = support::run_bounded(cmd, stdin, Duration::from_secs(60));
    assert!(out.status.success(), "{cmd:?} failed: {}", out.stderr);
    out
}

fn write_jwks(dir: &Path, keys: &[Value]) -> String {
    let path = dir.join(format!("jwks-{}.json", support::random_alnum(6)));
    std::fs::write(&path, json!({ "keys": keys }).to_string()).expect("write jwks");
    path.display().to_string()
}

/// `verify --json` on historical or `exp`-less tokens (`--ignore-time`): the signature state,
/// and whether the exit code agreed with it.
fn verify(tk: &Tk, jwks: &str, token: &str) -> String {
    let out = tk.run_stdin(
        &["verify", "--json", "--ignore-time", "--jwks", jwks],
        token,
    );
    let mut value = json(&out);
    let checks = value
        .as_object_mut()
        .and_then(|m| m.remove("checks"))
        .expect("verify --json lists its checks");
    assert_eq!(checks[0]["check"], "signature", "{checks}");
    assert_eq!(
        value.as_object_mut().and_then(|m| m.remove("verified")),
        Some(Value::Bool(checks[0]["passed"] == true)),
        "`verified` must be the signature's verdict when it is the only check"
    );
    assert_keys(&value);
    let state = value["signature"]
        .as_str()
        .expect("signature is a string")
        .to_owned();
    if state == "valid" {
        assert_success(&out, "verify of a valid token");
    } else {
        assert_eq!(
            out.status.code(),
            Some(1),
            "an invalid signature must fail the command"
        );
        let lines: Vec<&str> = out.stderr.lines().collect();
        assert!(
            lines.len() == 1 && lines[0].starts_with("error: "),
            "an invalid signature must be one `error:` line: {}",
            out.stderr
        );
    }
    state
}

#[test]
fn verify_the_rfc_example_with_a_key_file() {
    let tk = tk();
    let keys = crate::support::private_tempdir();
    let jwk = json!({"kty": "oct", "k": RFC7515_A1_K});
    let jwks = write_jwks(keys.path(), std::slice::from_ref(&jwk));
    assert_eq!(verify(&tk, &jwks, RFC7515_A1), "valid");

    let parts: Vec<&str> = RFC7515_A1.split('.').collect();
    let tampered = format!(
        "{}.{}.{}",
        parts[0],
        b64(r#"{"iss":"joe","admin":true}"#),
        parts[2]
    );
    assert_eq!(verify(&tk, &jwks, &tampered), "invalid");
    assert_eq!(
        verify(&tk, &jwks, RFC7519_6_1),
        "invalid",
        "alg none must never verify"
    );

    let single = keys.path().join("single.jwk");
    std::fs::write(&single, jwk.to_string()).expect("write jwk");
    let out = tk.run_stdin(
        &[
            "verify",
            "--ignore-time",
            "--jwks",
            &single.display().to_string(),
        ],
        RFC7515_A1,
    );
    assert_success(&out, "verify with a single JWK");
    assert!(
        out.stdout_text().contains("signature  valid"),
        "{}",
        out.stdout_text()
    );
}

#[test]
fn rs256_is_verified_with_the_algorithm_of_the_key() {
    let tk = tk();
    let key = RsaKey::generate();
    let keys = crate::support::private_tempdir();
    let plain = write_jwks(keys.path(), &[key.jwk(&json!({"kid": "k1"}))]);

    let good = key.sign(&json!({"alg": "RS256", "kid": "k1"}), "-sha256");
    assert_eq!(
        verify(&tk, &plain, &good),
        "valid",
        "a correct RS256 signature"
    );

    // Correctly signed with RS384, but the key (no `alg`, so RS256) decides: invalid.
    let rs384 = key.sign(&json!({"alg": "RS384", "kid": "k1"}), "-sha384");
    assert_eq!(
        verify(&tk, &plain, &rs384),
        "invalid",
        "the token header chose the algorithm"
    );
    let pinned_384 = write_jwks(
        keys.path(),
        &[key.jwk(&json!({"kid": "k1", "alg": "RS384"}))],
    );
    assert_eq!(
        verify(&tk, &pinned_384, &rs384),
        "valid",
        "a key marked RS384 verifies RS384"
    );
    assert_eq!(
        verify(&tk, &pinned_384, &good),
        "invalid",
        "a key marked RS384 refuses RS256"
    );

    // A header saying RS256 over an RS384 signature, and the HMAC-with-public-key forgery.
    let lying = key.sign(&json!({"alg": "RS256"}), "-sha384");
    assert_eq!(verify(&tk, &plain, &lying), "invalid");
    assert_eq!(
        verify(&tk, &plain, &key.forge_hs256_with_public_key()),
        "invalid"
    );
}

/// Serves `body` to one HTTP request on 127.0.0.1 (see `verify_rules::serve`). Returns the
/// URL and whether a request was served.
fn serve_once(body: String) -> (String, JoinHandle<bool>) {
    let (base, server) = crate::verify_rules::serve(vec![crate::verify_rules::ok_reply(&body)]);
    let served = std::thread::spawn(move || server.join().is_ok_and(|n| n == 1));
    (format!("{base}/jwks.json"), served)
}

#[test]
fn verify_with_a_loopback_url() {
    let tk = tk();
    let key = RsaKey::generate();
    let (url, server) = serve_once(json!({"keys": [key.jwk(&json!({}))]}).to_string());
    let token = key.sign(&json!({"alg": "RS256"}), "-sha256");
    assert_eq!(
        verify(&tk, &url, &token),
        "valid",
        "keys fetched from {url}"
    );
    assert!(
        server.join().expect("server thread"),
        "the JWKS was never requested"
    );
}

#[test]
fn verify_never_fetches_a_key_url_named_by_the_token() {
    let tk = tk();
    let key = RsaKey::generate();
    let trap = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    trap.set_nonblocking(true).expect("nonblocking");
    let jku = format!("http://{}/evil.json", trap.local_addr().expect("addr"));
    let token = key.sign(&json!({"alg": "RS256", "jku": jku}), "-sha256");
    let keys = crate::support::private_tempdir();
    let jwks = write_jwks(keys.path(), &[key.jwk(&json!({}))]);
    let out = tk.run_stdin(&["verify", "--json", "--jwks", &jwks], &token);
    assert_success(&out, "verify");
    assert!(
        json(&out)["warnings"].to_string().contains("`jku`"),
        "no jku warning"
    );
    assert!(
        trap.accept().is_err(),
        "verify connected to the token's own jku URL"
    );
}
