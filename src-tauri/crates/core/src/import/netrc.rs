//! `.netrc`: whitespace-separated words in any layout (one entry per line, one per several
//! lines, several on one line), `"quoted"` words with `\` escapes, `#` comments and `macdef`
//! bodies that run to the next blank line, as curl and Python's `netrc` read it.

use std::ops::Range;

use super::{Edit, Found, line_of, provider_for, token_name};
use crate::Secret;

/// One word and where it is.
struct Word {
    at: Range<usize>,
    value: String,
}

fn words(text: &str) -> Vec<Word> {
    let bytes = text.as_bytes();
    let mut out: Vec<Word> = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        if c.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        if c == b'#' {
            i = text[i..].find('\n').map_or(bytes.len(), |n| i + n);
            continue;
        }
        let start = i;
        let mut value = String::new();
        if c == b'"' {
            i += 1;
            let mut chars = text[i..].char_indices();
            let mut end = bytes.len();
            while let Some((n, ch)) = chars.next() {
                match ch {
                    '"' => {
                        end = i + n + 1;
                        break;
                    }
                    '\\' => {
                        if let Some((_, next)) = chars.next() {
                            value.push(next);
                        }
                    }
                    other => value.push(other),
                }
            }
            i = end;
        } else {
            let end = text[i..]
                .find(|ch: char| ch.is_ascii_whitespace())
                .map_or(bytes.len(), |n| i + n);
            value.push_str(&text[i..end]);
            i = end;
        }
        let is_macdef = value == "macdef";
        out.push(Word {
            at: start..i,
            value,
        });
        if is_macdef {
            // The macro's name, then its body up to a blank line: text, not words.
            let line_end = text[i..].find('\n').map_or(bytes.len(), |n| i + n);
            let name = text[i..line_end].trim();
            if !name.is_empty() {
                let name_start = i + text[i..line_end].find(name).unwrap_or(0);
                out.push(Word {
                    at: name_start..name_start + name.len(),
                    value: name.to_owned(),
                });
            }
            i = text[line_end..]
                .find("\n\n")
                .map_or(bytes.len(), |n| line_end + n + 2);
        }
    }
    out
}

fn starts_entry(word: &Word) -> bool {
    matches!(word.value.as_str(), "machine" | "default" | "macdef")
}

pub(super) fn looks_like_netrc(text: &str) -> bool {
    words(text)
        .first()
        .is_some_and(|w| w.value == "machine" || w.value == "default")
}

pub(super) fn netrc(text: &str, now: i64) -> Vec<Found> {
    let words = words(text);
    let mut found = Vec::new();
    let mut i = 0;
    while i < words.len() {
        let first = &words[i];
        let (machine, mut j) = match first.value.as_str() {
            "machine" => (words.get(i + 1).map(|w| w.value.clone()), i + 2),
            "default" => (None, i + 1),
            _ => {
                i += 1;
                continue;
            }
        };
        let mut login: Option<&str> = None;
        let mut password: Option<&Word> = None;
        let mut last = (j - 1).min(words.len() - 1);
        while j < words.len() && !starts_entry(&words[j]) {
            let value = words.get(j + 1).filter(|w| !starts_entry(w));
            match (words[j].value.as_str(), value) {
                ("login", Some(v)) => login = Some(&v.value),
                ("password", Some(v)) => password = Some(v),
                _ => {}
            }
            last = if value.is_some() { j + 1 } else { j };
            j += if value.is_some() { 2 } else { 1 };
        }
        if let Some(pw) = password.filter(|p| !p.value.is_empty()) {
            let next = words.get(j).map_or(text.len(), |w| w.at.start);
            let place = machine.as_deref().unwrap_or("default");
            let label = match (&machine, login) {
                (Some(m), Some(l)) => format!("machine {m} login {l}"),
                (Some(m), None) => format!("machine {m}"),
                (None, Some(l)) => format!("default login {l}"),
                (None, None) => "default".to_owned(),
            };
            let name = match login {
                Some(l) => format!("{l}@{place}"),
                None => place.to_owned(),
            };
            found.push(Found {
                label,
                line: line_of(text, pw.at.start),
                secret: Secret::new(pw.value.clone()),
                provider: provider_for(&pw.value, machine.as_deref(), "other", now),
                name: token_name(&name),
                env_var: None,
                edit: Edit::Remove(entry_span(text, first.at.start, words[last].at.end, next)),
            });
        }
        i = j;
    }
    found
}

/// The bytes an entry from `start` (its `machine`) to `last_end` (its last word) occupies,
/// with the next entry at `next`: whole lines when it has lines of its own, so neither a
/// blank line nor a comment of its neighbours goes with it.
fn entry_span(text: &str, start: usize, last_end: usize, next: usize) -> Range<usize> {
    let line_start = text[..start].rfind('\n').map_or(0, |n| n + 1);
    let starts_line = text[line_start..start].trim().is_empty();
    let eol = text[last_end..].find('\n').map(|n| last_end + n);
    let next_on_same_line = next < text.len() && eol.is_none_or(|e| next < e);
    if next_on_same_line {
        return start..next;
    }
    if starts_line {
        line_start..eol.map_or(text.len(), |e| e + 1)
    } else {
        let before = text[..start].trim_end_matches([' ', '\t']).len();
        // The line keeps its break, `\r\n` included.
        let end = eol.map_or(text.len(), |e| {
            if text[..e].ends_with('\r') { e - 1 } else { e }
        });
        before..end
    }
}
