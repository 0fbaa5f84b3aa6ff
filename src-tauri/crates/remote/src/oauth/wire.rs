//! The bridge between the `oauth2` crate and the one HTTP client: every OAuth request goes
//! through [`Client::send_raw`] (loopback without proxies, plain http only to loopback, 15 s,
//! 1 MiB, no redirects). A 5xx, 429 or network failure becomes [`Wire`] so the caller can tell
//! "try again later" (with the server's `Retry-After`) from the server's answer.

use std::{future::Future, pin::Pin};

use oauth2::{HttpRequest, HttpResponse};

use crate::{Error, http::Client};

/// Why a request got no usable answer. Its text never holds a body (bodies carry tokens).
#[derive(Debug, thiserror::Error)]
pub enum Wire {
    #[error("{message}")]
    Unavailable {
        message: String,
        retry_after: Option<i64>,
    },
    #[error("{0}")]
    Failed(String),
}

impl From<Wire> for Error {
    fn from(w: Wire) -> Error {
        match w {
            Wire::Unavailable {
                message,
                retry_after,
            } => Error::Unavailable {
                message,
                retry_after,
            },
            Wire::Failed(m) => Error::Network(m),
        }
    }
}

type Sent = Pin<Box<dyn Future<Output = Result<HttpResponse, Wire>> + Send>>;

/// An `oauth2` HTTP client (its `AsyncHttpClient` is implemented for closures like this one).
pub fn http(client: &Client) -> impl Fn(HttpRequest) -> Sent + Send + Sync + use<> {
    let client = client.clone();
    move |req: HttpRequest| {
        let client = client.clone();
        Box::pin(async move {
            let (parts, body) = req.into_parts();
            let url = parts.uri.to_string();
            let origin = crate::http::origin(&url).map_err(|e| Wire::Failed(e.to_string()))?;
            let now = chrono::Utc::now().timestamp();
            let answer = client
                .send_raw(&origin, parts.method, &url, parts.headers, body)
                .await
                .map_err(|e| match e {
                    Error::Network(m) => Wire::Unavailable {
                        message: m,
                        retry_after: None,
                    },
                    other => Wire::Failed(other.to_string()),
                })?;
            let status = answer.status.as_u16();
            if status >= 500 || status == 429 {
                let where_ = url.split(['?', '#']).next().unwrap_or(&url).to_owned();
                return Err(Wire::Unavailable {
                    message: format!("{where_} answered {status}; try again later"),
                    retry_after: answer.retry_after(now),
                });
            }
            let mut response = HttpResponse::new(answer.body);
            *response.status_mut() = answer.status;
            *response.headers_mut() = answer.headers;
            Ok(response)
        })
    }
}
