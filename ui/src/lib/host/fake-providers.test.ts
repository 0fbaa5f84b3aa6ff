// The fake host's provider calls keep the app's contract: a paste's shape is judged from the
// guide's documented shapes (and never claims a checksum it did not compute), a live check keeps
// what the provider stated and nothing else, revoking deletes the secret, and a replacement sits
// beside the old token until it takes over the name.

import { afterEach, describe, expect, it } from 'vitest';
import { demoToken, NOW_MS, SAMPLE } from '../../test/fixtures';
import { demoSeed } from './demo';
import { createFakeHost, type FakeHost } from './fake';

let host: FakeHost;
afterEach(() => host?.dispose());

const id = (name: string) => demoToken(name).detail.meta.id;
const demo = () => (host = createFakeHost({ seed: demoSeed(), now: () => NOW_MS }));

describe('checkShape in the fake host', () => {
  it('refuses a wrong or cut-off prefix, naming what the guide expects', async () => {
    demo();
    const fine = await host.checkShape('github', 'fine_grained_pat', 'github_pa');
    expect(fine).toMatchObject({ ok: false, checked: ['prefix'] });
    expect(fine.problem).toContain('starts with `github_pat_`');
    expect(fine.problem).toContain('Was it copied whole');
    // Another guide's prefix is named as such.
    const other = await host.checkShape('github', 'fine_grained_pat', SAMPLE.githubPat);
    expect(other.problem).toContain('looks like a GitHub Personal access token (classic)');
  });

  it('checks the length, the characters and line breaks, but claims no checksum', async () => {
    demo();
    const short = await host.checkShape('github', 'classic_pat', SAMPLE.githubPat.slice(0, 30));
    expect(short).toMatchObject({ ok: false, checked: ['prefix', 'length'] });
    expect(short.problem).toContain('is 30 characters long; a whole one is 40');
    const odd = await host.checkShape('github', 'classic_pat', `ghp_${'a'.repeat(35)}!`);
    expect(odd.problem).toContain('`!` at character 40');
    const broken = await host.checkShape('github', 'classic_pat', `${SAMPLE.githubPat.slice(0, 20)} ${SAMPLE.githubPat.slice(21)}`);
    expect(broken.problem).toContain('space or line break');
    const whole = await host.checkShape('github', 'classic_pat', SAMPLE.githubPat);
    expect(whole).toEqual({ ok: true, problem: null, checked: ['prefix', 'length', 'characters'] });
  });

  it('accepts anything for a guide that documents no shape, and refuses an unknown guide', async () => {
    demo();
    expect(await host.checkShape('other', 'generic', 'whatever')).toEqual({ ok: true, problem: null, checked: [] });
    expect((await host.checkShape('github', 'nope', 'x')).ok).toBe(false);
  });
});

describe('checkToken in the fake host', () => {
  it('keeps what the provider stated and what it did not say as it was', async () => {
    demo();
    const before = (await host.tokenDetail(id('ci-deploy'))).meta;
    expect(before).toMatchObject({ expiry_source: 'user', scopes_source: 'user' });
    const report = await host.checkToken(id('ci-deploy'));
    expect(report).toMatchObject({ state: 'valid', expires_at: before.expires_at, learned: ['expires_at'] });
    const after = await host.tokenDetail(id('ci-deploy'));
    expect(after.meta).toMatchObject({ expires_at: before.expires_at, expiry_source: 'provider', scopes: before.scopes, scopes_source: 'user' });
    expect(after.check).toEqual(report);
    expect(after.events[0]).toMatchObject({ kind: 'checked', detail: `valid: ${report.detail}` });
  });

  it('takes a staged answer: scopes and account the provider states become its', async () => {
    demo();
    host.nextCheck = { state: 'valid', detail: 'ok', expires_at: null, scopes: ['repo'], account: 'octocat' };
    const report = await host.checkToken(id('ci-deploy'));
    expect(report).toMatchObject({ never_expires: true, learned: ['expires_at', 'scopes', 'account'] });
    const m = (await host.tokenDetail(id('ci-deploy'))).meta;
    expect(m).toMatchObject({ expires_at: null, expiry_source: 'provider', scopes: ['repo'], scopes_source: 'provider', account: 'octocat', account_source: 'provider' });
    // A verdict that does not describe the token changes none of its facts.
    host.nextCheck = { state: 'rate_limited', detail: 'slow down', retry_after: 60, expires_at: '2030-01-01T00:00:00Z' };
    expect((await host.checkToken(id('ci-deploy'))).learned).toEqual([]);
    expect((await host.tokenDetail(id('ci-deploy'))).meta.expires_at).toBeNull();
  });

  it('is unsupported where the provider has no API, and says a revoked token is revoked', async () => {
    demo();
    await expect(host.checkToken(id('payments-live'))).rejects.toMatchObject({ code: 'unsupported' });
    expect((await host.checkToken(id('alerts-bot'))).state).toBe('revoked');
  });
});

describe('revoking in the fake host', () => {
  it('revokes through the API where the guide can, deleting the secret', async () => {
    demo();
    const m = await host.revokeToken(id('ci-deploy'));
    expect(m.status).toBe('revoked');
    const d = await host.tokenDetail(id('ci-deploy'));
    expect(d).toMatchObject({ secret_error: { code: 'revoked' }, masked: null, inspection: null, can: { check: false, revoke: false, rotate: false } });
    await expect(host.revealToken(id('ci-deploy'))).rejects.toMatchObject({ code: 'revoked' });
    await expect(host.copyToken(id('ci-deploy'))).rejects.toMatchObject({ code: 'revoked' });
  });

  it('refuses where there is no API or the provider says no, changing nothing', async () => {
    demo();
    await expect(host.revokeToken(id('payments-live'))).rejects.toMatchObject({ code: 'unsupported' });
    host.nextRefusal = { code: 'provider', message: 'GitHub answered 503.' };
    await expect(host.revokeToken(id('ci-deploy'))).rejects.toMatchObject({ code: 'provider' });
    expect((await host.tokenDetail(id('ci-deploy'))).meta.revoked_at).toBeNull();
    expect((await host.markRevoked(id('payments-live'))).status).toBe('revoked');
  });
});

describe('replacements in the fake host', () => {
  it('stores a replacement beside the old token, then lets it take over the name', async () => {
    demo();
    const old = id('ci-deploy');
    const added = await host.addReplacement(old, SAMPLE.githubPat, '2026-09-01T00:00:00Z');
    expect(added).toMatchObject({ name: 'ci-deploy (new)', provider: 'github', kind: 'personal', expires_at: '2026-09-01T00:00:00Z' });
    expect((await host.addReplacement(old, SAMPLE.githubPat, null)).name).toBe('ci-deploy (new 2)');
    const done = await host.finishReplacement(old, added.id);
    expect(done).toMatchObject({ id: added.id, name: 'ci-deploy' });
    const retired = (await host.tokenDetail(old)).meta;
    expect(retired.status).toBe('revoked');
    expect(retired.name).toBe(`ci-deploy (replaced ${new Date(NOW_MS).toISOString().slice(0, 10)})`);
  });

  it('rotates at GitLab with another sample, keeping both when the check fails', async () => {
    demo();
    host.nextCheck = { state: 'invalid', detail: 'GitLab does not know it' };
    const kept = await host.rotateToken(id('release-bot'));
    expect(kept).toMatchObject({ finished: false, old: { name: 'release-bot', status: 'expiring_soon' }, new: { name: 'release-bot (new)' } });
    const rotated = await host.rotateToken(id('release-bot'));
    expect(rotated).toMatchObject({ finished: true, new: { name: 'release-bot' }, check: { state: 'valid' } });
    await expect(host.rotateToken(id('ci-deploy'))).rejects.toMatchObject({ code: 'unsupported' });
  });
});
