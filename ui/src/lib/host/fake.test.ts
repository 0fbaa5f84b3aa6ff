import { afterEach, describe, expect, it } from 'vitest';
import type { NewTokenMeta } from '../bindings/NewTokenMeta';
import { makeJwt } from './demo';
import { createFakeHost, type FakeHost } from './fake';

const NOW = Date.UTC(2026, 2, 4, 12, 0, 0);
const secs = (ms: number) => Math.floor(ms / 1000);
const GHP = `ghp_${'A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8'}`;

function meta(over: Partial<NewTokenMeta>): NewTokenMeta {
  return {
    provider: null, name: 'n', kind: null, scopes: null, account: null, expires_at: null,
    notes: null, tags: null, ...over,
  };
}

let host: FakeHost;
afterEach(() => host?.dispose());

describe('fake host: inspect', () => {
  host = createFakeHost({ now: () => NOW });

  it('decodes a JWT: format, claims, times, unverified signature', async () => {
    const jwt = makeJwt({ sub: 'alice', iss: 'https://acme.eu.auth0.com/', iat: secs(NOW) - 60, exp: secs(NOW) + 3600, scope: 'read write' });
    const insp = await host.inspect(`  Bearer ${jwt}\n`);
    expect(insp.format).toBe('jwt');
    expect(insp.claims?.sub).toBe('alice');
    expect(insp.header?.alg).toBe('RS256');
    expect(insp.provider).toBe('auth0');
    expect(insp.expires_at).toBe('2026-03-04T13:00:00Z');
    expect(insp.signature).toBe('unverified');
    expect(insp.status).toBe('valid');
  });

  it('recognises a GitHub personal access token by its prefix', async () => {
    expect(GHP).toHaveLength(40);
    const insp = await host.inspect(GHP);
    expect(insp).toMatchObject({ format: 'opaque', provider: 'github', kind: 'personal', claims: null });
  });

  it('recognises GitLab', async () => {
    const insp = await host.inspect('glpat-xxxxxxxxxxxxxxxxxxxx');
    expect(insp).toMatchObject({ format: 'opaque', provider: 'gitlab', kind: 'personal' });
  });

  it('calls garbage opaque, with no provider', async () => {
    const insp = await host.inspect('hello.world');
    expect(insp).toMatchObject({ format: 'opaque', provider: null, kind: 'other', expires_at: null });
  });

  it('tells a JWE by its five parts and enc header', async () => {
    const h = btoa(JSON.stringify({ alg: 'RSA-OAEP', enc: 'A256GCM' })).replace(/=+$/, '');
    const insp = await host.inspect(`${h}.a.b.c.d`);
    expect(insp.format).toBe('jwe');
  });

  it('rejects empty and oversized input with ErrorInfo', async () => {
    await expect(host.inspect('   ')).rejects.toMatchObject({ code: 'invalid_input' });
    await expect(host.inspect('x'.repeat(17 * 1024))).rejects.toMatchObject({ code: 'token_too_large' });
  });
});

describe('fake host: storage', () => {
  it('adds a token with what inspection found, and lists it', async () => {
    host = createFakeHost({ now: () => NOW });
    const added = await host.addToken(GHP, meta({ name: 'ci' }));
    expect(added).toMatchObject({ provider: 'github', kind: 'personal', name: 'ci', expires_at: null, status: 'no_expiry' });
    expect((await host.listTokens()).map((t) => t.name)).toEqual(['ci']);
  });

  it('refuses a second token with the same name at the same provider', async () => {
    host = createFakeHost({ now: () => NOW });
    await host.addToken(GHP, meta({ name: 'ci' }));
    await expect(host.addToken(GHP, meta({ name: 'ci' }))).rejects.toMatchObject({ code: 'duplicate_name' });
    await expect(host.addToken('glpat-abc', meta({ name: 'ci' }))).resolves.toMatchObject({ provider: 'gitlab' });
  });

  it('needs a provider when the token does not name one', async () => {
    host = createFakeHost({ now: () => NOW });
    await expect(host.addToken('mystery', meta({ name: 'x' }))).rejects.toMatchObject({ code: 'invalid_input' });
    await expect(host.addToken('mystery', meta({ name: 'x', provider: 'stripe' }))).resolves.toBeTruthy();
  });

  it('masks the secret in the detail and returns it only from reveal, logging both', async () => {
    host = createFakeHost({ now: () => NOW });
    const { id } = await host.addToken(GHP, meta({ name: 'ci' }));
    const detail = await host.tokenDetail(id);
    expect(detail.masked).toBe('ghp_••••••••Q7r8');
    expect(JSON.stringify(detail)).not.toContain(GHP);
    expect(await host.revealToken(id)).toBe(GHP);
    const { clear_after_secs } = await host.copyToken(id);
    expect(clear_after_secs).toBe(30);
    expect((await host.tokenDetail(id)).events.map((e) => e.kind)).toEqual(['copied', 'revealed', 'added']);
  });

  it('clears expiry with a null patch and keeps it with an absent one', async () => {
    host = createFakeHost({ now: () => NOW });
    const { id } = await host.addToken(GHP, meta({ name: 'ci', expires_at: '2026-04-01T00:00:00Z' }));
    const base = { provider: null, name: null, kind: null, scopes: null, account: null, notes: null, tags: null };
    expect((await host.updateToken(id, { ...base, notes: 'x' })).expires_at).toBe('2026-04-01T00:00:00Z');
    expect((await host.updateToken(id, { ...base, expires_at: null })).expires_at).toBeNull();
  });

  it('fails secret access, not metadata, while the keyring is down', async () => {
    host = createFakeHost({ now: () => NOW });
    const { id } = await host.addToken(GHP, meta({ name: 'ci' }));
    host.setKeyringError({ code: 'keyring_locked', message: 'The keyring is locked.' });
    expect(await host.keyringHealth()).toMatchObject({ ok: false, error: { code: 'keyring_locked' } });
    await expect(host.listTokens()).resolves.toHaveLength(1);
    await expect(host.revealToken(id)).rejects.toMatchObject({ code: 'keyring_locked' });
    expect((await host.tokenDetail(id)).secret_error?.code).toBe('keyring_locked');
  });

  it('opens https links only', async () => {
    host = createFakeHost({ now: () => NOW });
    await expect(host.openUrl('javascript:alert(1)')).rejects.toMatchObject({ code: 'invalid_input' });
    await host.openUrl('https://github.com/settings/tokens');
    expect(host.opened).toEqual(['https://github.com/settings/tokens']);
  });

  it('validates the clipboard timeout', async () => {
    host = createFakeHost({ now: () => NOW });
    await expect(host.setSettings({ clipboard_clear_secs: 2 })).rejects.toMatchObject({ code: 'invalid_input' });
    await expect(host.setSettings({ clipboard_clear_secs: 45 })).resolves.toEqual({ clipboard_clear_secs: 45 });
  });
});
