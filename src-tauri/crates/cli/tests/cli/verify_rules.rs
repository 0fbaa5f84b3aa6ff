//! `verify` as a deploy script may trust it: key URLs that redirect to another host, key sets
//! over 1 MiB, FIFOs, keys not meant for signatures, and the claim checks (`exp`, `nbf` by
//! default; `--iss`, `--aud`), each reported in `--json`. Servers run on 127.0.0.1 only.

use std::{
    io::{Read, Write},
    net::TcpListener,
    process::Command,
    thread::JoinHandle,
    time::{Duration, Instant},
};

use base64::{Engine as _, engine::general_purpose::URL_SAFE_NO_PAD};
use serde_json::{Value, json};

use crate::{Tk, assert_error, decode::tk, json as parse};

const SECRET: &str = "correct horse battery staple, long enough for HS256";

fn b64(bytes: impl AsRef<[u8]>) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// An HS256 JWT over `claims`, signed by openssl with SECRET.
fn hs256(claims: &Value) -> String {
    let input = format!(
        "{}.{}",
        b64(r#"{"alg":"HS256","typ":"JWT"}"#),
        b64(claims.to_string())
    );
    let mut cmd = Command::new("openssl");
    cmd.args(["dgst", "-sha256", "-mac", "HMAC", "-macopt"])
        .arg(format!("key:{SECRET}"))
        .arg("-binary");
    let out =
        crate::support::run_bounded(&mut cmd, Some(input.as_bytes()), Duration::from_secs(30));
    assert!(out.status.success(), "openssl: {}", out.stderr);
    format!("{input}.{}", b64(out.stdout))
}

fn oct(extra: Value) -> Value {
    let mut k = json!({"kty": "oct", "alg": "HS256", "k": b64(SECRET)});
    if let (Some(m), Some(e)) = (k.as_object_mut(), extra.as_object()) {
        m.extend(e.clone());
    }
    json!({ "keys": [k] })
}

fn key_file(tk: &Tk, keys: &Value) -> String {
    let path = tk
        .db_dir()
        .join(format!("jwks-{}.json", crate::random_alnum(6)));
    std::fs::write(&path, keys.to_string()).expect("write the key file");
    path.display().to_string()
}

/// Serves each raw HTTP reply to one request, in order, on 127.0.0.1; gives up after 10 s.
/// Returns the base URL and how many requests were answered.
pub(crate) fn serve(replies: Vec<String>) -> (String, JoinHandle<usize>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    listener.set_nonblocking(true).expect("nonblocking");
    let server = std::thread::spawn(move || {
        let deadline = Instant::now() + Duration::from_secs(10);
        let mut served = 0;
        for reply in replies {
            let mut stream = loop {
                match listener.accept() {
                    Ok((s, _)) => break s,
                    Err(_) if Instant::now() < deadline => {
                        std::thread::sleep(Duration::from_millis(10))
                    }
                    Err(_) => return served,
                }
            };
            stream.set_nonblocking(false).expect("blocking");
            stream
                .set_read_timeout(Some(Duration::from_secs(2)))
                .expect("timeout");
            let mut request = Vec::new();
            let mut buf = [0u8; 1024];
            while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                match stream.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => request.extend_from_slice(&buf[..n]),
                }
            }
            let _ = stream.write_all(reply.as_bytes());
            served += 1;
        }
        served
    });
    (base, server)
}

pub(crate) fn ok_reply(body: &str) -> String {
    format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
}

fn redirect(to: &str) -> String {
    format!(
        "HTTP/1.1 302 Found\r\nLocation: {to}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    )
}

/// A verdict of "no": exit 1 and one `error:` line (the report itself is on stdout).
fn refused(out: &crate::Output, what: &str) -> String {
    assert_eq!(
        out.status.code(),
        Some(1),
        "`{what}` passed: {}",
        out.stdout_text()
    );
    let lines: Vec<&str> = out.stderr.lines().collect();
    assert!(
        lines.len() == 1 && lines[0].starts_with("error: "),
        "`{what}`: {}",
        out.stderr
    );
    lines[0].to_owned()
}

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

#[test]
fn a_redirect_to_the_same_host_is_followed_and_to_another_host_refused() {
    let tk = tk();
    let token = hs256(&json!({"sub": "ci", "exp": now() + 600}));
    let keys = oct(json!({})).to_string();
    let (base, server) = serve(vec![redirect("/keys.json"), ok_reply(&keys)]);
    let out = tk.run_stdin(&["verify", "--jwks", &format!("{base}/jwks")], &token);
    assert!(
        out.status.success(),
        "a same-host redirect was not followed: {}",
        out.stderr
    );
    assert_eq!(server.join().expect("server"), 2);

    // 127.0.0.1 → localhost is another host, though both are loopback.
    let port = base.rsplit(':').next().expect("port");
    let (base, server) = serve(vec![redirect(&format!(
        "http://localhost:{port}/keys.json"
    ))]);
    let err = assert_error(
        &tk.run_stdin(&["verify", "--jwks", &format!("{base}/jwks")], &token),
        "verify",
    );
    assert!(err.contains("redirected to another host"), "{err}");
    assert_eq!(
        server.join().expect("server"),
        1,
        "the other host was asked"
    );

    // A redirect to a remote host over plain http fails the loopback rule at that hop.
    let (base, server) = serve(vec![redirect("http://example.com/keys.json")]);
    let err = assert_error(
        &tk.run_stdin(&["verify", "--jwks", &format!("{base}/jwks")], &token),
        "verify",
    );
    assert!(
        err.contains("plain http") || err.contains("another host"),
        "{err}"
    );
    server.join().expect("server");
}

#[test]
fn a_key_set_over_one_mib_is_refused_not_cut() {
    let tk = tk();
    let token = hs256(&json!({"sub": "ci"}));
    // A valid JWKS first, then 2 MiB of padding: a truncating reader would find the key.
    let big = format!("{}{}", oct(json!({})), " ".repeat(2 * 1024 * 1024));
    let (base, server) = serve(vec![ok_reply(&big)]);
    let err = assert_error(
        &tk.run_stdin(&["verify", "--jwks", &format!("{base}/jwks")], &token),
        "verify",
    );
    assert!(err.contains("over 1 MiB"), "{err}");
    server.join().expect("server");
    let path = tk.db_dir().join("big.json");
    std::fs::write(&path, &big).expect("write");
    let err = assert_error(
        &tk.run_stdin(&["verify", "--jwks", &path.display().to_string()], &token),
        "verify",
    );
    assert!(err.contains("over 1 MiB"), "{err}");
}

#[test]
fn a_fifo_as_key_file_is_refused_without_blocking() {
    let tk = tk();
    let fifo = tk.db_dir().join("keys.fifo");
    let made = Command::new("mkfifo").arg(&fifo).status().expect("mkfifo");
    assert!(made.success());
    let token = hs256(&json!({"sub": "ci"}));
    let err = assert_error(
        &tk.run_stdin(&["verify", "--jwks", &fifo.display().to_string()], &token),
        "verify",
    );
    assert!(err.contains("not a regular file"), "{err}");
}

#[test]
fn a_key_for_encryption_only_never_verifies() {
    let tk = tk();
    let token = hs256(&json!({"sub": "ci"}));
    for extra in [
        json!({"use": "enc"}),
        json!({"key_ops": ["encrypt", "decrypt"]}),
    ] {
        let err = assert_error(
            &tk.run_stdin(
                &["verify", "--jwks", &key_file(&tk, &oct(extra.clone()))],
                &token,
            ),
            "verify",
        );
        assert!(
            err.contains("not for verifying signatures"),
            "{extra}: {err}"
        );
    }
    let ok = tk.run_stdin(
        &[
            "verify",
            "--jwks",
            &key_file(&tk, &oct(json!({"use": "sig", "key_ops": ["verify"]}))),
        ],
        &token,
    );
    assert!(
        ok.status.success(),
        "a signing key was refused: {}",
        ok.stderr
    );
}

#[test]
fn exp_and_nbf_are_checked_by_default_and_iss_aud_on_request() {
    let tk = tk();
    let keys = key_file(&tk, &oct(json!({})));
    let expired =
        hs256(&json!({"iss": "https://issuer.example", "aud": ["api", "web"], "exp": now() - 60}));
    let out = tk.run_stdin(&["verify", "--json", "--jwks", &keys], &expired);
    assert_eq!(
        out.status.code(),
        Some(1),
        "an expired token passed: {}",
        out.stdout_text()
    );
    let v = parse(&out);
    assert_eq!(v["verified"], false);
    let by: std::collections::BTreeMap<String, Value> = v["checks"]
        .as_array()
        .expect("checks")
        .iter()
        .map(|c| {
            (
                c["check"].as_str().unwrap_or("").to_owned(),
                c["passed"].clone(),
            )
        })
        .collect();
    assert_eq!(by.get("signature"), Some(&json!(true)));
    assert_eq!(by.get("exp"), Some(&json!(false)));
    assert!(
        !by.contains_key("nbf"),
        "a check ran for a claim the token lacks: {by:?}"
    );
    assert!(out.stderr.contains("exp check failed"), "{}", out.stderr);

    let skipped = tk.run_stdin(&["verify", "--ignore-time", "--jwks", &keys], &expired);
    assert!(
        skipped.status.success(),
        "--ignore-time still checked: {}",
        skipped.stderr
    );

    let early = hs256(&json!({"nbf": now() + 3600}));
    let err = refused(
        &tk.run_stdin(&["verify", "--jwks", &keys], &early),
        "verify",
    );
    assert!(err.contains("nbf check failed"), "{err}");

    let fresh =
        hs256(&json!({"iss": "https://issuer.example", "aud": ["api", "web"], "exp": now() + 600}));
    let good = tk.run_stdin(
        &[
            "verify",
            "--json",
            "--jwks",
            &keys,
            "--iss",
            "https://issuer.example",
            "--aud",
            "web",
        ],
        &fresh,
    );
    assert!(good.status.success(), "{}", good.stderr);
    assert_eq!(
        parse(&good)["checks"].as_array().map(Vec::len),
        Some(4),
        "signature, exp, iss, aud"
    );
    let err = refused(
        &tk.run_stdin(
            &["verify", "--jwks", &keys, "--iss", "https://other.example"],
            &fresh,
        ),
        "verify --iss",
    );
    assert!(
        err.contains("iss check failed") && err.contains("not https://other.example"),
        "{err}"
    );
    let err = refused(
        &tk.run_stdin(&["verify", "--jwks", &keys, "--aud", "admin"], &fresh),
        "verify --aud",
    );
    assert!(err.contains("aud check failed"), "{err}");
}
