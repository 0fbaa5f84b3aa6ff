// The fake host's sign-ins keep the shell's contract: profiles as core listed them, a sign-in
// that ends in exactly one `login-finished`, sign in again in place, refresh and introspection
// answers the UI can rely on.

import { afterEach, describe, expect, it } from 'vitest';
import type { LoginFinished } from '../bindings/LoginFinished';
import type { ProfileInput } from '../bindings/ProfileInput';
import { demoToken, NOW_MS } from '../../test/fixtures';
import { demoSeed } from './demo';
import { createFakeHost, FAKE_USER_CODE, type FakeHost } from './fake';
import { PROFILES } from './fixture-data';

let host: FakeHost;
afterEach(() => host?.dispose());

function start(): { finished: LoginFinished[]; changed: () => number } {
  host = createFakeHost({ seed: demoSeed(), now: () => NOW_MS });
  const finished: LoginFinished[] = [];
  let changes = 0;
  host.onLoginFinished((d) => finished.push(d));
  host.onTokensChanged(() => (changes += 1));
  return { finished, changed: () => changes };
}

const input = (over: Partial<ProfileInput> = {}): ProfileInput => ({
  name: 'acme', issuer: 'https://login.acme.dev/', endpoints: null, client_id: 'tk-desktop',
  scopes: ['openid', 'offline_access'], audience: null, resource: null, refresh_lifetime_secs: null, ...over,
});

const settle = () => new Promise((r) => setTimeout(r, 0));
const id = (name: string) => demoToken(name).detail.meta.id;

describe('fake host: provider profiles', () => {
  it('lists the demo profiles, with the flows core computed', async () => {
    start();
    expect(await host.listProfiles()).toEqual(PROFILES);
    expect(PROFILES.find((p) => p.name === 'corp-sso')?.flows).toEqual(['code', 'device']);
  });

  it('refuses a profile without a name or a client id, and passes a staged discovery failure on', async () => {
    start();
    await expect(host.saveProfile(input({ name: ' ' }), null)).rejects.toMatchObject({ code: 'invalid_input' });
    await expect(host.saveProfile(input({ client_id: '' }), null)).rejects.toMatchObject({ code: 'invalid_input' });
    host.nextProfileError = { code: 'provider', message: 'login.acme.dev did not answer' };
    await expect(host.saveProfile(input(), null)).rejects.toEqual({ code: 'provider', message: 'login.acme.dev did not answer' });
    expect((await host.listProfiles()).map((p) => p.name)).toEqual(['corp-sso']);
  });

  it('saves a discovered profile; a client secret adds client credentials', async () => {
    start();
    const p = await host.saveProfile(input(), null);
    expect(p).toMatchObject({ name: 'acme', issuer: 'https://login.acme.dev', has_client_secret: false, flows: ['code', 'device'] });
    expect(p.endpoints.token).toBe('https://login.acme.dev/oauth/token');
    const again = await host.saveProfile(input(), 's3cret');
    expect(again.flows).toEqual(['code', 'device', 'client-credentials']);
    expect((await host.listProfiles()).map((x) => x.name)).toEqual(['corp-sso', 'acme']);
  });
});

describe('fake host: sign-ins', () => {
  it('hands out a device code, then stores the tokens under the profile with a grant', async () => {
    const { finished, changed } = start();
    const s = await host.startLogin('corp-sso', 'device', 'carol');
    expect(s.device).toEqual({
      user_code: FAKE_USER_CODE,
      verification_uri: 'https://id.example.com/device',
      verification_uri_complete: `https://id.example.com/device?user_code=${FAKE_USER_CODE}`,
    });
    expect(Date.parse(s.expires_at)).toBe(NOW_MS + 600_000);
    expect(host.finishLogin(s.login_id)).toBe(true);
    await settle();
    expect(finished).toHaveLength(1);
    expect(finished[0]).toMatchObject({ login_id: s.login_id, error: null, cancelled: false });
    expect(finished[0]?.token).toMatchObject({ provider: 'corp-sso', name: 'carol', kind: 'access', expiry_source: 'expires_in' });
    expect(changed()).toBe(1);
    const detail = await host.tokenDetail(finished[0]?.token?.id ?? '');
    expect(detail.grant).toMatchObject({ profile: 'corp-sso', flow: 'device', state: 'ok' });
    expect(detail.can.revoke).toBe(true);
    const refresh = await host.tokenDetail(detail.grant?.refresh_id ?? '');
    expect(refresh.meta).toMatchObject({ name: 'carol (refresh)', kind: 'refresh', expiry_source: 'provider' });
    expect(host.finishLogin(s.login_id)).toBe(false);
  });

  it('opens the code flow\'s page itself, and again when asked; cancelling ends it', async () => {
    const { finished } = start();
    const s = await host.startLogin('corp-sso', 'code', null);
    expect(s.authorization_url).toMatch(/^https:\/\/id\.example\.com\/authorize\?/);
    expect(host.opened).toEqual([s.authorization_url]);
    await host.openLoginPage(s.login_id);
    expect(host.opened).toHaveLength(2);
    await host.cancelLogin(s.login_id);
    await settle();
    expect(finished).toEqual([{ login_id: s.login_id, token: null, error: null, cancelled: true }]);
    await expect(host.openLoginPage(s.login_id)).rejects.toMatchObject({ code: 'invalid_input' });
  });

  it('ends with the error the server gave', async () => {
    const { finished } = start();
    const s = await host.startLogin('corp-sso', 'code', null);
    host.finishLogin(s.login_id, { code: 'provider', message: 'access_denied: the user said no' });
    await settle();
    expect(finished[0]).toMatchObject({ token: null, error: { code: 'provider', message: 'access_denied: the user said no' } });
  });

  it('refuses a flow the profile cannot run', async () => {
    start();
    await expect(host.startLogin('corp-sso', 'client-credentials', null)).rejects.toMatchObject({ code: 'unsupported' });
  });

  it('signs in again in place: same id, the grant well again', async () => {
    const { finished } = start();
    const s = await host.startLogin('corp-sso', 'device', 'build-bot');
    host.finishLogin(s.login_id);
    await settle();
    expect(finished[0]?.token?.id).toBe(id('build-bot'));
    expect((await host.tokenDetail(id('build-bot'))).grant).toMatchObject({ state: 'ok', detail: null });
    expect((await host.tokenDetail(id('build-bot (refresh)'))).grant?.state).toBe('ok');
  });
});

describe('fake host: refresh and introspection', () => {
  it('refuses to refresh a sign-in that has ended', async () => {
    start();
    await expect(host.refreshToken(id('build-bot'))).rejects.toMatchObject({ code: 'sign_in_again' });
  });

  it('refreshes from either token, moving the access token\'s instants along', async () => {
    // Half an hour after alice's access token was issued.
    host = createFakeHost({ seed: demoSeed(), now: () => NOW_MS + 600_000 });
    let changes = 0;
    host.onTokensChanged(() => (changes += 1));
    const before = demoToken('alice').detail.meta;
    const after = await host.refreshToken(id('alice (refresh)'));
    expect(after.id).toBe(before.id);
    expect(Date.parse(after.expires_at ?? '') - Date.parse(before.expires_at ?? '')).toBe(1_800_000);
    await settle();
    expect(changes).toBe(1);
    expect((await host.tokenDetail(before.id)).events[0]?.kind).toBe('refreshed');
  });

  it('keeps the tokens when the server fails, and says when the next try is', async () => {
    start();
    host.nextRefreshFailure = { code: 'provider', detail: 'the server answered 503', retry_at: '2026-06-01T12:05:00Z' };
    await expect(host.refreshToken(id('alice'))).rejects.toEqual({
      code: 'provider', message: 'the server answered 503; the tokens are kept, next try at 2026-06-01T12:05:00Z',
    });
    expect((await host.tokenDetail(id('alice'))).grant).toMatchObject({ state: 'retrying', retry_at: '2026-06-01T12:05:00Z' });
  });

  it('answers introspection active for a live token, inactive once the sign-in is revoked', async () => {
    start();
    expect(await host.introspectToken(id('alice'))).toMatchObject({ active: true, client_id: 'tokenkeeper-desktop', token_type: 'access_token' });
    await host.revokeToken(id('alice'));
    expect(await host.introspectToken(id('alice'))).toEqual({ active: false });
    expect((await host.tokenDetail(id('alice (refresh)'))).meta.revoked_at).not.toBeNull();
    await expect(host.introspectToken(id('release-bot'))).rejects.toMatchObject({ code: 'unsupported' });
  });

  it('keeps a sign-in whose revocation the server refused, marked pending', async () => {
    start();
    host.nextRefusal = { code: 'provider', message: 'the server answered 500' };
    await expect(host.revokeToken(id('alice'))).rejects.toMatchObject({ code: 'provider' });
    const d = await host.tokenDetail(id('alice'));
    expect(d.meta.revoked_at).toBeNull();
    expect(d.grant).toMatchObject({ state: 'revocation_pending', detail: 'the server answered 500' });
  });
});
