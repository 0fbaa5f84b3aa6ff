//! tokenkeeper-remote: everything that talks to an issuer over HTTP. Today that is loading the
//! key set `tokenkeeper verify` checks a signature against; provider checks and OAuth flows
//! come here too. It depends on the core, never on the vault or a GUI.

use std::{io::Read, time::Duration};

use jsonwebtoken::jwk::JwkSet;
use tokenkeeper_core::verify::parse_jwks;

/// A JWKS larger than this is refused.
const MAX_JWKS_BYTES: u64 = 1024 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Core(#[from] tokenkeeper_core::Error),
    #[error("{0}")]
    Network(String),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

fn key_invalid(message: String) -> Error {
    Error::Core(tokenkeeper_core::Error::KeyInvalid(message))
}

/// How many redirects a key URL may take, each to the same host.
const MAX_REDIRECTS: usize = 3;

/// Loads a key set from a file path or URL. `http://` is only accepted for loopback hosts, at
/// every hop; a redirect to another host is refused; more than 1 MiB is refused, never cut.
pub fn load_jwks(source: &str) -> Result<JwkSet> {
    let text = if source.starts_with("https://") || source.starts_with("http://") {
        fetch(source)?
    } else {
        read_key_file(source)?
    };
    Ok(parse_jwks(&text)?)
}

/// A regular file only: a FIFO or device could block forever or never end.
fn read_key_file(path: &str) -> Result<String> {
    let cannot =
        |e: &dyn std::fmt::Display| key_invalid(format!("Cannot read the key file {path}: {e}"));
    let meta = std::fs::metadata(path).map_err(|e| cannot(&e))?;
    if !meta.is_file() {
        return Err(key_invalid(format!(
            "The key file {path} is not a regular file (a FIFO, device or folder is refused)"
        )));
    }
    let file = std::fs::File::open(path).map_err(|e| cannot(&e))?;
    read_capped(file, &format!("the key file {path}"))
}

/// Reads at most `MAX_JWKS_BYTES`; one byte more is an error naming `what`.
fn read_capped(reader: impl Read, what: &str) -> Result<String> {
    let mut body = String::new();
    reader
        .take(MAX_JWKS_BYTES + 1)
        .read_to_string(&mut body)
        .map_err(|e| Error::Network(format!("Could not read {what}: {e}")))?;
    if body.len() as u64 > MAX_JWKS_BYTES {
        return Err(key_invalid(format!(
            "{what} is over 1 MiB; a key set is a few KiB, so it is refused rather than cut"
        )));
    }
    Ok(body)
}

/// Scheme, host and port of a URL (`https://a.example:8443`), lower-cased, after the loopback
/// rule for plain http.
fn origin(url: &str) -> Result<(String, String)> {
    let (scheme, rest) = url
        .split_once("://")
        .ok_or_else(|| key_invalid(format!("`{url}` is not a URL")))?;
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    // Userinfo is refused outright (`http://127.0.0.1:80@evil/` goes to `evil`).
    if authority.contains('@') || authority.is_empty() {
        return Err(key_invalid(format!(
            "Refusing the key URL {url}: it has user info or no host; give its plain https URL"
        )));
    }
    let host = match authority.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or(""),
        None => authority.split(':').next().unwrap_or(""),
    };
    match scheme {
        "https" => {}
        "http" if matches!(host, "127.0.0.1" | "localhost" | "::1") => {}
        "http" => {
            return Err(key_invalid(format!(
                "Refusing to fetch keys over plain http from {authority}: use an https URL"
            )));
        }
        other => return Err(key_invalid(format!("Refusing a {other}:// key URL"))),
    }
    Ok((
        format!("{scheme}://{}", authority.to_ascii_lowercase()),
        host.to_ascii_lowercase(),
    ))
}

fn fetch(url: &str) -> Result<String> {
    let (first_origin, first_host) = origin(url)?;
    let agent = ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(10)))
        // Redirects are followed here, one hop at a time, so each is checked.
        .max_redirects(0)
        .http_status_as_error(false)
        .build()
        .new_agent();
    let mut current = url.to_owned();
    for _ in 0..=MAX_REDIRECTS {
        let (current_origin, _) = origin(&current)?;
        let response = agent
            .get(&current)
            .call()
            .map_err(|e| Error::Network(format!("Could not fetch the JWKS from {current}: {e}")))?;
        let status = response.status();
        if status.is_redirection() {
            let location = response
                .headers()
                .get("location")
                .and_then(|l| l.to_str().ok())
                .ok_or_else(|| {
                    Error::Network(format!(
                        "{current} redirected ({status}) without a Location"
                    ))
                })?;
            let next = if location.starts_with('/') && !location.starts_with("//") {
                format!("{current_origin}{location}")
            } else {
                location.to_owned()
            };
            let (next_origin, next_host) = origin(&next)?;
            if next_host != first_host {
                return Err(key_invalid(format!(
                    "{current} redirected to another host ({next_origin}); keys are only \
                     taken from the host you named"
                )));
            }
            if first_origin.starts_with("https://") && !next_origin.starts_with("https://") {
                return Err(key_invalid(format!(
                    "{current} redirected from https to {next_origin}"
                )));
            }
            current = next;
            continue;
        }
        if !status.is_success() {
            return Err(Error::Network(format!(
                "Could not fetch the JWKS from {current}: HTTP {status}"
            )));
        }
        return read_capped(
            response.into_body().into_reader(),
            &format!("the JWKS from {current}"),
        );
    }
    Err(Error::Network(format!(
        "{url} redirected more than {MAX_REDIRECTS} times"
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_key_file_is_named() {
        match load_jwks("/nonexistent/keys.json") {
            Err(Error::Core(tokenkeeper_core::Error::KeyInvalid(m))) => {
                assert!(m.contains("/nonexistent/keys.json"), "{m}")
            }
            other => panic!("a missing key file: {other:?}"),
        }
    }

    #[test]
    fn plain_http_is_refused_for_remote_hosts() {
        for url in [
            "http://example.com/jwks.json",
            "http://10.0.0.1/jwks",
            "http://127.0.0.1.evil.example/k",
            // Userinfo that looks like loopback: the request would go to evil.example.
            "http://127.0.0.1:80@evil.example/k",
            "http://localhost@evil.example/k",
            // Any IPv6 literal but ::1.
            "http://[2001:db8::1]/jwks",
            "http://[::2]:8080/jwks",
        ] {
            match load_jwks(url) {
                Err(Error::Core(tokenkeeper_core::Error::KeyInvalid(m))) => {
                    assert!(m.contains("https"), "{url}: {m}")
                }
                other => panic!("{url}: keys over plain http to a remote host: {other:?}"),
            }
        }
    }
}
