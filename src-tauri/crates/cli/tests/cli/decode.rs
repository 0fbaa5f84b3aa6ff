//! `decode` as scripts use it: the exact JSON shape, statuses against the real clock, and
//! malformed input refused with one error line that names the part.

use base64::{Engine as _, engine::general_purpose::URL_SAFE_NO_PAD};
use serde_json::{Value, json};

use crate::{
    Tk, assert_error, assert_success, json,
    support::{RFC7515_A1, RFC7516_A3, RFC7519_6_1},
};

/// The keys of `decode --json`, sorted.
const KEYS: [&str; 15] = [
    "account",
    "alg",
    "claims",
    "expires_at",
    "format",
    "header",
    "issued_at",
    "kind",
    "not_before",
    "provider",
    "scopes",
    "signature",
    "soon_at",
    "status",
    "warnings",
];

pub(crate) fn b64(bytes: impl AsRef<[u8]>) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

fn unsigned_jwt(claims: &Value) -> String {
    format!(
        "{}.{}.c2ln",
        b64(r#"{"alg":"RS256","typ":"JWT"}"#),
        b64(claims.to_string())
    )
}

/// `decode --json` of `token` (as an argument), asserting success and the exact key set.
fn decode_json(tk: &Tk, token: &str) -> Value {
    let out = tk.run(&["decode", "--json", token]);
    assert_success(&out, "decode --json");
    let value = json(&out);
    assert_keys(&value);
    value
}

pub(crate) fn assert_keys(value: &Value) {
    let Value::Object(map) = value else {
        panic!("decode --json must print one object, printed {value}");
    };
    let mut keys: Vec<&str> = map.keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(
        keys, KEYS,
        "scripts rely on exactly these keys in decode --json"
    );
}

pub(crate) fn tk() -> Tk {
    // Decoding never needs the keyring: prove it by pointing the bus nowhere.
    Tk::fresh().env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent")
}

#[test]
fn decode_json_has_exactly_the_documented_keys() {
    let tk = tk();
    let a1 = decode_json(&tk, RFC7515_A1);
    assert_eq!(a1["format"], "jwt");
    assert_eq!(a1["alg"], "HS256");
    assert_eq!(a1["signature"], "unverified");
    assert_eq!(a1["status"], "expired");
    assert_eq!(a1["expires_at"], "2011-03-22T18:43:00Z");
    assert_eq!(a1["claims"]["http://example.com/is_root"], true);

    let none = decode_json(&tk, RFC7519_6_1);
    assert_eq!(
        (&none["alg"], &none["signature"]),
        (&json!("none"), &json!("unsigned"))
    );

    let jwe = decode_json(&tk, RFC7516_A3);
    assert_eq!(
        (&jwe["format"], &jwe["claims"]),
        (&json!("jwe"), &Value::Null)
    );

    let pat = decode_json(&tk, "ghp_abcdefghijklmnopqrstuvwxyz0123456789");
    assert_eq!(
        (&pat["provider"], &pat["kind"]),
        (&json!("github"), &json!("personal"))
    );

    let piped = tk.run_stdin(&["decode", "--json"], &format!("Bearer {RFC7515_A1}\n"));
    assert_success(&piped, "decode --json from stdin");
    assert_eq!(
        json(&piped),
        a1,
        "a pasted `Bearer` header decoded differently"
    );
}

#[test]
fn a_token_in_the_arguments_is_warned_about_and_stdin_or_a_file_is_not() {
    let tk = tk();
    let arg = tk.run(&["decode", "--json", RFC7515_A1]);
    assert_success(&arg, "decode with the token as an argument");
    assert!(
        arg.stderr
            .contains("visible to other processes (/proc/PID/cmdline)"),
        "no warning about the argument: {}",
        arg.stderr
    );
    let piped = tk.run_stdin(&["decode", "--json"], RFC7515_A1);
    assert_success(&piped, "decode from stdin");
    assert!(piped.stderr.is_empty(), "stdin warned: {}", piped.stderr);
    let file = tk.db_dir().join("token.txt");
    std::fs::write(&file, RFC7515_A1).expect("write the token file");
    let from_file = tk.run(&[
        "decode",
        "--json",
        "--token-file",
        &file.display().to_string(),
    ]);
    assert_success(&from_file, "decode --token-file");
    assert!(
        from_file.stderr.is_empty(),
        "a file warned: {}",
        from_file.stderr
    );
    assert_eq!(
        json(&from_file),
        json(&piped),
        "the file decoded differently"
    );
    let missing = assert_error(
        &tk.run(&["decode", "--token-file", "/nonexistent/token"]),
        "decode --token-file of a missing file",
    );
    assert!(missing.contains("/nonexistent/token"), "{missing}");
}

#[test]
fn decode_prints_a_readable_summary() {
    let out = tk().run(&["decode", RFC7515_A1]);
    assert_success(&out, "decode");
    let text = out.stdout_text();
    for line in [
        "format     jwt",
        "alg        HS256",
        "signature  unverified",
        "status     expired",
    ] {
        assert!(text.contains(line), "decode output lacks `{line}`:\n{text}");
    }
    assert!(
        text.contains("claims (unverified)"),
        "claims must be labelled unverified:\n{text}"
    );
}

#[test]
fn decode_status_against_the_clock() {
    let tk = tk();
    let now = chrono::Utc::now().timestamp();
    for (claims, want) in [
        (json!({"exp": now - 3600}), "expired"),
        (
            json!({"nbf": now + 3600, "exp": now + 86_400}),
            "not_yet_valid",
        ),
        (
            json!({"iat": now - 3000, "exp": now + 600}),
            "expiring_soon",
        ),
        (json!({"iat": now, "exp": now + 90 * 86_400}), "valid"),
        (json!({"sub": "x"}), "no_expiry"),
    ] {
        let got = decode_json(&tk, &unsigned_jwt(&claims));
        assert_eq!(got["status"], want, "claims {claims}");
    }
    let odd = decode_json(&tk, &unsigned_jwt(&json!({"exp": "next tuesday"})));
    assert_eq!(odd["status"], "no_expiry");
    let warnings = odd["warnings"].to_string();
    assert!(
        warnings.contains("`exp`"),
        "a non-numeric exp must warn: {warnings}"
    );
}

#[test]
fn malformed_input_is_one_error_line_naming_the_part() {
    let tk = tk();
    let header = b64(r#"{"alg":"HS256"}"#);
    let big = "a".repeat(70_000);
    let nested = "[".repeat(100_000);
    let cases: Vec<(String, &str)> = vec![
        (format!("eyJh*.{}.c2ln", b64("{}")), "header (part 1)"),
        (format!("{header}.%%%.c2ln"), "payload (part 2)"),
        (format!("{header}.e30.s!g"), "signature (part 3)"),
        (
            format!("{header}.{}.c2ln", b64("[]")),
            "payload (part 2) must be a JSON object",
        ),
        (format!("{}.e30.c2ln", b64(r#"{"typ":"JWT"}"#)), "no `alg`"),
        (format!("{header}.e30.c2ln.x"), "has 4 parts"),
        ("   ".into(), "empty"),
    ];
    for (input, want) in &cases {
        let err = assert_error(&tk.run_stdin(&["decode"], input), "decode");
        assert!(
            err.contains(want),
            "decode {input:.20}… should say `{want}`: {err}"
        );
    }
    for (stdin, want) in [
        (big.as_str(), "over 65536 bytes"),
        (nested.as_str(), "over 65536 bytes"),
    ] {
        let err = assert_error(&tk.run_stdin(&["decode"], stdin), "decode from stdin");
        assert!(err.contains(want), "{err}");
        // Only the first 65,537 bytes are read, so no size may be claimed from them.
        assert!(
            !err.contains("65537"),
            "the error names a size it never measured: {err}"
        );
    }
    // An argument gets its warning line first, then the one error line.
    let out = tk.run(&["decode", &big]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        out.stderr
            .lines()
            .any(|l| l.starts_with("error:") && l.contains("over 65536 bytes")),
        "{}",
        out.stderr
    );
}
