//! One-line `#[tauri::command]` adapters over the vault and the core. Anything that touches SQLite
//! or the keyring is `async` so it runs off the main thread. Errors cross IPC as
//! `{code, message}`; secrets cross only in `reveal_token`.

use tauri::{AppHandle, Emitter, Manager, State};
use tauri_plugin_opener::OpenerExt;
use tokenkeeper_core::{
    Error, Secret,
    check::{CheckReport, Rotation},
    inspect,
    model::{
        CopyReceipt, ErrorInfo, Inspection, KeyringHealth, NewTokenMeta, NotificationHealth,
        Settings, TokenDetail, TokenMeta, TokenPatch,
    },
    oauth::{Flow, LoginStarted, Profile, ProfileInput},
    providers::{self, LinkRef, ProviderInfo},
    remind,
    shape::{self, ShapeCheck},
};

use crate::{
    autostart,
    backup::{self, BackupPick, ExportOutcome, RestoreReport},
    oauth, remote,
    scan::{self, ImportOutcome, ScanReport, Scanned},
    state::{AppState, now},
    watch,
};

type Res<T> = Result<T, ErrorInfo>;

#[tauri::command(async)]
pub fn list_tokens(state: State<'_, AppState>) -> Res<Vec<TokenMeta>> {
    Ok(state.vault.list(now())?)
}

#[tauri::command]
pub fn list_providers() -> Vec<ProviderInfo> {
    providers::catalog()
}

#[tauri::command(async)]
pub fn inspect_token(input: String) -> Res<Inspection> {
    // Pasted text may be a secret: hold it in a type that is zeroized when dropped.
    let input = Secret::from(input);
    Ok(inspect::decode(input.expose(), now())?.inspection)
}

#[tauri::command(async)]
pub fn add_token(state: State<'_, AppState>, secret: String, meta: NewTokenMeta) -> Res<TokenMeta> {
    Ok(state.vault.add(&Secret::from(secret), meta, now())?)
}

/// Saves an edit and, when `secret` is given, the replaced secret, in one vault call.
#[tauri::command(async)]
pub fn update_token(
    state: State<'_, AppState>,
    id: String,
    patch: TokenPatch,
    secret: Option<String>,
) -> Res<TokenMeta> {
    let secret = secret.map(Secret::from);
    Ok(state.vault.update(&id, patch, secret.as_ref(), now())?)
}

#[tauri::command(async)]
pub fn delete_token(state: State<'_, AppState>, id: String) -> Res<()> {
    Ok(state.vault.remove(&id, now())?)
}

#[tauri::command(async)]
pub fn token_detail(state: State<'_, AppState>, id: String) -> Res<TokenDetail> {
    Ok(state.vault.detail(&id, now())?)
}

/// The one command whose answer is a secret: the user asked to see it.
#[tauri::command(async)]
pub fn reveal_token(state: State<'_, AppState>, id: String) -> Res<Revealed> {
    Ok(Revealed(state.reveal(&id)?))
}

/// `reveal_token`'s answer: the secret serialized once into the IPC reply, its own buffer
/// zeroized when the reply is sent (the copy in the reply itself is the webview's to hold).
pub struct Revealed(Secret);

impl serde::Serialize for Revealed {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.0.expose())
    }
}

#[tauri::command(async)]
pub fn copy_token(app: AppHandle, state: State<'_, AppState>, id: String) -> Res<CopyReceipt> {
    Ok(state.copy(&app, &id)?)
}

#[tauri::command(async)]
pub fn keyring_health(state: State<'_, AppState>) -> KeyringHealth {
    state.vault.health()
}

#[tauri::command(async)]
pub fn get_settings(state: State<'_, AppState>) -> Res<Settings> {
    Ok(state.vault.settings()?)
}

/// Saves Settings; an explicit start-at-login choice is applied to the login item.
#[tauri::command(async)]
pub fn set_settings(
    app: AppHandle,
    state: State<'_, AppState>,
    settings: Settings,
) -> Res<Settings> {
    let saved = state.vault.save_settings(&settings)?;
    if let Some(on) = settings.autostart {
        autostart::apply(&app, on)?;
    }
    watch::poke(&app);
    Ok(saved)
}

/// Opens one of a provider's pages from the embedded catalog in the system browser (never in
/// the app's webview). The page names the provider, guide, step and kind of link, never a URL.
#[tauri::command]
pub fn open_provider_link(app: AppHandle, link: LinkRef) -> Res<()> {
    let url = providers::link(&link).ok_or_else(|| {
        Error::InvalidInput(format!(
            "The catalog has no {} link for the provider `{}`",
            link.kind.as_ref(),
            link.provider
        ))
    })?;
    app.opener().open_url(url, None::<&str>).map_err(|e| {
        tokenkeeper_vault::Error::Internal(format!("Could not open the browser: {e}")).into()
    })
}

/// Whether reminders reach the desktop (a notification server answered at the last check).
#[tauri::command(async)]
pub fn notification_health(state: State<'_, AppState>) -> NotificationHealth {
    state.notification_health()
}

/// Lead times as typed (`14d,3d,1h,0`, `none`, `default`), read by the core's one parser.
#[tauri::command]
pub fn parse_leads(text: String) -> Res<Option<Vec<i64>>> {
    Ok(remind::parse_leads(&text)?)
}

/// Lead times as the core writes them (`14d,3d,1h,0`).
#[tauri::command]
pub fn format_leads(leads: Vec<i64>) -> String {
    remind::format_leads(&leads)
}

/// Whether a pasted token has the shape its guide documents (prefix, length, checksum).
#[tauri::command(async)]
pub fn check_shape(provider: String, guide: String, secret: String) -> ShapeCheck {
    let secret = Secret::from(secret);
    shape::check_paste(&provider, &guide, secret.expose())
}

/// Asks the provider about a token and stores what it said.
#[tauri::command]
pub async fn check_token(state: State<'_, AppState>, id: String) -> Res<CheckReport> {
    Ok(remote::check(&state.vault, &id, now()).await?)
}

/// Revokes a token through its provider's API, then records it (the secret is deleted).
/// Revokes at the provider: RFC 7009 for a token from a sign-in, else the provider's API.
#[tauri::command]
pub async fn revoke_token(state: State<'_, AppState>, id: String) -> Res<TokenMeta> {
    let vault = state.vault.clone();
    if vault.grant_access_id(&id)?.is_some() {
        return blocking(move || oauth::revoke(&vault, &id)).await;
    }
    Ok(remote::revoke(&state.vault, &id, now()).await?)
}

#[tauri::command(async)]
pub fn mark_revoked(state: State<'_, AppState>, id: String) -> Res<TokenMeta> {
    Ok(state
        .vault
        .mark_revoked(&id, "revoked by hand at the provider", now())?)
}

/// Replaces a token through its provider's API (GitLab): stored beside, checked, then in place.
#[tauri::command]
pub async fn rotate_token(state: State<'_, AppState>, id: String) -> Res<Rotation> {
    Ok(remote::rotate(&state.vault, &id, now()).await?)
}

/// Stores a replacement made with the guide beside the old token.
#[tauri::command(async)]
pub fn add_replacement(
    state: State<'_, AppState>,
    old_id: String,
    secret: String,
    expires_at: Option<String>,
) -> Res<TokenMeta> {
    let at = expires_at
        .as_deref()
        .map(tokenkeeper_core::clock::parse_rfc3339)
        .transpose()?;
    Ok(state.vault.add_replacement(
        &old_id,
        &Secret::from(secret),
        at.map(|t| (t, tokenkeeper_core::model::ExpirySource::User)),
        now(),
    )?)
}

/// The replacement works: the new one takes the old one's name, and the old one is revoked
/// through its provider's API where there is one (else it stays live for the user to revoke).
#[tauri::command]
pub async fn finish_replacement(
    state: State<'_, AppState>,
    old_id: String,
    new_id: String,
) -> Res<TokenMeta> {
    Ok(remote::finish_replacement(&state.vault, &old_id, &new_id, now()).await?)
}

/// Runs a blocking vault call (one that waits on a lock or the network) off the async runtime.
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> tokenkeeper_vault::Result<T> + Send + 'static,
) -> Res<T> {
    tauri::async_runtime::spawn_blocking(f)
        .await
        .map_err(|e| ErrorInfo::from(Error::InvalidInput(format!("interrupted: {e}"))))?
        .map_err(ErrorInfo::from)
}

#[tauri::command(async)]
pub fn list_profiles(state: State<'_, AppState>) -> Res<Vec<Profile>> {
    Ok(state.vault.profiles()?)
}

/// Saves a provider profile; the issuer is resolved by discovery (network).
#[tauri::command]
pub async fn save_profile(
    state: State<'_, AppState>,
    input: ProfileInput,
    client_secret: Option<String>,
) -> Res<Profile> {
    let secret = client_secret
        .filter(|s| !s.trim().is_empty())
        .map(Secret::from);
    Ok(oauth::save_profile(&state.vault, input, secret).await?)
}

/// Starts a sign-in; it ends with a `login-finished` event.
#[tauri::command]
pub async fn start_login(
    app: AppHandle,
    profile: String,
    flow: Flow,
    name: Option<String>,
) -> Res<LoginStarted> {
    Ok(oauth::start_login(&app, &profile, flow, name).await?)
}

#[tauri::command]
pub fn cancel_login(app: AppHandle, login_id: String) {
    oauth::cancel_login(&app, &login_id);
}

#[tauri::command]
pub fn open_login_page(app: AppHandle, login_id: String) -> Res<()> {
    Ok(oauth::open_login_page(&app, &login_id)?)
}

/// Refreshes now; single-flight with the watcher and any CLI.
#[tauri::command]
pub async fn refresh_token(
    app: AppHandle,
    state: State<'_, AppState>,
    id: String,
) -> Res<TokenMeta> {
    let vault = state.vault.clone();
    let done = blocking(move || oauth::refresh(&vault, &id)).await;
    // Refreshed or not, the grant's state may have changed: every window lists again.
    let _ = app.emit("tokens-changed", ());
    done
}

/// The server's RFC 7662 answer, as sent.
#[tauri::command]
pub async fn introspect_token(state: State<'_, AppState>, id: String) -> Res<serde_json::Value> {
    Ok(oauth::introspect(&state.vault, &id).await?)
}

/// Exports every token with a secret into an encrypted file the user picks in a native save
/// dialog (the page never names a path); `cancelled` when the user closes the dialog.
#[tauri::command]
pub async fn export_backup(
    app: AppHandle,
    state: State<'_, AppState>,
    passphrase: String,
) -> Res<ExportOutcome> {
    Ok(backup::export(&app, state.vault.clone(), Secret::from(passphrase)).await?)
}

/// The user picks a backup file in a native open dialog; answers a handle for `restore_backup`.
#[tauri::command]
pub async fn choose_backup(app: AppHandle) -> Res<BackupPick> {
    Ok(backup::choose(&app).await?)
}

/// Restores the picked backup, or with `dry_run` says what it would do.
#[tauri::command]
pub async fn restore_backup(
    app: AppHandle,
    state: State<'_, AppState>,
    file: String,
    passphrase: String,
    dry_run: bool,
) -> Res<RestoreReport> {
    let passphrase = Secret::from(passphrase);
    Ok(backup::restore(&app, state.vault.clone(), &file, passphrase, dry_run).await?)
}

/// Lists the usual config files that hold tokens and what importing them would do; read-only.
#[tauri::command]
pub async fn scan_for_tokens(app: AppHandle, state: State<'_, AppState>) -> Res<ScanReport> {
    let vault = state.vault.clone();
    blocking(move || scan::scan(&vault, &app.state::<Scanned>(), &scan::usual()?, now())).await
}

/// Imports the tokens of files the last scan listed (any other path is refused), optionally
/// rewriting each file to refer to Tokenkeeper instead.
#[tauri::command]
pub async fn import_found(
    app: AppHandle,
    state: State<'_, AppState>,
    scanned: State<'_, Scanned>,
    files: Vec<String>,
    rewrite: bool,
) -> Res<ImportOutcome> {
    let (vault, files) = (state.vault.clone(), scanned.resolve(&files)?);
    let done = blocking(move || scan::import(&vault, files, rewrite, now())).await;
    // Some tokens may be stored even when a later step failed: every window lists again.
    let _ = app.emit("tokens-changed", ());
    done
}
