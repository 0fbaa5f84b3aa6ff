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
    await host.setSettings({ clipboard_clear_secs: 30 });
    await host.openUrl('https://github.com/settings/tokens');
    await host.copyToken('id2');
    expect(invoke.mock.calls).toEqual([
      ['inspect_token', { input: 'abc' }],
      ['update_token', { id: 'id1', patch: expect.objectContaining({ name: 'n' }), secret: null }],
      ['update_token', { id: 'id1', patch: expect.objectContaining({ name: 'n' }), secret: 'ghp_new' }],
      ['set_settings', { settings: { clipboard_clear_secs: 30 } }],
      ['open_url', { url: 'https://github.com/settings/tokens' }],
      ['copy_token', { id: 'id2' }],
    ]);
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
});
