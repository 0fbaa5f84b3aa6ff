//! The key set `tokenkeeper verify` checks a signature against: from a file or a URL.

use std::io::Read;

use jsonwebtoken::jwk::JwkSet;
use reqwest::Method;
use tokenkeeper_core::verify::parse_jwks;

use crate::{
    Error, Result,
    http::{Client, MAX_BODY_BYTES, Request, origin},
};

fn key_invalid(message: String) -> Error {
    Error::Core(tokenkeeper_core::Error::KeyInvalid(message))
}

/// How many redirects a key URL may take, each to the same host.
const MAX_REDIRECTS: usize = 3;

/// Loads a key set from a file path or URL. `http://` is only accepted for loopback hosts, at
/// every hop; a redirect to another host is refused; more than 1 MiB is refused, never cut.
pub async fn load_jwks(source: &str) -> Result<JwkSet> {
    let text = if source.starts_with("https://") || source.starts_with("http://") {
        fetch(&Client::new()?, source).await?
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
    let mut body = Vec::new();
    file.take(MAX_BODY_BYTES as u64 + 1)
        .read_to_end(&mut body)
        .map_err(|e| cannot(&e))?;
    capped(body, &format!("the key file {path}"))
}

fn capped(body: Vec<u8>, what: &str) -> Result<String> {
    if body.len() > MAX_BODY_BYTES {
        return Err(key_invalid(format!(
            "{what} is over 1 MiB; a key set is a few KiB, so it is refused rather than cut"
        )));
    }
    String::from_utf8(body).map_err(|_| key_invalid(format!("{what} is not UTF-8 text")))
}

/// The key-URL errors `origin` gives are about keys here.
fn key_origin(url: &str) -> Result<crate::http::Origin> {
    origin(url).map_err(|e| match e {
        Error::Refused(m) => key_invalid(m.replace("Refusing ", "Refusing the key URL ")),
        other => other,
    })
}

pub(crate) async fn fetch(client: &Client, url: &str) -> Result<String> {
    let first = key_origin(url)?;
    let mut current = url.to_owned();
    for _ in 0..=MAX_REDIRECTS {
        let here = key_origin(&current)?;
        // The whole URL is the request; `origin` only vouches for its scheme and host.
        let req = Request {
            method: Method::GET,
            url: current.clone(),
            headers: Vec::new(),
            body: None,
        };
        let answer = client.send(&here, req).await.map_err(|e| match e {
            Error::Refused(m) => key_invalid(m),
            other => other,
        })?;
        let status = answer.status;
        if status.is_redirection() {
            let location = answer.header("location").ok_or_else(|| {
                Error::Network(format!(
                    "{current} redirected ({status}) without a Location"
                ))
            })?;
            let authority_of = |o: &crate::http::Origin| {
                o.base.splitn(4, '/').take(3).collect::<Vec<_>>().join("/")
            };
            let next = if location.starts_with('/') && !location.starts_with("//") {
                format!("{}{location}", authority_of(&here))
            } else {
                location.to_owned()
            };
            let there = key_origin(&next)?;
            if there.host != first.host {
                return Err(key_invalid(format!(
                    "{current} redirected to another host ({}); keys are only taken from the \
                     host you named",
                    authority_of(&there)
                )));
            }
            if first.https() && !there.https() {
                return Err(key_invalid(format!(
                    "{current} redirected from https to {}",
                    authority_of(&there)
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
        return capped(answer.body, &format!("the JWKS from {current}"));
    }
    Err(Error::Network(format!(
        "{url} redirected more than {MAX_REDIRECTS} times"
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_missing_key_file_is_named() {
        match load_jwks("/nonexistent/keys.json").await {
            Err(Error::Core(tokenkeeper_core::Error::KeyInvalid(m))) => {
                assert!(m.contains("/nonexistent/keys.json"), "{m}")
            }
            other => panic!("a missing key file: {other:?}"),
        }
    }

    #[tokio::test]
    async fn plain_http_is_refused_for_remote_hosts() {
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
            match load_jwks(url).await {
                Err(Error::Core(tokenkeeper_core::Error::KeyInvalid(m))) => {
                    assert!(m.contains("https"), "{url}: {m}")
                }
                other => panic!("{url}: keys over plain http to a remote host: {other:?}"),
            }
        }
    }
}
