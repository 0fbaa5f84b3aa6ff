//! Whether a pasted token has the shape its provider documents: the prefix, the length, the
//! characters and, where the format has one, the checksum. A truncated or mangled paste is
//! caught here, before it is saved and fails in production.

use serde::Serialize;

use crate::providers::{self, Alphabet, Checksum, Guide, Shape};

/// What the paste field says about a token's shape.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ShapeCheck {
    /// The token has a documented shape of the guide, or the guide documents none.
    pub ok: bool,
    /// What is wrong, in words a user can act on; `None` when `ok`.
    pub problem: Option<String>,
    /// Which checks ran ("prefix", "length", "characters", "checksum").
    pub checked: Vec<String>,
}

/// Checks `token` against the shapes of one guide (`provider`/`guide`).
pub fn check_paste(provider: &str, guide: &str, token: &str) -> ShapeCheck {
    let Some(g) = providers::guide(provider, guide) else {
        return ShapeCheck {
            ok: false,
            problem: Some(format!(
                "The catalog has no guide `{guide}` for `{provider}`"
            )),
            checked: Vec::new(),
        };
    };
    let token = token.trim();
    if g.shapes.is_empty() {
        return ShapeCheck {
            ok: true,
            problem: None,
            checked: Vec::new(),
        };
    }
    match g
        .shapes
        .iter()
        .filter(|s| token.starts_with(s.prefix.as_str()))
        .max_by_key(|s| s.prefix.len())
    {
        Some(shape) => {
            let (problem, checked) = check(token, shape, &g.name);
            ShapeCheck {
                ok: problem.is_none(),
                problem,
                checked,
            }
        }
        None => ShapeCheck {
            ok: false,
            problem: Some(wrong_prefix(g, token)),
            checked: vec!["prefix".into()],
        },
    }
}

/// The shape problem of a token recognised by its prefix alone, for inspection's warnings.
pub fn problem_of(token: &str) -> Option<String> {
    let (_, guide, shape) = providers::by_prefix_shape(token)?;
    check(token, shape, &guide.name).0
}

fn wrong_prefix(g: &Guide, token: &str) -> String {
    let wanted: Vec<String> = g.shapes.iter().map(|s| format!("`{}`", s.prefix)).collect();
    let mut out = format!("A {} starts with {}", g.name, wanted.join(" or "));
    match providers::by_prefix_shape(token) {
        Some((p, other, _)) => out.push_str(&format!(
            "; this one looks like a {} {}. Pick that kind, or paste the token you just made",
            providers::display_name(p),
            other.name
        )),
        None => out.push_str("; this one does not. Was it copied whole, from the right page?"),
    }
    out
}

/// `(problem, checks that ran)` for a token that starts with `shape.prefix`.
fn check(token: &str, shape: &Shape, name: &str) -> (Option<String>, Vec<String>) {
    let mut checked = vec!["prefix".to_owned()];
    let len = token.chars().count();
    if let Some(at) = token.find(char::is_whitespace) {
        return (
            Some(format!(
                "This {name} has a space or line break after character {at}; a token has none. \
                 Copy it again as one line"
            )),
            checked,
        );
    }
    if shape.min_length.is_some() || shape.max_length.is_some() {
        checked.push("length".into());
        let min = shape.min_length.map_or(0, |m| m as usize);
        let max = shape.max_length.map_or(usize::MAX, |m| m as usize);
        let whole = match (shape.min_length, shape.max_length) {
            (Some(a), Some(b)) if a == b => format!("{a}"),
            (Some(a), Some(b)) => format!("{a}–{b}"),
            (Some(a), None) => format!("at least {a}"),
            (None, Some(b)) => format!("at most {b}"),
            (None, None) => String::new(),
        };
        if len < min {
            return (
                Some(format!(
                    "This {name} is {len} characters long; a whole one is {whole}. Was the end \
                     cut off when you copied it?"
                )),
                checked,
            );
        }
        if len > max {
            return (
                Some(format!(
                    "This {name} is {len} characters long; a whole one is {whole}. Was something \
                     pasted with it?"
                )),
                checked,
            );
        }
    }
    let rest = &token[shape.prefix.len()..];
    if let Some(alphabet) = shape.alphabet {
        checked.push("characters".into());
        if let Some((i, c)) = rest.char_indices().find(|&(_, c)| !allowed(alphabet, c)) {
            return (
                Some(format!(
                    "This {name} has `{}` at character {}, which such a token never holds. Copy \
                     it again from the provider's page",
                    c.escape_default(),
                    shape.prefix.len() + i + 1
                )),
                checked,
            );
        }
    }
    if let Some(Checksum::Crc32Base62Last6) = shape.checksum {
        checked.push("checksum".into());
        if !crc32_base62_last6(rest) {
            return (
                Some(format!(
                    "This {name}'s checksum does not match: a character was changed or lost on \
                     the way. Copy it again from the provider's page"
                )),
                checked,
            );
        }
    }
    (None, checked)
}

fn allowed(alphabet: Alphabet, c: char) -> bool {
    match alphabet {
        Alphabet::Base62 => c.is_ascii_alphanumeric(),
        Alphabet::Base62Underscore => c.is_ascii_alphanumeric() || c == '_',
        Alphabet::Base64url => c.is_ascii_alphanumeric() || c == '-' || c == '_',
        Alphabet::Hex => c.is_ascii_hexdigit(),
        Alphabet::AlnumDash => c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.',
        Alphabet::Printable => c.is_ascii_graphic(),
    }
}

const BASE62: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// GitHub's and npm's token checksum: the last six characters are the CRC32 of the rest, in
/// base62, zero-padded.
pub(crate) fn crc32_base62_last6(body: &str) -> bool {
    let Some(split) = body.len().checked_sub(6) else {
        return false;
    };
    if !body.is_char_boundary(split) {
        return false;
    }
    let (random, sum) = body.split_at(split);
    base62_6(crc32(random.as_bytes())).as_bytes() == sum.as_bytes()
}

pub(crate) fn base62_6(mut n: u32) -> String {
    let mut out = [b'0'; 6];
    for slot in out.iter_mut().rev() {
        *slot = BASE62[(n % 62) as usize];
        n /= 62;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// CRC-32 (IEEE 802.3, reflected), as zlib computes it.
pub(crate) fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// A token of `prefix` + `random` with its checksum appended, for tests and fixtures.
pub fn with_checksum(prefix: &str, random: &str) -> String {
    format!("{prefix}{random}{}", base62_6(crc32(random.as_bytes())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc32_matches_zlib() {
        // zlib.crc32(b"123456789") is the standard check value.
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        assert_eq!(crc32(b""), 0);
    }

    #[test]
    fn base62_pads_to_six() {
        assert_eq!(base62_6(0), "000000");
        assert_eq!(base62_6(61), "00000z");
        assert_eq!(base62_6(62), "000010");
        assert_eq!(base62_6(u32::MAX), "4gfFC3");
    }

    #[test]
    fn a_checksummed_token_passes_and_a_changed_one_does_not() {
        let t = with_checksum("ghp_", "abcdefghijklmnopqrstuvwxyz0123");
        assert_eq!(t.len(), 40);
        assert!(crc32_base62_last6(&t[4..]));
        let mut changed = t.clone().into_bytes();
        changed[10] = b'Z';
        assert!(!crc32_base62_last6(
            std::str::from_utf8(&changed[4..]).unwrap()
        ));
        assert!(!crc32_base62_last6("abc"));
    }

    #[test]
    fn a_truncated_or_changed_classic_pat_is_caught_before_it_is_saved() {
        let good = with_checksum("ghp_", "ClassicNoExpiryFixture00000001");
        let ok = check_paste("github", "classic_pat", &good);
        assert!(ok.ok, "{ok:?}");
        assert!(ok.checked.contains(&"checksum".to_owned()), "{ok:?}");

        let cut = check_paste("github", "classic_pat", &good[..good.len() - 3]);
        assert!(!cut.ok);
        assert!(
            cut.problem
                .as_deref()
                .is_some_and(|p| p.contains("cut off")),
            "{cut:?}"
        );

        let mut changed = good.clone().into_bytes();
        changed[8] = if changed[8] == b'A' { b'B' } else { b'A' };
        let changed = String::from_utf8(changed).unwrap();
        let bad = check_paste("github", "classic_pat", &changed);
        assert!(
            bad.problem
                .as_deref()
                .is_some_and(|p| p.contains("checksum")),
            "{bad:?}"
        );

        let spaced = format!("{} {}", &good[..20], &good[20..]);
        let sp = check_paste("github", "classic_pat", &spaced);
        assert!(
            sp.problem.as_deref().is_some_and(|p| p.contains("space")),
            "{sp:?}"
        );
    }

    #[test]
    fn the_wrong_kind_of_token_names_the_kind_it_is() {
        let classic = with_checksum("ghp_", "ClassicNoExpiryFixture00000001");
        let r = check_paste("github", "fine_grained_pat", &classic);
        assert!(!r.ok);
        let p = r.problem.unwrap_or_default();
        assert!(p.contains("github_pat_") && p.contains("classic"), "{p}");
        let r = check_paste("github", "fine_grained_pat", "hello");
        assert!(r.problem.unwrap_or_default().contains("copied whole"));
    }

    #[test]
    fn npm_tokens_carry_the_same_checksum() {
        let good = with_checksum("npm_", "FixtureValidNpmToken0000000001");
        assert!(check_paste("npm", "granular", &good).ok);
        assert!(!check_paste("npm", "granular", &good[..good.len() - 1]).ok);
    }

    #[test]
    fn guides_without_shapes_accept_anything_and_unknown_guides_say_so() {
        assert!(check_paste("auth0", "access", "eyJhbGciOi.x.y").ok);
        let none = check_paste("github", "nope", "x");
        assert!(!none.ok && none.problem.unwrap_or_default().contains("no guide"));
    }

    #[test]
    fn inspection_warns_about_a_recognised_token_of_the_wrong_shape() {
        let good = with_checksum("ghp_", "ClassicNoExpiryFixture00000001");
        assert_eq!(problem_of(&good), None);
        assert!(problem_of(&good[..30]).is_some());
    }
}
