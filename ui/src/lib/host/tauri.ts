// The Host over Tauri IPC: one `invoke` per command, one `listen` per event. This is the only
// module in the UI that may import @tauri-apps/* (enforced by ESLint and a test).

import { invoke } from '@tauri-apps/api/core';
import { listen, type UnlistenFn } from '@tauri-apps/api/event';
import type { BackupPick } from '../bindings/BackupPick';
import type { CheckReport } from '../bindings/CheckReport';
import type { ClipboardCleared } from '../bindings/ClipboardCleared';
import type { CopyReceipt } from '../bindings/CopyReceipt';
import type { ExportOutcome } from '../bindings/ExportOutcome';
import type { ImportOutcome } from '../bindings/ImportOutcome';
import type { Flow } from '../bindings/Flow';
import type { Inspection } from '../bindings/Inspection';
import type { KeyringHealth } from '../bindings/KeyringHealth';
import type { LoginFinished } from '../bindings/LoginFinished';
import type { LoginStarted } from '../bindings/LoginStarted';
import type { NewTokenMeta } from '../bindings/NewTokenMeta';
import type { NotificationHealth } from '../bindings/NotificationHealth';
import type { OpenToken } from '../bindings/OpenToken';
import type { Profile } from '../bindings/Profile';
import type { ProfileInput } from '../bindings/ProfileInput';
import type { ProviderInfo } from '../bindings/ProviderInfo';
import type { RestoreReport } from '../bindings/RestoreReport';
import type { ScanReport } from '../bindings/ScanReport';
import type { Rotation } from '../bindings/Rotation';
import type { Settings } from '../bindings/Settings';
import type { ShapeCheck } from '../bindings/ShapeCheck';
import type { TokenDetail } from '../bindings/TokenDetail';
import type { TokenMeta } from '../bindings/TokenMeta';
import type { TokenPatch } from '../bindings/TokenPatch';
import { toErrorInfo, type Host, type Unsubscribe } from './types';

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (err) {
    throw toErrorInfo(err);
  }
}

/** `listen` is async; hand back a synchronous unsubscribe that also works before it resolves. */
function subscribe<P>(event: string, handler: (payload: P) => void): Unsubscribe {
  let unlisten: UnlistenFn | null = null;
  let cancelled = false;
  listen<P>(event, (e) => handler(e.payload)).then(
    (fn) => {
      if (cancelled) fn();
      else unlisten = fn;
    },
    (err: unknown) => console.error(`could not listen to ${event}`, err),
  );
  return () => {
    cancelled = true;
    unlisten?.();
  };
}

export function createTauriHost(): Host {
  return {
    listTokens: () => call<TokenMeta[]>('list_tokens'),
    listProviders: () => call<ProviderInfo[]>('list_providers'),
    inspect: (input) => call<Inspection>('inspect_token', { input }),
    addToken: (secret, meta: NewTokenMeta) => call<TokenMeta>('add_token', { secret, meta }),
    updateToken: (id, patch: TokenPatch, secret) => call<TokenMeta>('update_token', { id, patch, secret }),
    deleteToken: (id) => call<void>('delete_token', { id }),
    tokenDetail: (id) => call<TokenDetail>('token_detail', { id }),
    revealToken: (id) => call<string>('reveal_token', { id }),
    copyToken: (id) => call<CopyReceipt>('copy_token', { id }),
    keyringHealth: () => call<KeyringHealth>('keyring_health'),
    getSettings: () => call<Settings>('get_settings'),
    setSettings: (settings) => call<Settings>('set_settings', { settings }),
    openProviderLink: (link) => call<void>('open_provider_link', { link }),
    checkShape: (provider, guide, secret) => call<ShapeCheck>('check_shape', { provider, guide, secret }),
    checkToken: (id) => call<CheckReport>('check_token', { id }),
    revokeToken: (id) => call<TokenMeta>('revoke_token', { id }),
    markRevoked: (id) => call<TokenMeta>('mark_revoked', { id }),
    rotateToken: (id) => call<Rotation>('rotate_token', { id }),
    addReplacement: (oldId, secret, expiresAt) => call<TokenMeta>('add_replacement', { oldId, secret, expiresAt }),
    finishReplacement: (oldId, newId) => call<TokenMeta>('finish_replacement', { oldId, newId }),
    notificationHealth: () => call<NotificationHealth>('notification_health'),
    parseLeads: (text) => call<number[] | null>('parse_leads', { text }),
    formatLeads: (leads) => call<string>('format_leads', { leads }),
    listProfiles: () => call<Profile[]>('list_profiles'),
    saveProfile: (input: ProfileInput, clientSecret) => call<Profile>('save_profile', { input, clientSecret }),
    startLogin: (profile, flow: Flow, name) => call<LoginStarted>('start_login', { profile, flow, name }),
    cancelLogin: (loginId) => call<void>('cancel_login', { loginId }),
    openLoginPage: (loginId) => call<void>('open_login_page', { loginId }),
    refreshToken: (id) => call<TokenMeta>('refresh_token', { id }),
    introspectToken: (id) => call<Record<string, unknown>>('introspect_token', { id }),
    // The shell opens the file dialogs itself: no path ever crosses from the page.
    exportBackup: (passphrase) => call<ExportOutcome>('export_backup', { passphrase }),
    chooseBackup: () => call<BackupPick>('choose_backup'),
    restoreBackup: (file, passphrase, dryRun) => call<RestoreReport>('restore_backup', { file, passphrase, dryRun }),
    // The shell reads only the files its last scan listed.
    scanForTokens: () => call<ScanReport>('scan_for_tokens'),
    importFound: (files, rewrite) => call<ImportOutcome>('import_found', { files, rewrite }),
    onLoginFinished: (cb) => subscribe<LoginFinished>('login-finished', cb),
    onTokensChanged: (cb) => subscribe<unknown>('tokens-changed', () => cb()),
    onClipboardCleared: (cb) => subscribe<ClipboardCleared>('clipboard-cleared', (p) => cb(p.token_id)),
    onKeyringChanged: (cb) => subscribe<unknown>('keyring-changed', () => cb()),
    onOpenToken: (cb) => subscribe<OpenToken>('open-token', (p) => cb(p.token_id, p.renew)),
    onNotificationsChanged: (cb) => subscribe<unknown>('notifications-changed', () => cb()),
  };
}
