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
    await host.openProviderLink('github', 'revoke');
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
      ['open_provider_link', { provider: 'github', link: 'revoke' }],
      ['copy_token', { id: 'id2' }],
      ['notification_health', undefined],
      ['parse_leads', { text: '7d,1d' }],
      ['format_leads', { leads: [604800, 86400] }],
      // null is "back to the app's leads", so it must reach the shell as null, not be dropped.
      ['update_token', { id: 'id3', patch: { remind: null, rotate_every_secs: 86400 }, secret: null }],
    ]);
  });

  it('passes an open_provider_link refusal through as ErrorInfo', async () => {
    invoke.mockRejectedValueOnce({ code: 'invalid_input', message: 'Other has no docs page.' });
    await expect(createTauriHost().openProviderLink('other', 'docs')).rejects.toEqual({
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

  it('follows open-token with its token id, and notifications-changed, and unsubscribes', async () => {
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
    handlers.get('open-token')?.({ payload: { token_id: 't9' } });
    handlers.get('notifications-changed')?.({ payload: null });
    expect(opened).toHaveBeenCalledWith('t9');
    expect(changed).toHaveBeenCalledTimes(1);
    await Promise.resolve();
    offOpen();
    offChanged();
    expect(unlisten).toHaveBeenCalledTimes(2);
  });
});
