//! A real OpenID Connect provider for the OAuth tests: npm's `oidc-provider` started from
//! `tests/oauth/server.mjs` on 127.0.0.1 (one per test; its admin API counts requests and
//! injects faults), the browser played by `tests/oauth/browser.mjs`, and a sign-in run the
//! way a user runs it: `tokenkeeper login` in the background, the browser, the redirect.

use std::{
    io::{BufRead, BufReader, Read, Write},
    net::TcpStream,
    path::PathBuf,
    process::{Child, ChildStdin, Command, Stdio},
    sync::mpsc,
    time::Duration,
};

use serde_json::{Value, json};

use crate::{Output, Tk, assert_success, support};

/// The client secret of `tk-confidential`: needs form-encoding before Basic's base64.
pub const CONFIDENTIAL_SECRET: &str = "p+ss/w:rd%&=";
/// The longest a sign-in may take in a test.
const LOGIN_LIMIT: Duration = Duration::from_secs(60);

fn harness() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../tests/oauth");
    assert!(
        dir.join("node_modules/oidc-provider").is_dir(),
        "the OAuth test provider is not installed: run `scripts/deps.sh --test` (npm ci in tests/oauth)"
    );
    dir
}

pub struct Oidc {
    child: Child,
    _stdin: ChildStdin,
    pub issuer: String,
    port: u16,
}

impl Oidc {
    pub fn start() -> Oidc {
        Oidc::start_with(&[])
    }

    /// With TTLs from the environment (`TK_OIDC_ACCESS_TTL`, …).
    pub fn start_with(env: &[(&str, &str)]) -> Oidc {
        let mut cmd = Command::new("node");
        cmd.arg(harness().join("server.mjs"))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().expect("start node tests/oauth/server.mjs");
        let stdin = child.stdin.take().expect("stdin");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = BufReader::new(stdout).read_line(&mut line);
            let _ = tx.send(line);
        });
        // Node loading oidc-provider from a cold disk while every other test runs took over
        // 20 s once on 2 cores; this bounds a hang, it does not time the start.
        let line = rx
            .recv_timeout(Duration::from_secs(60))
            .expect("the OIDC provider said it was ready");
        let ready: Value = serde_json::from_str(&line).expect("ready line is JSON");
        let issuer = ready["issuer"].as_str().expect("issuer").to_owned();
        let port = issuer
            .rsplit(':')
            .next()
            .and_then(|p| p.parse().ok())
            .expect("port");
        Oidc {
            child,
            _stdin: stdin,
            issuer,
            port,
        }
    }

    /// One request to the provider's origin; (status, body).
    pub fn request(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &str,
    ) -> (u16, String) {
        http(self.port, method, path, headers, body).expect("the provider answers")
    }

    fn admin(&self, method: &str, path: &str, body: Value) -> Value {
        let (status, text) = self.request(
            method,
            &format!("/__admin/{path}"),
            &[("content-type", "application/json")],
            &body.to_string(),
        );
        assert!(status < 300, "admin {path}: {status} {text}");
        serde_json::from_str(&text).unwrap_or(Value::Null)
    }

    pub fn counts(&self) -> Value {
        self.admin("GET", "counts", Value::Null)
    }

    /// Token requests of one grant type that reached the provider.
    pub fn token_requests(&self, grant: &str) -> i64 {
        self.counts()["token"][grant].as_i64().unwrap_or(0)
    }

    /// When each token request arrived (unix ms).
    pub fn token_times(&self) -> Vec<i64> {
        self.admin("GET", "token_times", Value::Null)
            .as_array()
            .map(|a| a.iter().filter_map(Value::as_i64).collect())
            .unwrap_or_default()
    }

    /// The next `times` requests to `path` get `mode` (`503`, `timeout`, `drop`, …).
    pub fn fault(&self, path: &str, mode: &str, retry_after: i64, times: i64) {
        self.admin(
            "POST",
            "fault",
            json!({"path": path, "mode": mode, "retry_after": retry_after, "times": times}),
        );
    }

    /// The next authorization response names `iss` as its issuer (a mix-up).
    pub fn mixup(&self, iss: &str) {
        self.admin("POST", "mixup", json!({ "iss": iss }));
    }

    /// A refresh request made by hand (as an attacker replaying an old token would).
    pub fn refresh_by_hand(&self, client_id: &str, refresh: &str) -> (u16, Value) {
        let body = format!(
            "grant_type=refresh_token&client_id={}&refresh_token={}",
            enc(client_id),
            enc(refresh)
        );
        let (status, text) = self.request(
            "POST",
            "/token",
            &[("content-type", "application/x-www-form-urlencoded")],
            &body,
        );
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    /// RFC 7662 as the confidential client (which may inspect any token).
    pub fn introspect(&self, token: &str) -> Value {
        use base64::Engine;
        let basic = base64::engine::general_purpose::STANDARD
            .encode(format!("tk-confidential:{}", enc(CONFIDENTIAL_SECRET)));
        let (status, text) = self.request(
            "POST",
            "/token/introspection",
            &[
                ("content-type", "application/x-www-form-urlencoded"),
                ("authorization", &format!("Basic {basic}")),
            ],
            &format!("token={}", enc(token)),
        );
        assert_eq!(status, 200, "introspection: {text}");
        serde_json::from_str(&text).expect("introspection JSON")
    }

    pub fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Oidc {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Percent-encodes for a form body.
pub fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A minimal HTTP/1.1 exchange with 127.0.0.1:`port` (bounded in time).
pub fn http(
    port: u16,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> std::io::Result<(u16, String)> {
    let mut s = TcpStream::connect(("127.0.0.1", port))?;
    s.set_read_timeout(Some(Duration::from_secs(20)))?;
    let mut req = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    req.push_str(body);
    s.write_all(req.as_bytes())?;
    let mut raw = Vec::new();
    s.read_to_end(&mut raw)?;
    let text = String::from_utf8_lossy(&raw).into_owned();
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_owned())
        .unwrap_or_default();
    Ok((status, body))
}

/// GETs a loopback URL (the app's redirect listener); Err when nothing listens.
pub fn get_url(url: &str) -> std::io::Result<(u16, String)> {
    let rest = url
        .strip_prefix("http://127.0.0.1:")
        .expect("a loopback URL");
    let (port, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    http(port.parse().expect("port"), "GET", path, &[], "")
}

/// Plays the browser: `browser.mjs` with these arguments; its JSON answer.
pub fn browser(args: &[&str]) -> Value {
    let out = support::run_bounded(
        Command::new("node")
            .arg(harness().join("browser.mjs"))
            .args(args),
        None,
        LOGIN_LIMIT,
    );
    assert!(
        out.status.success(),
        "browser.mjs {args:?} failed: {}",
        out.stderr
    );
    serde_json::from_slice(&out.stdout).expect("browser.mjs prints JSON")
}

/// `tokenkeeper ARGS` running in the background, its stdout read line by line.
pub struct Running {
    child: Child,
    lines: mpsc::Receiver<String>,
    seen: Vec<String>,
    stderr: std::thread::JoinHandle<String>,
}

impl Running {
    pub fn start(tk: &Tk, args: &[&str]) -> Running {
        let mut child = tk
            .command(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start tokenkeeper");
        let stdout = child.stdout.take().expect("stdout");
        let mut err = child.stderr.take().expect("stderr");
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let stderr = std::thread::spawn(move || {
            let mut s = String::new();
            let _ = err.read_to_string(&mut s);
            s
        });
        Running {
            child,
            lines,
            seen: Vec::new(),
            stderr,
        }
    }

    /// The next stdout line (waits at most 20 s).
    pub fn line(&mut self) -> String {
        let l = self
            .lines
            .recv_timeout(Duration::from_secs(20))
            .expect("the command printed a line");
        self.seen.push(l.clone());
        l
    }

    /// The value of the next `key: value` line.
    pub fn field(&mut self, key: &str) -> String {
        loop {
            let l = self.line();
            if let Some(v) = l.strip_prefix(&format!("{key}: ")) {
                return v.to_owned();
            }
        }
    }

    /// Waits for the exit; all its output.
    pub fn finish(mut self) -> Output {
        let deadline = std::time::Instant::now() + LOGIN_LIMIT;
        let status = loop {
            if let Some(s) = self.child.try_wait().expect("wait") {
                break s;
            }
            if std::time::Instant::now() > deadline {
                let _ = self.child.kill();
                panic!("the command did not finish within {LOGIN_LIMIT:?}");
            }
            std::thread::sleep(Duration::from_millis(10));
        };
        let mut out = self.seen.join("\n");
        while let Ok(l) = self.lines.recv_timeout(Duration::from_secs(2)) {
            out.push('\n');
            out.push_str(&l);
        }
        Output {
            status,
            stdout: out.trim_start().as_bytes().to_vec(),
            stderr: self.stderr.join().unwrap_or_default(),
        }
    }
}

/// Saves a profile for the public client at `oidc`, asking for offline access.
pub fn add_public(tk: &Tk, oidc: &Oidc, name: &str, extra: &[&str]) {
    let mut args = vec![
        "provider",
        "add",
        name,
        "--issuer",
        &oidc.issuer,
        "--client-id",
        "tk-public",
        "--scope",
        "openid",
        "--scope",
        "offline_access",
        "--scope",
        "profile",
        "--refresh-lifetime",
        "14d",
    ];
    args.extend_from_slice(extra);
    assert_success(&tk.run(&args), "provider add");
}

/// A whole code-flow sign-in as `login`; the new token's address and the browser's report.
pub fn sign_in(tk: &Tk, profile: &str, login: &str, extra: &[&str]) -> (String, Value) {
    let mut args = vec!["login", profile, "--no-browser"];
    args.extend_from_slice(extra);
    let mut run = Running::start(tk, &args);
    let url = run.line();
    let report = browser(&["code", &url, "--login", login]);
    let out = run.finish();
    assert_success(&out, "login");
    let address = out
        .stdout_text()
        .lines()
        .last()
        .expect("an address")
        .to_owned();
    (address, json!({ "url": url, "browser": report }))
}
