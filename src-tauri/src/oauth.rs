//! The shell's OAuth: sign-ins under way (each a tokio task the UI can cancel), and the
//! refresh, revoke and introspect calls. Every step is the vault's or the remote crate's; the
//! CLI's `login`, `refresh`, `revoke` and `introspect` take the same steps.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::Duration,
};

use tauri::{AppHandle, Emitter, Manager};
use tauri_plugin_opener::OpenerExt;
use tokenkeeper_core::{
    clock::rfc3339,
    model::TokenMeta,
    oauth::{DeviceCode, Flow, LoginFinished, LoginStarted, Profile, ProfileInput},
};
use tokenkeeper_remote::oauth::{self, Grant, failure_of};
use tokenkeeper_vault::{Error, Result, Vault};

use crate::{
    remote::{client, remote_error},
    state::{AppState, now},
};

/// How long a sign-in waits for the browser.
const CODE_TIMEOUT: Duration = Duration::from_secs(10 * 60);

struct Login {
    task: tauri::async_runtime::JoinHandle<()>,
    /// The page the user signs in at (authorization URL or verification URI).
    page: String,
}

/// The sign-ins under way, by id.
#[derive(Default)]
pub struct Logins(Mutex<HashMap<String, Login>>);

fn logins(app: &AppHandle) -> tauri::State<'_, Logins> {
    app.state::<Logins>()
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// Saves a profile: the issuer resolved by discovery (its endpoints, unless given by hand).
pub async fn save_profile(
    vault: &Vault,
    input: ProfileInput,
    client_secret: Option<tokenkeeper_core::Secret>,
) -> Result<Profile> {
    // Checked before anything is asked of the network.
    tokenkeeper_core::oauth::validate_profile_name(input.name.trim()).map_err(Error::invalid)?;
    if input.client_id.trim().is_empty() {
        return Err(Error::invalid("Give the client id the server issued"));
    }
    let issuer = input
        .issuer
        .as_deref()
        .map(str::trim)
        .filter(|i| !i.is_empty());
    // Endpoints typed in are used as they are (a server without discovery); the issuer, if
    // given too, is then only what `iss` must say. Otherwise the issuer is discovered.
    let (issuer, endpoints, iss_required) = match (input.endpoints, issuer) {
        (Some(given), issuer) => (issuer.map(str::to_owned), given, false),
        (None, Some(i)) => {
            let d = oauth::discover(&client()?, i).await.map_err(remote_error)?;
            (Some(d.issuer), d.endpoints, d.sends_iss)
        }
        (None, None) => (None, Default::default(), false),
    };
    if endpoints.token.trim().is_empty() {
        return Err(Error::invalid(
            "Give the issuer URL, or at least the token endpoint",
        ));
    }
    for u in oauth::endpoint_urls(&endpoints) {
        tokenkeeper_remote::http::origin(u).map_err(remote_error)?;
    }
    let profile = Profile {
        name: input.name.trim().to_owned(),
        issuer,
        endpoints,
        client_id: input.client_id.trim().to_owned(),
        has_client_secret: client_secret.is_some(),
        iss_required,
        scopes: input.scopes,
        audience: input.audience.filter(|a| !a.trim().is_empty()),
        resource: input.resource.filter(|r| !r.trim().is_empty()),
        refresh_lifetime_secs: input.refresh_lifetime_secs,
        flows: vec![],
    };
    vault.save_profile(&profile, client_secret.as_ref(), now())
}

/// Starts a sign-in. The code flow opens the system browser (never a webview); the device flow
/// hands back the code to show. The result comes as a `login-finished` event.
pub async fn start_login(
    app: &AppHandle,
    profile: &str,
    flow: Flow,
    name: Option<String>,
) -> Result<LoginStarted> {
    let vault = app.state::<AppState>().vault.clone();
    let (p, secret) = vault.profile(profile)?;
    flow.available(&p)
        .map_err(|why| Error::Unsupported(format!("{}: {why}", p.name)))?;
    let client = client()?;
    let login_id = uuid::Uuid::new_v4().to_string();
    let started =
        |authorization_url: Option<String>, device: Option<DeviceCode>, secs: u64| LoginStarted {
            login_id: login_id.clone(),
            profile: p.name.clone(),
            flow,
            authorization_url,
            device,
            expires_at: rfc3339(now() + i64::try_from(secs).unwrap_or(600)).unwrap_or_default(),
        };
    let (answer, page, work): (LoginStarted, String, _) = match flow {
        Flow::Code => {
            let pending = oauth::start_code(&p).await.map_err(remote_error)?;
            let url = pending.url.clone();
            let (p2, s2, c2) = (p.clone(), secret.clone(), client.clone());
            let work: Work =
                Box::pin(async move { pending.finish(&c2, &p2, s2.as_ref(), CODE_TIMEOUT).await });
            (
                started(Some(url.clone()), None, CODE_TIMEOUT.as_secs()),
                url,
                work,
            )
        }
        Flow::Device => {
            let pending = oauth::start_device(&client, &p, secret.as_ref())
                .await
                .map_err(remote_error)?;
            let device = DeviceCode {
                user_code: pending.user_code.clone(),
                verification_uri: pending.verification_uri.clone(),
                verification_uri_complete: pending.verification_uri_complete.clone(),
            };
            let page = pending
                .verification_uri_complete
                .clone()
                .unwrap_or_else(|| pending.verification_uri.clone());
            let secs = pending.expires_in.as_secs();
            let (p2, s2, c2) = (p.clone(), secret.clone(), client.clone());
            let work: Work = Box::pin(async move { pending.finish(&c2, &p2, s2.as_ref()).await });
            (started(None, Some(device), secs), page, work)
        }
        Flow::ClientCredentials => {
            let Some(s) = secret.clone() else {
                return Err(Error::Unsupported(format!(
                    "{}: client credentials need the client secret",
                    p.name
                )));
            };
            let (p2, c2) = (p.clone(), client.clone());
            let work: Work = Box::pin(async move { oauth::client_credentials(&c2, &p2, &s).await });
            (started(None, None, 60), String::new(), work)
        }
    };
    let task = {
        let (app, id, p) = (app.clone(), login_id.clone(), p.clone());
        tauri::async_runtime::spawn(async move {
            let result = work.await;
            let done = finish(&app, &p, flow, name, result).await;
            lock(&logins(&app).0).remove(&id);
            let _ = app.emit(
                "login-finished",
                LoginFinished {
                    login_id: id,
                    token: done.as_ref().ok().cloned(),
                    error: done.err().map(|e| e.info()),
                    cancelled: false,
                },
            );
            let _ = app.emit("tokens-changed", ());
        })
    };
    lock(&logins(app).0).insert(
        login_id,
        Login {
            task,
            page: page.clone(),
        },
    );
    // No browser to open (none installed, a headless session) is no failure: the UI shows the
    // address to copy, and the listener waits all the same.
    if flow == Flow::Code
        && let Err(e) = open_page(app, &page)
    {
        tracing::info!("{e}");
    }
    Ok(answer)
}

type Work =
    std::pin::Pin<Box<dyn std::future::Future<Output = tokenkeeper_remote::Result<Grant>> + Send>>;

async fn finish(
    app: &AppHandle,
    p: &Profile,
    flow: Flow,
    name: Option<String>,
    result: tokenkeeper_remote::Result<Grant>,
) -> Result<TokenMeta> {
    let grant = result.map_err(remote_error)?;
    let vault: Arc<Vault> = app.state::<AppState>().vault.clone();
    let p = p.clone();
    tauri::async_runtime::spawn_blocking(move || {
        vault.store_grant(&p, flow, name.as_deref(), &grant, now())
    })
    .await
    .map_err(|e| Error::Provider(format!("The sign-in could not be stored: {e}")))?
}

fn open_page(app: &AppHandle, url: &str) -> Result<()> {
    app.opener()
        .open_url(url, None::<&str>)
        .map_err(|e| Error::Provider(format!("Could not open the browser: {e}")))
}

/// Cancels a sign-in: its task ends (the loopback listener closes with it).
pub fn cancel_login(app: &AppHandle, login_id: &str) {
    if let Some(login) = lock(&logins(app).0).remove(login_id) {
        login.task.abort();
        let _ = app.emit(
            "login-finished",
            LoginFinished {
                login_id: login_id.to_owned(),
                token: None,
                error: None,
                cancelled: true,
            },
        );
    }
}

/// Opens a sign-in's own page again (the UI never hands the shell a URL).
pub fn open_login_page(app: &AppHandle, login_id: &str) -> Result<()> {
    let page = lock(&logins(app).0)
        .get(login_id)
        .map(|l| l.page.clone())
        .filter(|p| !p.is_empty())
        .ok_or_else(|| Error::invalid("That sign-in has ended or has no page to open"))?;
    open_page(app, &page)
}

/// Refreshes the grant token `id` belongs to (blocking: run it off the async runtime).
pub fn refresh(vault: &Vault, id: &str) -> Result<TokenMeta> {
    let access = vault
        .grant_access_id(id)?
        .ok_or_else(|| Error::Unsupported("Only tokens from a sign-in can be refreshed".into()))?;
    let client = client()?;
    let rt = tauri::async_runtime::handle();
    let now_ms = || chrono::Utc::now().timestamp_millis();
    let done = vault.refresh_with(&access, now_ms(), now_ms, rand::random::<f64>(), |t| {
        rt.block_on(oauth::renew(
            &client,
            &t.profile,
            t.client_secret.as_ref(),
            t.refresh.as_ref(),
        ))
        .map_err(|e| failure_of(&e))
    })?;
    Ok(done.meta)
}

/// Revokes the grant token `id` belongs to at its server (RFC 7009). Blocking.
pub fn revoke(vault: &Vault, id: &str) -> Result<TokenMeta> {
    let client = client()?;
    let rt = tauri::async_runtime::handle();
    vault.revoke_grant_with(
        id,
        rand::random::<f64>(),
        now,
        |p, secret, token, is_refresh| {
            rt.block_on(oauth::revoke(&client, p, secret, token, is_refresh))
                .map_err(|e| failure_of(&e))
        },
    )
}

/// The server's RFC 7662 answer about token `id`, as sent.
pub async fn introspect(vault: &Vault, id: &str) -> Result<serde_json::Value> {
    let row = vault.resolve(id)?;
    let access = vault.grant_access_id(&row.id)?.ok_or_else(|| {
        Error::Unsupported("Only tokens from a sign-in can be introspected".into())
    })?;
    let grant = vault
        .grant(&access, now())?
        .ok_or_else(|| Error::NotFound(access.clone()))?;
    let (p, secret) = vault.profile(&grant.profile)?;
    let token = vault.secret(&row.id, now())?;
    oauth::introspect(
        &client()?,
        &p,
        secret.as_ref(),
        &token,
        row.kind == tokenkeeper_core::model::TokenKind::Refresh,
    )
    .await
    .map_err(remote_error)
}

/// The watcher's part: refreshes the grants due (80% of their lifetime, or a retry), retries
/// pending revocations, and says when the next one falls due. Blocking; each step is
/// single-flight with the CLI through the vault's lock.
pub fn renew_due(vault: &Vault, now: i64) -> Option<i64> {
    let (due, next) = match vault.grants_due(now) {
        Ok(d) => d,
        Err(e) => {
            tracing::warn!(code = ?e.code(), "sign-ins not checked: {e}");
            return None;
        }
    };
    for (id, state) in due {
        let outcome = if state == tokenkeeper_core::oauth::GrantState::RevocationPending {
            revoke(vault, &id).map(|_| "revoked")
        } else {
            refresh(vault, &id).map(|_| "refreshed")
        };
        match outcome {
            Ok(what) => tracing::info!(token = %id, "{what} in the background"),
            Err(e) => {
                tracing::info!(token = %id, code = ?e.code(), "background renewal failed: {e}")
            }
        }
    }
    // What just ran may have scheduled a retry or a next refresh.
    vault
        .grants_due(crate::state::now())
        .ok()
        .and_then(|(_, n)| n)
        .or(next)
}
