//! The one-shot loopback listener the browser is redirected to after sign-in: 127.0.0.1 on an
//! ephemeral port, one callback accepted, then closed. It checks `state` (and `iss`, RFC 9207)
//! before anything else, answers with a page that holds no code and sends no referrer, and
//! ignores anything that is not the callback path (a favicon request, say).

use std::time::Duration;

use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::{TcpListener, TcpStream},
};
use zeroize::Zeroizing;

use crate::{Error, Result, http::percent};

/// Where the browser comes back to.
pub const CALLBACK_PATH: &str = "/callback";
/// The longest request line and headers read from the browser.
const MAX_REQUEST: usize = 16 * 1024;

pub struct Listener {
    inner: TcpListener,
    pub redirect_uri: String,
}

/// The browser's callback, checked.
pub struct Callback {
    pub code: Zeroizing<String>,
}

/// What the callback must carry to be accepted.
pub struct Expect<'a> {
    pub state: &'a str,
    /// The issuer `iss` must equal when present; `required` when the server promised it.
    pub issuer: Option<&'a str>,
    pub iss_required: bool,
}

impl Listener {
    pub async fn bind() -> Result<Listener> {
        let inner = TcpListener::bind("127.0.0.1:0").await.map_err(|e| {
            Error::Network(format!(
                "Cannot listen on 127.0.0.1 for the sign-in redirect: {e}"
            ))
        })?;
        let port = inner
            .local_addr()
            .map_err(|e| Error::Network(e.to_string()))?
            .port();
        Ok(Listener {
            inner,
            redirect_uri: format!("http://127.0.0.1:{port}{CALLBACK_PATH}"),
        })
    }

    /// Waits for the callback (at most `timeout`), answers the browser and closes. Any
    /// callback that fails a check ends the sign-in: a forged redirect cannot be retried into
    /// success, and no token request is made for it.
    pub async fn accept(self, expect: &Expect<'_>, timeout: Duration) -> Result<Callback> {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let (mut stream, _) = tokio::time::timeout_at(deadline, self.inner.accept())
                .await
                .map_err(|_| {
                    Error::Rejected(format!(
                        "No sign-in came back within {} minutes; start again",
                        timeout.as_secs() / 60
                    ))
                })?
                .map_err(|e| Error::Network(e.to_string()))?;
            let Ok(Ok(target)) =
                tokio::time::timeout(Duration::from_secs(10), read_target(&mut stream)).await
            else {
                continue;
            };
            let Some(query) = callback_query(&target) else {
                let _ = respond(&mut stream, 404, "Not found", "Nothing here.").await;
                continue;
            };
            let outcome = check(&query, expect);
            let (status, title, text) = match &outcome {
                Ok(_) => (
                    200,
                    "Signed in",
                    "Tokenkeeper has the sign-in. You can close this tab.",
                ),
                Err(_) => (
                    400,
                    "Sign-in refused",
                    "Tokenkeeper did not accept this sign-in. Return to the app and start again.",
                ),
            };
            let _ = respond(&mut stream, status, title, text).await;
            return outcome;
        }
    }
}

/// The request target (`/callback?…`) of the first line.
async fn read_target(stream: &mut TcpStream) -> std::io::Result<Zeroizing<String>> {
    let mut buf = Zeroizing::new(Vec::with_capacity(1024));
    let mut chunk = [0u8; 1024];
    while !buf.windows(4).any(|w| w == b"\r\n\r\n") && buf.len() < MAX_REQUEST {
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            break;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    let text = String::from_utf8_lossy(&buf);
    let line = text.lines().next().unwrap_or_default();
    let mut parts = line.split(' ');
    let target = match (parts.next(), parts.next()) {
        (Some("GET"), Some(t)) => t.to_owned(),
        _ => String::new(),
    };
    Ok(Zeroizing::new(target))
}

fn callback_query(target: &str) -> Option<Zeroizing<Vec<(String, String)>>> {
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    (path == CALLBACK_PATH).then(|| Zeroizing::new(parse_query(query)))
}

fn check(query: &[(String, String)], expect: &Expect<'_>) -> Result<Callback> {
    let get = |k: &str| query.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    if !constant_time_eq(get("state").unwrap_or_default(), expect.state) {
        return Err(Error::Rejected(
            "The sign-in came back with the wrong `state`: refused, no token was requested. \
             Start the sign-in again from Tokenkeeper."
                .into(),
        ));
    }
    match (get("iss"), expect.issuer) {
        (Some(iss), Some(want)) if iss.trim_end_matches('/') != want.trim_end_matches('/') => {
            return Err(Error::Rejected(format!(
                "The sign-in came back from the issuer {iss:?}, not {want:?} (a mix-up attack?): refused, no token was requested"
            )));
        }
        (None, Some(_)) if expect.iss_required => {
            return Err(Error::Rejected(
                "The sign-in came back without the `iss` its server promises (RFC 9207): refused"
                    .into(),
            ));
        }
        _ => {}
    }
    if let Some(error) = get("error") {
        let why = get("error_description").unwrap_or_default();
        return Err(Error::OAuth {
            code: error.to_owned(),
            description: format!("The sign-in ended with {error}{}", suffix(why)),
        });
    }
    let code = get("code")
        .filter(|c| !c.is_empty())
        .ok_or_else(|| Error::Rejected("The sign-in came back without a code: refused".into()))?;
    Ok(Callback {
        code: Zeroizing::new(code.to_owned()),
    })
}

fn suffix(why: &str) -> String {
    if why.is_empty() {
        String::new()
    } else {
        format!(": {why}")
    }
}

fn constant_time_eq(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

async fn respond(
    stream: &mut TcpStream,
    status: u16,
    title: &str,
    text: &str,
) -> std::io::Result<()> {
    let reason = match status {
        200 => "OK",
        404 => "Not Found",
        _ => "Bad Request",
    };
    let body = format!(
        "<!doctype html><meta charset=utf-8><title>{title}</title>\
         <body style=\"font:16px system-ui;margin:3em\"><h1>{title}</h1><p>{text}</p>"
    );
    let head = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: text/html; charset=utf-8\r\n\
         Content-Length: {}\r\nReferrer-Policy: no-referrer\r\nCache-Control: no-store\r\n\
         Content-Security-Policy: default-src 'none'; style-src 'unsafe-inline'\r\n\
         X-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await?;
    stream.write_all(body.as_bytes()).await?;
    stream.shutdown().await
}

/// `a=b&c=d`, percent-decoded (`+` is a space).
pub fn parse_query(q: &str) -> Vec<(String, String)> {
    q.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (decode(k), decode(v))
        })
        .collect()
}

fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                let hex = |b: u8| (b as char).to_digit(16);
                match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                    (Some(h), Some(l)) => {
                        out.push((h * 16 + l) as u8);
                        i += 2;
                    }
                    _ => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// For tests: the query string a callback carries.
pub fn query_string(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", percent(k), percent(v)))
        .collect::<Vec<_>>()
        .join("&")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        parse_query(&query_string(pairs))
    }

    const EXPECT: Expect<'static> = Expect {
        state: "s1",
        issuer: Some("http://127.0.0.1:9/"),
        iss_required: true,
    };

    #[test]
    fn a_good_callback_gives_its_code() {
        let cb = check(
            &q(&[
                ("code", "c+/="),
                ("state", "s1"),
                ("iss", "http://127.0.0.1:9"),
            ]),
            &EXPECT,
        )
        .unwrap();
        assert_eq!(cb.code.as_str(), "c+/=");
    }

    #[test]
    fn wrong_state_wrong_iss_missing_iss_and_errors_are_refused() {
        let bad = [
            q(&[
                ("code", "c"),
                ("state", "s2"),
                ("iss", "http://127.0.0.1:9"),
            ]),
            q(&[("code", "c"), ("iss", "http://127.0.0.1:9")]),
            q(&[("code", "c"), ("state", "s1"), ("iss", "http://evil")]),
            q(&[("code", "c"), ("state", "s1")]),
            q(&[
                ("error", "access_denied"),
                ("state", "s1"),
                ("iss", "http://127.0.0.1:9"),
            ]),
        ];
        for b in bad {
            assert!(check(&b, &EXPECT).is_err(), "{b:?}");
        }
    }

    #[test]
    fn percent_decoding_handles_plus_and_stray_percent() {
        assert_eq!(decode("a+b%2Fc%"), "a b/c%");
        assert_eq!(decode("%zz"), "%zz");
    }
}
