//! A provider API on 127.0.0.1 that answers as each provider documents, from the JSON files in
//! `tests/fixtures/` (one per provider: its tokens, routes, and how it answers a revoked or
//! unknown token). It keeps state the way a provider does: a revoked token stays revoked, and
//! a route may revoke the token it was called with (`"then": "revoke"`). Every request is
//! logged, so a test can assert what was sent (no token in a URL, no `Authorization` where the
//! provider forbids one). Used by the remote crate's tests and, through the
//! `provider-fixture` example, by the app's WebDriver tests.

#![allow(dead_code)]

use std::{
    collections::{BTreeMap, HashSet},
    io::{BufRead, BufReader, Read, Write},
    net::{TcpListener, TcpStream},
    path::Path,
    sync::{Arc, Mutex},
    thread,
};

use serde_json::Value;

/// One request as the fixture saw it.
#[derive(Debug, Clone)]
pub struct Seen {
    pub method: String,
    /// The request target exactly as sent (path and query).
    pub target: String,
    pub headers: BTreeMap<String, String>,
    pub body: String,
    /// The token it carried, wherever it was.
    pub token: Option<String>,
    pub provider: Option<String>,
}

struct Route {
    method: String,
    path: String,
    token: String,
    status: u16,
    headers: BTreeMap<String, String>,
    body: Option<Value>,
    then_revoke: bool,
    forbid_auth: bool,
}

struct ProviderFixture {
    name: String,
    tokens: BTreeMap<String, String>,
    revoked: Answer,
    unknown: Answer,
    routes: Vec<Route>,
}

#[derive(Clone)]
struct Answer {
    status: u16,
    headers: BTreeMap<String, String>,
    body: Option<Value>,
}

#[derive(Default)]
struct State {
    revoked: HashSet<String>,
    seen: Vec<Seen>,
}

pub struct Fixture {
    pub base: String,
    providers: Arc<Vec<ProviderFixture>>,
    state: Arc<Mutex<State>>,
}

fn answer(v: &Value) -> Answer {
    Answer {
        status: v["status"].as_u64().unwrap_or(200) as u16,
        headers: strings(&v["headers"]),
        body: v.get("body").cloned(),
    }
}

fn strings(v: &Value) -> BTreeMap<String, String> {
    v.as_object()
        .map(|o| {
            o.iter()
                .map(|(k, v)| (k.to_ascii_lowercase(), v.as_str().unwrap_or("").to_owned()))
                .collect()
        })
        .unwrap_or_default()
}

fn load(dir: &Path) -> Vec<ProviderFixture> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .expect("fixture dir")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
        .iter()
        .map(|f| {
            let v: Value = serde_json::from_str(&std::fs::read_to_string(f).expect("read"))
                .expect("fixture JSON");
            ProviderFixture {
                name: v["provider"].as_str().unwrap_or("").to_owned(),
                tokens: strings(&v["tokens"]),
                revoked: answer(&v["revoked"]),
                unknown: answer(&v["unknown"]),
                routes: v["routes"]
                    .as_array()
                    .expect("routes")
                    .iter()
                    .map(|r| Route {
                        method: r["method"].as_str().unwrap_or("GET").to_owned(),
                        path: r["path"].as_str().unwrap_or("/").to_owned(),
                        token: r["token"].as_str().unwrap_or("*").to_owned(),
                        status: r["status"].as_u64().unwrap_or(200) as u16,
                        headers: strings(&r["headers"]),
                        body: r.get("body").cloned(),
                        then_revoke: r["then"].as_str() == Some("revoke"),
                        forbid_auth: r["forbid_auth"].as_bool() == Some(true),
                    })
                    .collect(),
            }
        })
        .collect()
}

/// `{{in:30d|github}}` → a time 30 days from now in GitHub's header format; `unix`, `date`
/// (`YYYY-MM-DD`) and `rfc3339` too. Units: s, m, h, d; negative for the past.
fn expand(s: &str) -> Option<Value> {
    let inner = s.strip_prefix("{{in:")?.strip_suffix("}}")?;
    let (amount, format) = inner.split_once('|')?;
    let (n, unit) = amount.split_at(amount.len() - 1);
    let n: i64 = n.parse().ok()?;
    let secs = n * match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3_600,
        "d" => 86_400,
        _ => return None,
    };
    let at = chrono::DateTime::from_timestamp(now() + secs, 0)?;
    Some(match format {
        "unix" => Value::from(at.timestamp()),
        "github" => Value::from(at.format("%Y-%m-%d %H:%M:%S UTC").to_string()),
        "date" => Value::from(at.format("%Y-%m-%d").to_string()),
        _ => Value::from(at.to_rfc3339()),
    })
}

/// Unix seconds, from the system clock.
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

fn expand_value(v: &Value) -> Value {
    match v {
        Value::String(s) => expand(s).unwrap_or_else(|| v.clone()),
        Value::Array(a) => Value::Array(a.iter().map(expand_value).collect()),
        Value::Object(o) => Value::Object(
            o.iter()
                .map(|(k, v)| (k.clone(), expand_value(v)))
                .collect(),
        ),
        other => other.clone(),
    }
}

fn expand_header(s: &str) -> String {
    match expand(s) {
        Some(Value::String(t)) => t,
        Some(other) => other.to_string(),
        None => s.to_owned(),
    }
}

impl Fixture {
    /// Serves the fixtures in `dir` on 127.0.0.1:`port` (0: any free port).
    pub fn start(dir: &Path, port: u16) -> Fixture {
        let listener = TcpListener::bind(("127.0.0.1", port)).expect("bind 127.0.0.1");
        let base = format!("http://{}", listener.local_addr().expect("addr"));
        let providers = Arc::new(load(dir));
        let state = Arc::new(Mutex::new(State::default()));
        let (p, s) = (providers.clone(), state.clone());
        thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (p, s) = (p.clone(), s.clone());
                thread::spawn(move || serve(stream, &p, &s));
            }
        });
        Fixture {
            base,
            providers,
            state,
        }
    }

    /// The crate's own fixtures, on any free port.
    pub fn start_default() -> Fixture {
        Fixture::start_default_on(0)
    }

    pub fn start_default_on(port: u16) -> Fixture {
        Fixture::start(
            // From any crate beside this one: `crates/<crate>/../remote/tests/fixtures`.
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("../remote/tests/fixtures"),
            port,
        )
    }

    /// A token by its fixture name (`gh_fine`).
    pub fn token(&self, name: &str) -> String {
        self.providers
            .iter()
            .find_map(|p| p.tokens.get(name).cloned())
            .unwrap_or_else(|| panic!("no fixture token {name}"))
    }

    pub fn seen(&self) -> Vec<Seen> {
        self.state.lock().expect("state").seen.clone()
    }

    pub fn is_revoked(&self, token: &str) -> bool {
        self.state.lock().expect("state").revoked.contains(token)
    }
}

fn read_request(
    stream: &mut TcpStream,
) -> Option<(String, String, BTreeMap<String, String>, String)> {
    let mut reader = BufReader::new(stream.try_clone().ok()?);
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    let mut parts = line.split_whitespace();
    let method = parts.next()?.to_owned();
    let target = parts.next()?.to_owned();
    let mut headers = BTreeMap::new();
    loop {
        let mut h = String::new();
        reader.read_line(&mut h).ok()?;
        let h = h.trim_end();
        if h.is_empty() {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_owned());
        }
    }
    let len: usize = headers
        .get("content-length")
        .and_then(|l| l.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0; len.min(1 << 20)];
    reader.read_exact(&mut body).ok()?;
    Some((
        method,
        target,
        headers,
        String::from_utf8_lossy(&body).into_owned(),
    ))
}

/// The token a request carries: a bearer or `PRIVATE-TOKEN` header, GitHub's revocation body
/// or Meta's `input_token` form field.
fn token_of(headers: &BTreeMap<String, String>, body: &str) -> Option<String> {
    if let Some(t) = headers.get("private-token") {
        return Some(t.clone());
    }
    if let Some(t) = headers
        .get("authorization")
        .and_then(|a| a.strip_prefix("Bearer "))
    {
        return Some(t.to_owned());
    }
    if let Ok(v) = serde_json::from_str::<Value>(body)
        && let Some(t) = v["credentials"][0].as_str()
    {
        return Some(t.to_owned());
    }
    body.split('&')
        .find_map(|kv| kv.strip_prefix("input_token="))
        .map(|t| t.to_owned())
}

fn serve(mut stream: TcpStream, providers: &[ProviderFixture], state: &Mutex<State>) {
    let Some((method, target, headers, body)) = read_request(&mut stream) else {
        return;
    };
    let path = target.split('?').next().unwrap_or("").to_owned();
    let token = token_of(&headers, &body);
    let on_path = |p: &&ProviderFixture| {
        p.routes
            .iter()
            .any(|r| r.method == method && r.path == path)
    };
    let provider = providers.iter().find(on_path);
    let mut st = state.lock().expect("state");
    st.seen.push(Seen {
        method: method.clone(),
        target: target.clone(),
        headers: headers.clone(),
        body: body.clone(),
        token: token.clone(),
        provider: provider.map(|p| p.name.clone()),
    });
    let reply = match (provider, &token) {
        (None, _) => Answer {
            status: 404,
            headers: BTreeMap::new(),
            body: Some(serde_json::json!({"message": "Not Found"})),
        },
        (Some(p), None) => p.unknown.clone(),
        (Some(p), Some(t)) if st.revoked.contains(t) => p.revoked.clone(),
        (Some(p), Some(t)) => {
            let route = p.routes.iter().find(|r| {
                r.method == method && r.path == path && (r.token == "*" || &r.token == t)
            });
            match route {
                None => p.unknown.clone(),
                Some(r) if r.forbid_auth && headers.contains_key("authorization") => Answer {
                    status: 403,
                    headers: BTreeMap::new(),
                    body: Some(serde_json::json!({"message": "Must not be authenticated"})),
                },
                Some(r) if r.token == "*" && !p.tokens.values().any(|k| k == t) => {
                    p.unknown.clone()
                }
                Some(r) => {
                    if r.then_revoke {
                        st.revoked.insert(t.clone());
                    }
                    Answer {
                        status: r.status,
                        headers: r.headers.clone(),
                        body: r.body.clone(),
                    }
                }
            }
        }
    };
    drop(st);
    let body = reply
        .body
        .as_ref()
        .filter(|_| reply.status != 204)
        .map(|b| expand_value(b).to_string())
        .unwrap_or_default();
    let mut out = format!(
        "HTTP/1.1 {} Fixture\r\ncontent-length: {}\r\nconnection: close\r\n",
        reply.status,
        body.len()
    );
    if !body.is_empty() {
        out.push_str("content-type: application/json; charset=utf-8\r\n");
    }
    for (k, v) in &reply.headers {
        out.push_str(&format!("{k}: {}\r\n", expand_header(v)));
    }
    out.push_str("\r\n");
    out.push_str(&body);
    let _ = stream.write_all(out.as_bytes());
}
