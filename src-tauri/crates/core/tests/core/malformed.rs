//! Decoding hostile input: every malformed part named in its error, empty and padded pastes,
//! sizes past the cap, deep nesting, and a proof that no input makes `decode` panic.

use proptest::prelude::*;
use tokenkeeper_core::{
    Error,
    inspect::{MAX_TOKEN_BYTES, decode, decode_bytes},
    model::Format,
};

use crate::{NOW, b64, vectors::RFC7515_A1};

fn malformed(input: &str) -> String {
    match decode(input, NOW) {
        Err(Error::TokenMalformed(m)) => m,
        other => panic!("{input:.60}… should be refused as malformed, got {other:?}"),
    }
}

#[test]
fn each_malformed_part_is_named() {
    let header = b64(r#"{"alg":"HS256"}"#);
    let payload = b64(r#"{"sub":"x"}"#);
    let cases: Vec<(&str, String, &str)> = vec![
        (
            "bad base64 header",
            format!("eyJh*bad.{payload}.c2ln"),
            "header (part 1) is not valid base64url",
        ),
        (
            "bad base64 payload",
            format!("{header}.pay!oad.c2ln"),
            "payload (part 2) is not valid base64url",
        ),
        (
            "bad base64 signature",
            format!("{header}.{payload}.si@g"),
            "signature (part 3) is not valid base64url",
        ),
        (
            "header not JSON",
            format!("{}.{payload}.c2ln", b64(r#"{"alg":"#)),
            "header (part 1) is not valid JSON",
        ),
        (
            "payload not JSON",
            format!("{header}.{}.c2ln", b64("not json")),
            "payload (part 2) is not valid JSON",
        ),
        (
            "payload an array",
            format!("{header}.{}.c2ln", b64("[1,2]")),
            "payload (part 2) must be a JSON object, found an array",
        ),
        (
            "payload a string",
            format!("{header}.{}.c2ln", b64("\"x\"")),
            "payload (part 2) must be a JSON object, found a string",
        ),
        (
            "no alg",
            format!("{}.{payload}.c2ln", b64(r#"{"typ":"JWT"}"#)),
            "header has no `alg`",
        ),
        (
            "alg not a string",
            format!("{}.{payload}.c2ln", b64(r#"{"alg":5}"#)),
            "`alg` must be a non-empty string, found a number",
        ),
        (
            "alg empty",
            format!("{}.{payload}.c2ln", b64(r#"{"alg":""}"#)),
            "`alg` must be a non-empty string",
        ),
        ("two parts", format!("{header}.{payload}"), "has 2 parts"),
        ("one part", header.clone(), "has 1 part separated"),
        (
            "four parts",
            format!("{header}.{payload}.c2ln.eA"),
            "has 4 parts",
        ),
        ("six parts", format!("{header}.a.b.c.d.e"), "has 6 parts"),
    ];
    for (label, input, want) in cases {
        let m = malformed(&input);
        assert!(
            m.contains(want),
            "{label}: the error should say `{want}`, it says: {m}"
        );
    }
}

#[test]
fn each_malformed_jwe_part_is_named() {
    let header = b64(r#"{"alg":"A128KW","enc":"A128GCM"}"#);
    let ok = ["ZW5j", "aXY", "Y2lwaGVy", "dGFn"];
    let names = [
        "encrypted key (part 2)",
        "initialization vector (part 3)",
        "ciphertext (part 4)",
        "authentication tag (part 5)",
    ];
    for (i, name) in names.iter().enumerate() {
        let mut parts = ok.map(str::to_owned);
        parts[i] = "no!t-b64".into();
        let m = malformed(&format!("{header}.{}", parts.join(".")));
        assert!(
            m.contains(name),
            "bad JWE part {}: the error should name the {name}: {m}",
            i + 2
        );
    }
    let no_enc = format!("{}.{}", b64(r#"{"alg":"A128KW"}"#), ok.join("."));
    assert!(malformed(&no_enc).contains("no `enc`"));
    let empty_ciphertext = format!("{header}.ZW5j.aXY..dGFn");
    assert!(malformed(&empty_ciphertext).contains("ciphertext (part 4) is empty"));
}

#[test]
fn empty_and_whitespace_only_input_is_refused() {
    for input in ["", " ", "\n\t  \r\n", "Bearer ", "bearer    \n"] {
        let m = malformed(input);
        assert!(
            m.contains("empty"),
            "{input:?}: the error should say the input is empty: {m}"
        );
    }
}

#[test]
fn bearer_prefix_and_surrounding_whitespace_are_stripped() {
    let plain = decode(RFC7515_A1, NOW).expect("plain");
    for pasted in [
        format!("Bearer {RFC7515_A1}"),
        format!("bearer {RFC7515_A1}"),
        format!("  BEARER   {RFC7515_A1}\n"),
        format!("\n{RFC7515_A1}\r\n"),
    ] {
        let got = decode(&pasted, NOW).unwrap_or_else(|e| panic!("{pasted:.20}…: {e}"));
        assert_eq!(got, plain, "pasting {pasted:.12}… changed what is shown");
    }
    let opaque = decode("Bearer ghp_abcdefghijklmnopqrstuvwxyz0123456789", NOW).expect("pat");
    assert_eq!(opaque.inspection.provider.as_deref(), Some("github"));
}

#[test]
fn whitespace_inside_a_token_is_a_warning() {
    let i = decode("ghp_abc def", NOW).expect("opaque").inspection;
    assert!(
        i.warnings.iter().any(|w| w.contains("whitespace")),
        "{:?}",
        i.warnings
    );
}

#[test]
fn oversized_input_is_refused_before_parsing() {
    let at_limit = "a".repeat(MAX_TOKEN_BYTES);
    assert!(
        decode(&at_limit, NOW).is_ok(),
        "exactly 64 KiB is still accepted"
    );
    let over = "a".repeat(MAX_TOKEN_BYTES + 1);
    match decode(&over, NOW) {
        Err(Error::TokenTooLarge { size, limit }) => {
            assert_eq!((size, limit), (MAX_TOKEN_BYTES + 1, 64 * 1024));
        }
        other => panic!("a 64 KiB + 1 input was not refused as too large: {other:?}"),
    }
    let huge_jwt = format!("eyJ{}", "A".repeat(1 << 20));
    assert!(matches!(
        decode_bytes(huge_jwt.as_bytes(), NOW),
        Err(Error::TokenTooLarge { .. })
    ));
}

#[test]
fn deeply_nested_input_neither_panics_nor_overflows() {
    // Raw: not a JWT at all.
    let raw = "[".repeat(100_000);
    assert!(
        matches!(decode(&raw, NOW), Err(Error::TokenTooLarge { .. })),
        "100k bytes > 64 KiB"
    );
    let raw_small = "[".repeat(60_000);
    assert_eq!(
        decode(&raw_small, NOW).expect("opaque").inspection.format,
        Format::Opaque
    );
    // Inside the payload and the header, as deep as fits under the size cap.
    let header = b64(r#"{"alg":"HS256"}"#);
    let deep_payload = format!("{header}.{}.c2ln", b64("[".repeat(45_000)));
    assert!(malformed(&deep_payload).contains("payload (part 2) is not valid JSON"));
    let deep_header = format!("{}.e30.c2ln", b64(r#"{"a":"#.repeat(9_000)));
    assert!(malformed(&deep_header).contains("header (part 1) is not valid JSON"));
    let deep_object = format!(
        "{header}.{}.c2ln",
        b64(format!(
            "{}1{}",
            r#"{"a":"#.repeat(6_000),
            "}".repeat(6_000)
        ))
    );
    assert!(malformed(&deep_object).contains("payload (part 2)"));
}

#[test]
fn non_utf8_bytes_are_refused_with_the_offset() {
    match decode_bytes(b"ghp_abc\xffdef", NOW) {
        Err(Error::TokenMalformed(m)) => assert!(m.contains("offset 7"), "{m}"),
        other => panic!("non-UTF-8 input was not refused: {other:?}"),
    }
}

proptest! {
    #[test]
    fn decode_never_panics_on_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = decode_bytes(&bytes, NOW);
    }

    #[test]
    fn decode_never_panics_on_dotted_eyj_strings(
        parts in proptest::collection::vec("[A-Za-z0-9_=+/-]{0,40}", 0..7),
        now in any::<i64>(),
    ) {
        let _ = decode(&format!("eyJ{}", parts.join(".")), now);
    }

    #[test]
    fn decode_never_panics_on_arbitrary_json_parts(
        header in "\\PC{0,40}",
        claims in "\\PC{0,60}",
        sig in "[A-Za-z0-9_-]{0,20}",
        exp in any::<f64>(),
        now in any::<i64>(),
    ) {
        let _ = decode(&format!("{}.{}.{sig}", b64(&header), b64(&claims)), now);
        let structured = format!(
            "{}.{}.{sig}",
            b64(format!(r#"{{"alg":{header:?}}}"#)),
            b64(format!(r#"{{"exp":{exp},"iat":{exp},"nbf":{exp},"scope":{claims:?}}}"#)),
        );
        let _ = decode(&structured, now);
    }
}
