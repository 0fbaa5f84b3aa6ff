import { beforeEach, describe, expect, it, vi } from 'vitest';

const invoke = vi.fn();
const listen = vi.fn();
vi.mock('@tauri-apps/api/core', () => ({ invoke: (...a: unknown[]) => invoke(...a) }));
vi.mock('@tauri-apps/api/event', () => ({ listen: (...a: unknown[]) => listen(...a) }));

const { createTauriHost } = await import('./tauri');

describe('tauri host', () => {
  beforeEach(() => {
    invoke.mockReset();
    listen.mockReset();
  });

  it('calls the documented commands with the documented argument names', async () => {
    invoke.mockResolvedValue(null);
    const host = createTauriHost();
    await host.inspect('abc');
    const patch = { provider: null, name: 'n', kind: null, scopes: null, account: null, notes: null, tags: null };
    await host.updateToken('id1', patch, null);
    await host.updateToken('id1', patch, 'ghp_new');
    await host.setSettings({ clipboard_clear_secs: 30, remind_leads_secs: [86400, 0], autostart: null });
    await host.openProviderLink({ provider: 'github', kind: 'revoke' });
    await host.openProviderLink({ provider: 'github', kind: 'step', guide: 'fine_grained_pat', step: 1 });
    await host.checkShape('github', 'classic_pat', 'ghp_x');
    await host.checkToken('id4');
    await host.revokeToken('id4');
    await host.markRevoked('id4');
    await host.rotateToken('id4');
    await host.addReplacement('id4', 'glpat-new', null);
    await host.finishReplacement('id4', 'id5');
    await host.copyToken('id2');
    await host.notificationHealth();
    await host.parseLeads('7d,1d');
    await host.formatLeads([604800, 86400]);
    await host.updateToken('id3', { remind: null, rotate_every_secs: 86400 }, null);
    expect(invoke.mock.calls).toEqual([
      ['inspect_token', { input: 'abc' }],
      ['update_token', { id: 'id1', patch: expect.objectContaining({ name: 'n' }), secret: null }],
      ['update_token', { id: 'id1', patch: expect.objectContaining({ name: 'n' }), secret: 'ghp_new' }],
      ['set_settings', { settings: { clipboard_clear_secs: 30, remind_leads_secs: [86400, 0], autostart: null } }],
      // The shell looks the address up in its catalog: the UI sends no URL.
      ['open_provider_link', { link: { provider: 'github', kind: 'revoke' } }],
      ['open_provider_link', { link: { provider: 'github', kind: 'step', guide: 'fine_grained_pat', step: 1 } }],
      ['check_shape', { provider: 'github', guide: 'classic_pat', secret: 'ghp_x' }],
      ['check_token', { id: 'id4' }],
      ['revoke_token', { id: 'id4' }],
      ['mark_revoked', { id: 'id4' }],
      ['rotate_token', { id: 'id4' }],
      // Tauri turns camelCase arguments into the command's snake_case parameters.
      ['add_replacement', { oldId: 'id4', secret: 'glpat-new', expiresAt: null }],
      ['finish_replacement', { oldId: 'id4', newId: 'id5' }],
      ['copy_token', { id: 'id2' }],
      ['notification_health', undefined],
      ['parse_leads', { text: '7d,1d' }],
      ['format_leads', { leads: [604800, 86400] }],
      // null is "back to the app's leads", so it must reach the shell as null, not be dropped.
      ['update_token', { id: 'id3', patch: { remind: null, rotate_every_secs: 86400 }, secret: null }],
    ]);
  });

  it('calls the OAuth commands with the documented argument names', async () => {
    invoke.mockResolvedValue(null);
    const host = createTauriHost();
    const input = {
      name: 'corp-sso', issuer: 'https://id.example.com', endpoints: null, client_id: 'app',
      scopes: ['openid'], audience: null, resource: null, refresh_lifetime_secs: null,
    };
    await host.listProfiles();
    await host.saveProfile(input, null);
    await host.saveProfile(input, 's3cret');
    await host.startLogin('corp-sso', 'device', null);
    await host.startLogin('corp-sso', 'code', 'alice');
    await host.cancelLogin('l1');
    await host.openLoginPage('l1');
    await host.refreshToken('id6');
    await host.introspectToken('id6');
    expect(invoke.mock.calls).toEqual([
      ['list_profiles', undefined],
      ['save_profile', { input, clientSecret: null }],
      ['save_profile', { input, clientSecret: 's3cret' }],
      // null lets the shell name the token; it must reach the shell as null, not be dropped.
      ['start_login', { profile: 'corp-sso', flow: 'device', name: null }],
      ['start_login', { profile: 'corp-sso', flow: 'code', name: 'alice' }],
      // The shell knows the sign-in's page by its id: the UI sends no URL.
      ['cancel_login', { loginId: 'l1' }],
      ['open_login_page', { loginId: 'l1' }],
      ['refresh_token', { id: 'id6' }],
      ['introspect_token', { id: 'id6' }],
    ]);
  });

  it('calls the backup commands with a passphrase and a handle, never a path', async () => {
    invoke.mockResolvedValue(null);
    const host = createTauriHost();
    await host.exportBackup('correct horse');
    await host.chooseBackup();
    await host.restoreBackup('h1', 'correct horse', true);
    await host.restoreBackup('h1', 'correct horse', false);
    expect(invoke.mock.calls).toEqual([
      // The shell opens the save and open dialogs itself.
      ['export_backup', { passphrase: 'correct horse' }],
      ['choose_backup', undefined],
      ['restore_backup', { file: 'h1', passphrase: 'correct horse', dryRun: true }],
      ['restore_backup', { file: 'h1', passphrase: 'correct horse', dryRun: false }],
    ]);
  });

  it('scans, then imports files by the names the scan listed', async () => {
    invoke.mockResolvedValue(null);
    const host = createTauriHost();
    await host.scanForTokens();
    await host.importFound(['~/.npmrc'], true);
    expect(invoke.mock.calls).toEqual([
      ['scan_for_tokens', undefined],
      ['import_found', { files: ['~/.npmrc'], rewrite: true }],
    ]);
  });

  it('passes the login-finished payload through and unsubscribes', async () => {
    const unlisten = vi.fn();
    let handler: ((e: { payload: unknown }) => void) | undefined;
    listen.mockImplementation((_name: string, h: (e: { payload: unknown }) => void) => {
      handler = h;
      return Promise.resolve(unlisten);
    });
    const cb = vi.fn();
    const off = createTauriHost().onLoginFinished(cb);
    expect(listen).toHaveBeenCalledWith('login-finished', expect.any(Function));
    const done = { login_id: 'l1', token: null, error: null, cancelled: true };
    handler?.({ payload: done });
    expect(cb).toHaveBeenCalledWith(done);
    await Promise.resolve();
    off();
    expect(unlisten).toHaveBeenCalled();
  });

  it('passes an open_provider_link refusal through as ErrorInfo', async () => {
    invoke.mockRejectedValueOnce({ code: 'invalid_input', message: 'Other has no docs page.' });
    await expect(createTauriHost().openProviderLink({ provider: 'other', kind: 'docs' })).rejects.toEqual({
      code: 'invalid_input',
      message: 'Other has no docs page.',
    });
  });

  it('passes a parse_leads rejection through as ErrorInfo', async () => {
    invoke.mockRejectedValueOnce({ code: 'invalid_input', message: '`1y` is not a duration' });
    await expect(createTauriHost().parseLeads('1y')).rejects.toEqual({ code: 'invalid_input', message: '`1y` is not a duration' });
  });

  it('rejects with ErrorInfo whatever invoke rejects with', async () => {
    const host = createTauriHost();
    invoke.mockRejectedValueOnce({ code: 'keyring_locked', message: 'locked' });
    await expect(host.listTokens()).rejects.toEqual({ code: 'keyring_locked', message: 'locked' });
    invoke.mockRejectedValueOnce('command list_tokens not found');
    await expect(host.listTokens()).rejects.toEqual({ code: 'internal', message: 'command list_tokens not found' });
  });

  it('passes the clipboard-cleared payload through and unsubscribes', async () => {
    const unlisten = vi.fn();
    let handler: ((e: { payload: unknown }) => void) | undefined;
    listen.mockImplementation((_name: string, h: (e: { payload: unknown }) => void) => {
      handler = h;
      return Promise.resolve(unlisten);
    });
    const cb = vi.fn();
    const off = createTauriHost().onClipboardCleared(cb);
    expect(listen).toHaveBeenCalledWith('clipboard-cleared', expect.any(Function));
    handler?.({ payload: { token_id: 't1' } });
    expect(cb).toHaveBeenCalledWith('t1');
    await Promise.resolve();
    off();
    expect(unlisten).toHaveBeenCalled();
  });

  it('follows keyring-changed and unsubscribes', async () => {
    const unlisten = vi.fn();
    let handler: ((e: { payload: unknown }) => void) | undefined;
    listen.mockImplementation((_name: string, h: (e: { payload: unknown }) => void) => {
      handler = h;
      return Promise.resolve(unlisten);
    });
    const cb = vi.fn();
    const off = createTauriHost().onKeyringChanged(cb);
    expect(listen).toHaveBeenCalledWith('keyring-changed', expect.any(Function));
    handler?.({ payload: null });
    expect(cb).toHaveBeenCalledTimes(1);
    await Promise.resolve();
    off();
    expect(unlisten).toHaveBeenCalled();
  });

  it('follows open-token with its token id and renew flag, and notifications-changed, and unsubscribes', async () => {
    const unlisten = vi.fn();
    const handlers = new Map<string, (e: { payload: unknown }) => void>();
    listen.mockImplementation((name: string, h: (e: { payload: unknown }) => void) => {
      handlers.set(name, h);
      return Promise.resolve(unlisten);
    });
    const host = createTauriHost();
    const opened = vi.fn();
    const changed = vi.fn();
    const offOpen = host.onOpenToken(opened);
    const offChanged = host.onNotificationsChanged(changed);
    expect([...handlers.keys()]).toEqual(['open-token', 'notifications-changed']);
    handlers.get('open-token')?.({ payload: { token_id: 't9', renew: false } });
    handlers.get('open-token')?.({ payload: { token_id: 't8', renew: true } });
    handlers.get('notifications-changed')?.({ payload: null });
    expect(opened).toHaveBeenCalledWith('t9', false);
    expect(opened).toHaveBeenCalledWith('t8', true);
    expect(changed).toHaveBeenCalledTimes(1);
    await Promise.resolve();
    offOpen();
    offChanged();
    expect(unlisten).toHaveBeenCalledTimes(2);
  });
});
