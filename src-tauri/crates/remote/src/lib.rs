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

/// Loads a key set from a file path or URL. `http://` is only accepted for loopback hosts.
pub fn load_jwks(source: &str) -> Result<JwkSet> {
    let text = if source.starts_with("https://") || source.starts_with("http://") {
        fetch(source)?
    } else {
        std::fs::read_to_string(source)
            .map_err(|e| key_invalid(format!("Cannot read the key file {source}: {e}")))?
    };
    Ok(parse_jwks(&text)?)
}

fn fetch(url: &str) -> Result<String> {
    if let Some(rest) = url.strip_prefix("http://") {
        // Userinfo is refused outright (`http://127.0.0.1:80@evil/` goes to `evil`), and an
        // IPv6 literal must be exactly `[::1]`.
        let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
        let host = match authority.strip_prefix('[') {
            Some(v6) => v6.split(']').next().unwrap_or(""),
            None => authority.split(':').next().unwrap_or(""),
        };
        if authority.contains('@') || !matches!(host, "127.0.0.1" | "localhost" | "::1") {
            return Err(key_invalid(format!(
                "Refusing to fetch keys over plain http from {authority}: use an https URL"
            )));
        }
    }
    let agent = ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(10)))
        // An https key set must not be downgraded to http by a redirect.
        .https_only(url.starts_with("https://"))
        .max_redirects(3)
        .build()
        .new_agent();
    let response = agent
        .get(url)
        .call()
        .map_err(|e| Error::Network(format!("Could not fetch the JWKS from {url}: {e}")))?;
    let mut body = String::new();
    response
        .into_body()
        .into_reader()
        .take(MAX_JWKS_BYTES)
        .read_to_string(&mut body)
        .map_err(|e| Error::Network(format!("Could not read the JWKS from {url}: {e}")))?;
    Ok(body)
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
