//! The one HTTP client: rustls (ring), bounded in time and size, a real User-Agent, no
//! redirects followed behind the caller's back, plain http only to loopback, and a secret only
//! ever in a header or a body, never in a URL.

use std::{sync::Once, time::Duration};

use reqwest::{
    Method, StatusCode,
    header::{HeaderMap, HeaderValue},
};
use zeroize::Zeroizing;

use crate::{Error, Result};

/// A response body larger than this is refused, never cut.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;
/// Whole request, connect to last byte.
pub const TIMEOUT: Duration = Duration::from_secs(15);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

pub const USER_AGENT: &str = concat!(
    "Tokenkeeper/",
    env!("CARGO_PKG_VERSION"),
    " (+https://github.com/tokenkeeper/tokenkeeper)"
);

/// Where an API lives, checked: `https://host[:port]`, or `http://` to a loopback host only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    /// `scheme://authority`, lower-cased, no trailing slash.
    pub base: String,
    pub host: String,
    pub loopback: bool,
}

impl Origin {
    pub fn https(&self) -> bool {
        self.base.starts_with("https://")
    }
}

/// Parses and checks a base URL (an API origin, a self-managed GitLab, a key URL). A path is
/// allowed (GitLab under `/gitlab`) and kept; userinfo, other schemes and plain http to a
/// remote host are refused.
pub fn origin(url: &str) -> Result<Origin> {
    let (scheme, rest) = url
        .split_once("://")
        .ok_or_else(|| Error::Refused(format!("`{url}` is not a URL")))?;
    let scheme = scheme.to_ascii_lowercase();
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    // `http://127.0.0.1:80@evil/` goes to `evil`: userinfo is refused outright.
    if authority.contains('@') || authority.is_empty() {
        return Err(Error::Refused(format!(
            "Refusing {url}: it has user info or no host; give its plain https URL"
        )));
    }
    let host = match authority.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or(""),
        None => authority.split(':').next().unwrap_or(""),
    }
    .to_ascii_lowercase();
    let loopback = matches!(host.as_str(), "127.0.0.1" | "localhost" | "::1");
    match scheme.as_str() {
        "https" => {}
        "http" if loopback => {}
        "http" => {
            return Err(Error::Refused(format!(
                "Refusing plain http to {authority}: use an https URL (plain http is only for \
                 127.0.0.1, as in tests)"
            )));
        }
        other => return Err(Error::Refused(format!("Refusing a {other}:// URL"))),
    }
    let path = rest[authority.len()..]
        .split(['?', '#'])
        .next()
        .unwrap_or("")
        .trim_end_matches('/');
    Ok(Origin {
        base: format!("{scheme}://{}{path}", authority.to_ascii_lowercase()),
        host,
        loopback,
    })
}

/// An answer, read whole (at most `MAX_BODY_BYTES`).
#[derive(Debug)]
pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Answer {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The body as JSON; `Value::Null` when it is not JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or(serde_json::Value::Null)
    }

    /// Seconds to wait, from `Retry-After` (seconds or an HTTP date) or a reset instant
    /// (`X-RateLimit-Reset`, `RateLimit-Reset`: unix seconds, or seconds from now when small).
    pub fn retry_after(&self, now: i64) -> Option<i64> {
        if let Some(v) = self.header("retry-after") {
            if let Ok(secs) = v.trim().parse::<i64>() {
                return Some(secs.max(0));
            }
            if let Ok(at) = chrono::DateTime::parse_from_rfc2822(v.trim()) {
                return Some((at.timestamp() - now).max(0));
            }
        }
        for name in ["x-ratelimit-reset", "ratelimit-reset"] {
            if let Some(v) = self.header(name).and_then(|v| v.trim().parse::<i64>().ok()) {
                // A reset under a day's seconds is a delta (IETF RateLimit), else an instant.
                return Some(if v < 86_400 { v } else { (v - now).max(0) });
            }
        }
        None
    }
}

/// One request to build: a method, a URL made from a checked origin, headers and a body.
pub struct Request {
    pub method: Method,
    pub url: String,
    pub headers: Vec<(&'static str, HeaderValue)>,
    pub body: Option<Body>,
}

pub enum Body {
    Json(serde_json::Value),
    /// `application/x-www-form-urlencoded`; values may be secrets, so the encoded text is
    /// zeroized after sending.
    Form(Vec<(&'static str, Zeroizing<String>)>),
}

impl Request {
    pub fn new(method: Method, origin: &Origin, path: &str) -> Request {
        Request {
            method,
            url: format!("{}{path}", origin.base),
            headers: Vec::new(),
            body: None,
        }
    }

    /// A header holding a secret: marked sensitive so no debug output shows it.
    pub fn secret_header(mut self, name: &'static str, value: &str) -> Result<Request> {
        let mut v = HeaderValue::from_str(value).map_err(|_| {
            Error::Refused(
                "The token has characters an HTTP header cannot carry; is it the whole token?"
                    .into(),
            )
        })?;
        v.set_sensitive(true);
        self.headers.push((name, v));
        Ok(self)
    }

    pub fn bearer(self, token: &str) -> Result<Request> {
        let value = Zeroizing::new(format!("Bearer {token}"));
        self.secret_header("authorization", &value)
    }

    pub fn header(mut self, name: &'static str, value: &'static str) -> Request {
        self.headers.push((name, HeaderValue::from_static(value)));
        self
    }

    pub fn json(mut self, body: serde_json::Value) -> Request {
        self.body = Some(Body::Json(body));
        self
    }

    pub fn form(mut self, fields: Vec<(&'static str, Zeroizing<String>)>) -> Request {
        self.body = Some(Body::Form(fields));
        self
    }
}

fn install_crypto() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // Another part of the process may have installed one already; either is fine.
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
}

/// The client. Cheap to clone; one per process is enough.
#[derive(Clone)]
pub struct Client {
    inner: reqwest::Client,
    /// For loopback origins: no proxy from the environment in between.
    direct: reqwest::Client,
}

impl Client {
    pub fn new() -> Result<Client> {
        install_crypto();
        let build = |direct: bool| {
            let mut b = reqwest::Client::builder()
                .user_agent(USER_AGENT)
                .timeout(TIMEOUT)
                .connect_timeout(CONNECT_TIMEOUT)
                .redirect(reqwest::redirect::Policy::none())
                .https_only(false);
            if direct {
                b = b.no_proxy();
            }
            b.build()
                .map_err(|e| Error::Network(format!("Could not set up HTTPS: {e}")))
        };
        Ok(Client {
            inner: build(false)?,
            direct: build(true)?,
        })
    }

    /// Sends one request and reads the whole answer, whatever its status. Network failures
    /// and oversized bodies are errors; a 4xx or 5xx is an `Answer` for the adapter to read.
    pub async fn send(&self, origin: &Origin, req: Request) -> Result<Answer> {
        let mut headers = HeaderMap::new();
        for (name, value) in req.headers {
            headers.insert(name, value);
        }
        let body = match req.body {
            Some(Body::Json(v)) => {
                headers.insert("content-type", HeaderValue::from_static("application/json"));
                Zeroizing::new(serde_json::to_vec(&v).unwrap_or_default())
            }
            Some(Body::Form(fields)) => {
                headers.insert(
                    "content-type",
                    HeaderValue::from_static("application/x-www-form-urlencoded"),
                );
                Zeroizing::new(form_encode(&fields).into_bytes())
            }
            None => Zeroizing::new(Vec::new()),
        };
        self.send_raw(origin, req.method, &req.url, headers, body.to_vec())
            .await
    }

    /// Sends a request built elsewhere (the OAuth library's), under the same bounds.
    pub async fn send_raw(
        &self,
        origin: &Origin,
        method: Method,
        url: &str,
        headers: HeaderMap,
        body: Vec<u8>,
    ) -> Result<Answer> {
        let client = if origin.loopback {
            &self.direct
        } else {
            &self.inner
        };
        let mut b = client.request(method, url).headers(headers);
        if !body.is_empty() {
            b = b.body(body);
        }
        let mut response = b.send().await.map_err(|e| network(url, &e))?;
        let status = response.status();
        let headers = response.headers().clone();
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(|e| network(url, &e))? {
            if body.len() + chunk.len() > MAX_BODY_BYTES {
                return Err(Error::Refused(format!(
                    "{} answered with over 1 MiB; refused rather than cut",
                    strip_query(url)
                )));
            }
            body.extend_from_slice(&chunk);
        }
        Ok(Answer {
            status,
            headers,
            body,
        })
    }
}

fn strip_query(url: &str) -> &str {
    url.split(['?', '#']).next().unwrap_or(url)
}

fn network(url: &str, e: &reqwest::Error) -> Error {
    let url = strip_query(url);
    let why = if e.is_timeout() {
        format!("no answer within {} s", TIMEOUT.as_secs())
    } else if e.is_connect() {
        "could not connect (offline, or the host is down?)".to_owned()
    } else {
        // The error's own text, without the URL it repeats.
        let mut s = e.to_string();
        if let Some(i) = s.find(" for url (") {
            s.truncate(i);
        }
        s
    };
    Error::Network(format!("Could not reach {url}: {why}"))
}

/// `a=b&c=d`, percent-encoding everything but unreserved characters.
fn form_encode(fields: &[(&'static str, Zeroizing<String>)]) -> String {
    let mut out = String::new();
    for (i, (k, v)) in fields.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        out.push_str(&percent(k));
        out.push('=');
        out.push_str(&percent(v));
    }
    out
}

pub fn percent(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_http_only_to_loopback() {
        assert!(origin("http://127.0.0.1:8080").is_ok_and(|o| o.loopback));
        assert!(
            origin("https://gitlab.example.com/gitlab/")
                .is_ok_and(|o| { o.base == "https://gitlab.example.com/gitlab" && !o.loopback })
        );
        for bad in [
            "http://example.com",
            "http://127.0.0.1.evil.example",
            "http://127.0.0.1:80@evil.example/",
            "ftp://example.com",
            "example.com",
            "http://[2001:db8::1]/",
        ] {
            assert!(origin(bad).is_err(), "{bad} was accepted");
        }
    }

    #[test]
    fn form_values_are_percent_encoded() {
        let f = vec![("a", Zeroizing::new("x y&z=1".to_owned()))];
        assert_eq!(form_encode(&f), "a=x%20y%26z%3D1");
    }
}
