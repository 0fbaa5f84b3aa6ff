import { afterEach, describe, expect, it } from 'vitest';
import type { LinkKind } from '../bindings/LinkKind';
import type { LinkRef } from '../bindings/LinkRef';
import type { NewTokenMeta } from '../bindings/NewTokenMeta';
import type { TokenPatch } from '../bindings/TokenPatch';
import { answerFor, demoToken, INSPECTED_MS, NOW_MS, SAMPLE } from '../../test/fixtures';
import { demoSeed } from './demo';
import { CATALOG, DEMO, LEADS } from './fixture-data';
import { createFakeHost, NOTIFICATIONS_OK, UNKNOWN_INPUT, type FakeHost } from './fake';

const NOW = INSPECTED_MS;
const GHP = SAMPLE.githubPat;

function meta(over: Partial<NewTokenMeta>): NewTokenMeta {
  return {
    provider: null, name: 'n', kind: null, scopes: null, account: null, expires_at: null,
    notes: null, tags: null, ...over,
  };
}

const NO_CHANGE: TokenPatch = { provider: null, name: null, kind: null, scopes: null, account: null, notes: null, tags: null };

function masked(input: string): string {
  const a = answerFor(input);
  if (!('ok' in a)) throw new Error('not an inspectable sample');
  return a.masked;
}

let host: FakeHost;
afterEach(() => host?.dispose());

describe('fake host: inspect', () => {
  host = createFakeHost({ now: () => NOW });

  it('answers a JWT as core decoded it: format, claims, times, scopes, account, unverified signature', async () => {
    const insp = await host.inspect(SAMPLE.auth0Jwt);
    expect(insp.format).toBe('jwt');
    expect(insp.claims?.sub).toBe('user@acme.dev');
    expect(insp.header?.alg).toBe('RS256');
    expect(insp.provider).toBe('auth0');
    expect(insp.expires_at).toBe('2026-06-02T11:00:00Z');
    expect(insp.scopes).toEqual(['read:a', 'write:b']);
    expect(insp.account).toBe('user@acme.dev');
    expect(insp.signature).toBe('unverified');
    expect(insp.status).toBe('valid');
  });

  it('recognises a GitHub personal access token by its prefix, also after "Bearer "', async () => {
    expect(await host.inspect(GHP)).toMatchObject({ format: 'opaque', provider: 'github', kind: 'personal', claims: null });
    expect(await host.inspect(SAMPLE.bearerGithubPat)).toMatchObject({ format: 'opaque', provider: 'github', kind: 'personal' });
  });

  it('recognises GitLab', async () => {
    const insp = await host.inspect(SAMPLE.gitlabPat);
    expect(insp).toMatchObject({ format: 'opaque', provider: 'gitlab', kind: 'personal' });
  });

  it('calls an unknown token opaque, with no provider', async () => {
    const insp = await host.inspect(SAMPLE.opaque);
    expect(insp).toMatchObject({ format: 'opaque', provider: null, kind: 'other', expires_at: null });
  });

  it('tells a JWE', async () => {
    expect((await host.inspect(SAMPLE.jwe)).format).toBe('jwe');
  });

  it('rejects empty and malformed input with ErrorInfo', async () => {
    await expect(host.inspect(SAMPLE.blank)).rejects.toMatchObject({ code: 'token_malformed', message: expect.stringContaining('empty') });
    await expect(host.inspect(SAMPLE.malformed)).rejects.toMatchObject({ code: 'token_malformed' });
  });

  it('refuses, clearly, an input the fixtures do not hold', async () => {
    await expect(host.inspect('x'.repeat(17 * 1024))).rejects.toEqual(UNKNOWN_INPUT);
    await expect(host.addToken('not-a-sample', meta({ name: 'x', provider: 'stripe' }))).rejects.toEqual(UNKNOWN_INPUT);
  });
});

describe('fake host: storage', () => {
  it('adds a token with what inspection found, and lists it', async () => {
    host = createFakeHost({ now: () => NOW });
    const added = await host.addToken(GHP, meta({ name: 'ci' }));
    expect(added).toMatchObject({ provider: 'github', kind: 'personal', name: 'ci', expires_at: null, status: 'no_expiry' });
    expect((await host.listTokens()).map((t) => t.name)).toEqual(['ci']);
  });

  it('takes a JWT\'s instants, scopes and account from core\'s inspection', async () => {
    host = createFakeHost({ now: () => NOW });
    const insp = await host.inspect(SAMPLE.auth0Jwt);
    const added = await host.addToken(SAMPLE.auth0Jwt, meta({ name: 'api' }));
    expect(added).toMatchObject({
      provider: 'auth0', format: 'jwt', kind: insp.kind, scopes: insp.scopes, account: insp.account,
      issued_at: insp.issued_at, not_before: insp.not_before, expires_at: insp.expires_at,
      soon_at: insp.soon_at, expiry_source: 'jwt', status: 'valid',
    });
  });

  it('uses a typed expiry, and then cannot know when expiring soon begins', async () => {
    host = createFakeHost({ now: () => NOW });
    const added = await host.addToken(SAMPLE.auth0Jwt, meta({ name: 'api', expires_at: '2026-06-03T00:00:00Z' }));
    expect(added).toMatchObject({ expires_at: '2026-06-03T00:00:00Z', expiry_source: 'user', soon_at: null });
  });

  it('refuses a second token with the same name at the same provider', async () => {
    host = createFakeHost({ now: () => NOW });
    await host.addToken(GHP, meta({ name: 'ci' }));
    await expect(host.addToken(SAMPLE.bearerGithubPat, meta({ name: 'ci' }))).rejects.toMatchObject({ code: 'duplicate_name' });
    await expect(host.addToken(SAMPLE.gitlabPat, meta({ name: 'ci' }))).resolves.toMatchObject({ provider: 'gitlab' });
  });

  it('needs a provider when the token does not name one', async () => {
    host = createFakeHost({ now: () => NOW });
    await expect(host.addToken(SAMPLE.opaque, meta({ name: 'x' }))).rejects.toMatchObject({ code: 'invalid_input' });
    await expect(host.addToken(SAMPLE.opaque, meta({ name: 'x', provider: 'stripe' }))).resolves.toBeTruthy();
  });

  it('masks the secret in the detail and returns it only from reveal, logging both', async () => {
    host = createFakeHost({ now: () => NOW });
    const { id } = await host.addToken(GHP, meta({ name: 'ci' }));
    const detail = await host.tokenDetail(id);
    expect(detail.masked).toBe(masked(GHP));
    expect(detail.masked).toMatch(/^ghp_•+.{4}$/);
    expect(JSON.stringify(detail)).not.toContain(GHP);
    expect(await host.revealToken(id)).toBe(GHP);
    const { clear_after_secs } = await host.copyToken(id);
    expect(clear_after_secs).toBe(30);
    expect((await host.tokenDetail(id)).events.map((e) => e.kind)).toEqual(['copied', 'revealed', 'added']);
  });

  it('clears expiry with a null patch and keeps it with an absent one', async () => {
    host = createFakeHost({ now: () => NOW });
    const { id } = await host.addToken(GHP, meta({ name: 'ci', expires_at: '2026-07-01T00:00:00Z' }));
    expect((await host.updateToken(id, { ...NO_CHANGE, notes: 'x' }, null)).expires_at).toBe('2026-07-01T00:00:00Z');
    expect((await host.updateToken(id, { ...NO_CHANGE, expires_at: null }, null)).expires_at).toBeNull();
  });

  it('saves an edit and a new secret together, logging both', async () => {
    host = createFakeHost({ now: () => NOW });
    const { id } = await host.addToken(GHP, meta({ name: 'ci' }));
    const updated = await host.updateToken(id, { ...NO_CHANGE, name: 'ci-2' }, SAMPLE.bearerGithubPat);
    expect(updated.name).toBe('ci-2');
    const detail = await host.tokenDetail(id);
    expect(detail.masked).toBe(masked(SAMPLE.bearerGithubPat));
    expect(detail.events.map((e) => e.kind)).toEqual(['edited', 'secret_replaced', 'added']);
  });

  it('takes a new JWT\'s expiry with its secret, unless the edit set one', async () => {
    host = createFakeHost({ now: () => NOW });
    const { id } = await host.addToken(SAMPLE.auth0Jwt, meta({ name: 'api' }));
    const next = answerFor(SAMPLE.notYetValidJwt);
    if (!('ok' in next)) throw new Error('the not-yet-valid sample should inspect');
    expect(await host.updateToken(id, NO_CHANGE, SAMPLE.notYetValidJwt)).toMatchObject({
      expires_at: next.ok.expires_at, not_before: next.ok.not_before, soon_at: next.ok.soon_at,
      expiry_source: 'jwt', status: 'not_yet_valid',
    });
    const typed = await host.updateToken(id, { ...NO_CHANGE, expires_at: '2026-06-05T00:00:00Z' }, SAMPLE.auth0Jwt);
    expect(typed).toMatchObject({ expires_at: '2026-06-05T00:00:00Z', expiry_source: 'user' });
  });

  it('saves neither the edit nor the secret when either fails', async () => {
    host = createFakeHost({ now: () => NOW });
    const { id } = await host.addToken(GHP, meta({ name: 'ci' }));
    await host.addToken(SAMPLE.bearerGithubPat, meta({ name: 'taken' }));
    const before = await host.tokenDetail(id);
    await expect(host.updateToken(id, { ...NO_CHANGE, notes: 'new' }, SAMPLE.malformed)).rejects.toMatchObject({ code: 'token_malformed' });
    await expect(host.updateToken(id, { ...NO_CHANGE, name: 'taken' }, SAMPLE.gitlabPat)).rejects.toMatchObject({ code: 'duplicate_name' });
    host.setKeyringError({ code: 'keyring_locked', message: 'The keyring is locked.' });
    await expect(host.updateToken(id, { ...NO_CHANGE, notes: 'new' }, SAMPLE.gitlabPat)).rejects.toMatchObject({ code: 'keyring_locked' });
    host.setKeyringError(null);
    expect(await host.tokenDetail(id)).toEqual(before);
    expect(await host.revealToken(id)).toBe(GHP);
  });

  it('writes no event for an edit that changes nothing', async () => {
    host = createFakeHost({ now: () => NOW });
    const { id } = await host.addToken(GHP, meta({ name: 'ci' }));
    await host.updateToken(id, { ...NO_CHANGE, name: 'ci' }, null);
    expect((await host.tokenDetail(id)).events.map((e) => e.kind)).toEqual(['added']);
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

  it('announces keyring-changed to its listeners until they unsubscribe', () => {
    host = createFakeHost({ now: () => NOW });
    let heard = 0;
    const off = host.onKeyringChanged(() => (heard += 1));
    host.announceKeyringChanged();
    off();
    host.announceKeyringChanged();
    expect(heard).toBe(1);
  });

  it('opens only the page the catalog has for a provider, guide, step and kind', async () => {
    host = createFakeHost({ now: () => NOW });
    const github = CATALOG.find((p) => p.id === 'github');
    const fine = github?.guides.find((g) => g.id === 'fine_grained_pat');
    await host.openProviderLink({ provider: 'github', kind: 'revoke' });
    await host.openProviderLink({ provider: 'github', kind: 'docs' });
    expect(host.opened).toEqual([github?.revoke_url, github?.docs_url]);
    await host.openProviderLink({ provider: 'github', kind: 'step', guide: 'fine_grained_pat', step: 1 });
    await host.openProviderLink({ provider: 'github', kind: 'revoke_step', guide: 'fine_grained_pat', step: 0 });
    await host.openProviderLink({ provider: 'github', kind: 'max_source', guide: 'fine_grained_pat' });
    expect(host.opened.slice(2)).toEqual([fine?.steps[1]?.url, fine?.revoke_steps[0]?.url, fine?.lifetime.max.source]);
    expect(host.opened.every((u) => u.startsWith('https://'))).toBe(true);
    const link = (provider: string, kind: string, more: Partial<LinkRef> = {}) =>
      host.openProviderLink({ provider, kind: kind as LinkKind, ...more });
    // A provider the catalog lacks, a kind that is not one, a page the catalog does not have.
    await expect(link('no-such-provider', 'docs')).rejects.toMatchObject({ code: 'invalid_input' });
    await expect(link('github', 'bogus')).rejects.toMatchObject({ code: 'invalid_input' });
    await expect(link('github', 'toString')).rejects.toMatchObject({ code: 'invalid_input' });
    await expect(link('github', 'step', { guide: 'fine_grained_pat', step: 2 })).rejects.toMatchObject({ code: 'invalid_input' });
    await expect(link('github', 'step', { guide: 'no-such-guide', step: 0 })).rejects.toMatchObject({ code: 'invalid_input' });
    const bare = CATALOG.find((p) => p.create_url === null);
    expect(bare, 'the catalog has a provider without pages').toBeDefined();
    await expect(link(bare?.id ?? '', 'create')).rejects.toMatchObject({ code: 'invalid_input' });
    expect(host.opened).toHaveLength(5);
  });

  it('validates the clipboard timeout', async () => {
    host = createFakeHost({ now: () => NOW });
    const s = await host.getSettings();
    await expect(host.setSettings({ ...s, clipboard_clear_secs: 2 })).rejects.toMatchObject({ code: 'invalid_input' });
    await expect(host.setSettings({ ...s, clipboard_clear_secs: 45 })).resolves.toEqual({ ...s, clipboard_clear_secs: 45 });
  });
});

describe('fake host: reminders', () => {
  const WEEK_DAY = [604_800, 86_400];

  it('refuses lead times the fixture does not hold, saying so, and never parses them itself', async () => {
    host = createFakeHost({ now: () => NOW });
    await expect(host.parseLeads('5d')).rejects.toMatchObject({ code: 'invalid_input', message: expect.stringContaining('fixtures/leads.json') });
    await expect(host.parseLeads(' 7d,1d')).rejects.toMatchObject({ code: 'invalid_input' });
    await expect(host.formatLeads([432_000])).rejects.toMatchObject({ code: 'invalid_input', message: expect.stringContaining('fixtures/leads.json') });
  });

  it('keeps a token\'s leads when the patch leaves them out, and sets, clears and resets them', async () => {
    host = createFakeHost({ now: () => NOW });
    const { id } = await host.addToken(GHP, meta({ name: 'ci', remind: WEEK_DAY }));
    expect((await host.updateToken(id, { ...NO_CHANGE, notes: 'x' }, null)).remind).toEqual(WEEK_DAY);
    expect((await host.updateToken(id, { ...NO_CHANGE, remind: [] }, null)).remind).toEqual([]);
    expect((await host.updateToken(id, { ...NO_CHANGE, remind: null }, null)).remind).toBeNull();
  });

  it('writes no event when the leads or the rotation period are set to what they were', async () => {
    host = createFakeHost({ now: () => NOW });
    const { id } = await host.addToken(GHP, meta({ name: 'ci', remind: WEEK_DAY, rotate_every_secs: 30 * 86_400 }));
    await host.updateToken(id, { ...NO_CHANGE, remind: [...WEEK_DAY], rotate_every_secs: 30 * 86_400 }, null);
    expect((await host.tokenDetail(id)).events.map((e) => e.kind)).toEqual(['added']);
  });

  it('dates rotation from when the secret was stored, and again from a new secret', async () => {
    let now = NOW;
    host = createFakeHost({ now: () => now });
    const { id } = await host.addToken(GHP, meta({ name: 'ci' }));
    now += 86_400_000;
    const set = await host.updateToken(id, { ...NO_CHANGE, rotate_every_secs: 30 * 86_400 }, null);
    expect(set).toMatchObject({ rotate_every_secs: 30 * 86_400, rotate_at: new Date(NOW + 30 * 86_400_000).toISOString().replace('.000', '') });
    const replaced = await host.updateToken(id, NO_CHANGE, SAMPLE.bearerGithubPat);
    expect(replaced.rotate_at).toBe(new Date(now + 30 * 86_400_000).toISOString().replace('.000', ''));
    expect(await host.updateToken(id, { ...NO_CHANGE, rotate_every_secs: null }, null)).toMatchObject({ rotate_every_secs: null, rotate_at: null });
  });

  it('answers core\'s reminders for a demo token, and only what it knows once they changed', async () => {
    host = createFakeHost({ seed: demoSeed(), now: () => NOW_MS });
    const { detail } = demoToken('publish');
    expect((await host.tokenDetail(detail.meta.id)).reminders).toEqual(detail.reminders);
    await host.updateToken(detail.meta.id, { ...NO_CHANGE, remind: WEEK_DAY }, null);
    // Which leads fit the token's life, and when the next is due, only core can say.
    expect((await host.tokenDetail(detail.meta.id)).reminders).toEqual({ own: true, leads_text: '7d,1d', next_at: null });
  });

  it('forgets core\'s reminders of tokens on the app\'s leads when those change', async () => {
    host = createFakeHost({ seed: demoSeed(), now: () => NOW_MS });
    const { detail } = demoToken('publish');
    await host.setSettings({ ...(await host.getSettings()), remind_leads_secs: WEEK_DAY });
    expect((await host.tokenDetail(detail.meta.id)).reminders).toEqual({ own: false, leads_text: '7d,1d', next_at: null });
    expect(LEADS.default).not.toEqual(WEEK_DAY);
  });

  it('answers the notification health staged, and announces changes and open requests', async () => {
    host = createFakeHost({ now: () => NOW });
    expect(await host.notificationHealth()).toEqual(NOTIFICATIONS_OK);
    const broken = { ok: false, server: null, message: 'No notification server.' };
    host.setNotificationHealth(broken);
    expect(await host.notificationHealth()).toEqual(broken);
    const heard: string[] = [];
    const offChanged = host.onNotificationsChanged(() => heard.push('changed'));
    const offOpen = host.onOpenToken((id) => heard.push(`open ${id}`));
    host.announceNotificationsChanged();
    host.announceOpenToken('t1');
    offChanged();
    offOpen();
    host.announceNotificationsChanged();
    host.announceOpenToken('t2');
    expect(heard).toEqual(['changed', 'open t1']);
  });
});

describe('the demo seed', () => {
  it('moves every instant, and so keeps every status, when shown later', async () => {
    const later = NOW_MS + 40 * 86_400_000 + 1234;
    host = createFakeHost({ seed: demoSeed({ atMs: later }), now: () => later });
    const listed = await host.listTokens();
    const { detail } = demoToken('api-staging');
    const moved = listed.find((t) => t.id === detail.meta.id);
    expect(moved?.expires_at).toBe('2026-07-11T16:30:01Z');
    expect(Date.parse(moved?.soon_at ?? '') - Date.parse(detail.meta.soon_at ?? '')).toBe(40 * 86_400_000 + 1000);
    for (const t of listed) {
      expect(t.status, t.name).toBe(demoToken(t.name).detail.meta.status);
    }
    const claims = (await host.tokenDetail(detail.meta.id)).inspection?.claims;
    expect(Number(claims?.exp) - Number(detail.inspection?.claims?.exp)).toBe(40 * 86_400 + 1);
  });

  it('adds copies for a long list, each with its original\'s status', async () => {
    host = createFakeHost({ seed: demoSeed({ extra: 30 }), now: () => NOW_MS });
    const listed = await host.listTokens();
    expect(listed).toHaveLength(DEMO.tokens.length + 30);
    expect(new Set(listed.map((t) => t.id)).size).toBe(listed.length);
    for (let i = 0; i < 30; i++) {
      const copy = listed.find((t) => t.name === `bulk-${String(i).padStart(5, '0')}`);
      expect(copy?.status).toBe(DEMO.tokens[i % DEMO.tokens.length]?.detail.meta.status);
    }
  });
});
