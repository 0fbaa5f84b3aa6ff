//! `Secret`: the only type that holds a token's secret bytes in memory.
//!
//! It has a redacted `Debug`, no `Display`, a `Serialize` that refuses, and it is zeroized when
//! dropped, so a secret cannot reach a log line, a JSON response or freed memory by accident.

use std::fmt;

use zeroize::{Zeroize, Zeroizing};

/// A token's secret. Read it with [`Secret::expose`], and only where it must leave the process
/// on purpose (the keyring, `tokenkeeper get`, the clipboard, an explicit Reveal).
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(Zeroizing<String>);

impl Secret {
    pub fn new(value: String) -> Self {
        Secret(Zeroizing::new(value))
    }

    /// The secret text. Every call site is a place the secret leaves this type on purpose.
    pub fn expose(&self) -> &str {
        self.0.as_str()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// A preview safe to show: a recognised prefix and, for secrets of 24 characters or more,
    /// the last four.
    pub fn masked(&self, known_prefix: Option<&str>) -> String {
        let s = self.expose();
        let len = s.chars().count();
        if len < 12 {
            return "•".repeat(8);
        }
        let prefix: String = match known_prefix {
            Some(p) if s.starts_with(p) => p.to_owned(),
            _ => String::new(),
        };
        // The last four only for secrets long enough that four characters give little away.
        let tail: String = if len >= MIN_LEN_FOR_TAIL {
            s.chars().skip(len - 4).collect()
        } else {
            String::new()
        };
        format!("{prefix}{}{tail}", "•".repeat(8))
    }
}

/// Secrets shorter than this show no tail at all in their masked preview.
pub const MIN_LEN_FOR_TAIL: usize = 24;

impl From<String> for Secret {
    fn from(mut value: String) -> Self {
        let s = Secret::new(value.clone());
        value.zeroize();
        s
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

impl serde::Serialize for Secret {
    fn serialize<S: serde::Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
        Err(serde::ser::Error::custom(
            "refusing to serialize a secret; call Secret::expose where it must leave on purpose",
        ))
    }
}

/// Reading a secret in (a credential helper's JSON) is fine; writing one out is refused above.
impl<'de> serde::Deserialize<'de> for Secret {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        <String as serde::Deserialize>::deserialize(d).map(Secret::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_secret() {
        let s = Secret::new("ghp_SENTINEL_do_not_print".into());
        let printed = format!("{s:?} {s:#?} {:?}", Some(&s));
        assert!(
            !printed.contains("SENTINEL"),
            "Debug printed the secret: {printed}"
        );
        assert!(printed.contains("redacted"));
    }

    #[test]
    fn serialize_refuses() {
        let s = Secret::new("ghp_SENTINEL".into());
        let err = serde_json::to_string(&s).expect_err("a secret must not serialize");
        assert!(err.to_string().contains("refusing"));
        let wrapped = serde_json::to_string(&vec![s]);
        assert!(
            wrapped.is_err(),
            "a secret nested in a list must not serialize either"
        );
    }

    #[test]
    fn masked_shows_prefix_and_last_four_only() {
        let s = Secret::new("ghp_abcdefghijklmnopqrstuvwxyz0123456789".into());
        let m = s.masked(Some("ghp_"));
        assert_eq!(m, "ghp_••••••••6789");
        assert_eq!(Secret::new("short".into()).masked(None), "••••••••");
        // Under 24 characters: the prefix at most, never a tail.
        assert_eq!(
            Secret::new("xoxb-1234567890123".into()).masked(Some("xoxb-")),
            "xoxb-••••••••"
        );
        let exactly = Secret::new("npm_abcdefghijklmnopqrst".into());
        assert_eq!(exactly.masked(Some("npm_")), "npm_••••••••qrst");
    }
}
