// Status is a comparison of core's instants with the clock. Every expectation here comes from
// the fixtures (what core said), never from a threshold written in TypeScript.

import { describe, expect, it } from 'vitest';
import type { TokenMeta } from '../bindings/TokenMeta';
import { DEMO, INSPECTIONS } from '../host/fixture-data';
import { demoToken } from '../../test/fixtures';
import { nextStatusChange, parseTime, statusAt, worstStatus, type StatusInput } from './status';

const S = 1000;
const DEMO_NOW = DEMO.now * S;
const INSPECTED = INSPECTIONS.now * S;
const metas: TokenMeta[] = DEMO.tokens.map((t) => t.detail.meta);
const inspections = Object.entries(INSPECTIONS.samples).flatMap(([input, a]) => ('ok' in a ? [{ input, ok: a.ok }] : []));
const ms = (value: string | null) => parseTime(value) ?? Number.NaN;

/** Every fixture token and sample inspection, with the instant core judged it at. */
const everything: Array<[string, StatusInput, number]> = [
  ...metas.map((m): [string, StatusInput, number] => [m.name, m, DEMO_NOW]),
  ...inspections.map(({ input, ok }): [string, StatusInput, number] => [input.slice(0, 24), ok, INSPECTED]),
];

describe('statusAt', () => {
  it('says what core said for every demo token, at the instant it said it', () => {
    for (const m of metas) expect(statusAt(m, DEMO_NOW), m.name).toBe(m.status);
  });

  it('says what core said for every sample inspection', () => {
    for (const { input, ok } of inspections) expect(statusAt(ok, INSPECTED), input).toBe(ok.status);
  });

  it('turns expiring soon at exactly soon_at, not a millisecond before', () => {
    const candidates = everything.filter(([, t]) => t.revoked_at == null && t.soon_at !== null
      && (t.not_before === null || ms(t.not_before) <= ms(t.soon_at)) && ms(t.soon_at) < ms(t.expires_at));
    expect(candidates.length).toBeGreaterThan(3);
    for (const [what, t] of candidates) {
      const soon = ms(t.soon_at);
      expect(statusAt(t, soon - S), what).toBe('valid');
      expect(statusAt(t, soon - 1), what).toBe('valid');
      expect(statusAt(t, soon), what).toBe('expiring_soon');
    }
  });

  it('is expired from the exact expiry instant, not a millisecond before', () => {
    const { meta } = demoToken('api-staging').detail;
    const exp = ms(meta.expires_at);
    expect(statusAt(meta, exp - 1)).toBe('expiring_soon');
    expect(statusAt(meta, exp)).toBe('expired');
    expect(statusAt(meta, exp + 1)).toBe('expired');
  });

  it('is not yet valid until the exact not-before instant', () => {
    const { meta } = demoToken('workspace-id-token').detail;
    const nbf = ms(meta.not_before);
    expect(statusAt(meta, nbf - 1)).toBe('not_yet_valid');
    expect(statusAt(meta, nbf)).toBe('valid');
  });

  it('has no expiry when expires_at is null, whatever the clock says', () => {
    const { meta } = demoToken('embeddings').detail;
    expect(statusAt(meta, DEMO_NOW + 1000 * 86_400_000)).toBe('no_expiry');
    expect(statusAt({ ...meta, not_before: meta.created_at }, ms(meta.created_at) - 1)).toBe('not_yet_valid');
  });

  it('is revoked whatever the dates say', () => {
    const { meta } = demoToken('alerts-bot').detail;
    expect(statusAt(meta, DEMO_NOW)).toBe('revoked');
    const expired = demoToken('playlist-sync').detail.meta;
    expect(statusAt({ ...expired, revoked_at: meta.revoked_at }, DEMO_NOW)).toBe('revoked');
  });

  it('stays valid up to the expiry when core gave no soon_at', () => {
    const { meta } = demoToken('publish').detail;
    const exp = ms(meta.expires_at);
    expect(statusAt({ ...meta, soon_at: null }, exp - 1)).toBe('valid');
    expect(statusAt({ ...meta, soon_at: null }, exp)).toBe('expired');
  });
});

describe('worstStatus', () => {
  it('picks the status that needs attention most', () => {
    expect(worstStatus(['valid', 'expiring_soon', 'no_expiry'])).toBe('expiring_soon');
    expect(worstStatus(['valid', 'expired', 'not_yet_valid'])).toBe('expired');
  });

  it('lets revoked tokens decide only when all are revoked', () => {
    expect(worstStatus(['revoked', 'valid'])).toBe('valid');
    expect(worstStatus(['revoked', 'revoked'])).toBe('revoked');
    expect(worstStatus([])).toBeNull();
  });

  it('summarises the demo as core would: it holds an expired token', () => {
    expect(worstStatus(metas.map((m) => m.status))).toBe('expired');
  });
});

describe('nextStatusChange', () => {
  it('names the exact instant a status changes, and nothing changes before it', () => {
    for (const [what, t, at] of everything) {
      let now = at - 400 * 86_400_000;
      const seen = [statusAt(t, now)];
      for (let next = nextStatusChange(t, now); next !== null; next = nextStatusChange(t, now)) {
        expect(next, what).toBeGreaterThan(now);
        expect(statusAt(t, next - 1), `${what}: changed before the predicted instant`).toBe(statusAt(t, now));
        now = next;
        seen.push(statusAt(t, now));
      }
      // Walking from boundary to boundary must reach the status it has for good.
      expect(statusAt(t, now + 1000 * 86_400_000), what).toBe(seen.at(-1));
    }
  });

  it('walks a token through not yet valid, valid, expiring soon and expired at core\'s instants', () => {
    const { meta } = demoToken('workspace-id-token').detail;
    expect(statusAt(meta, DEMO_NOW)).toBe('not_yet_valid');
    expect(nextStatusChange(meta, DEMO_NOW)).toBe(ms(meta.not_before));
    expect(statusAt(meta, ms(meta.not_before))).toBe('valid');
    expect(nextStatusChange(meta, ms(meta.not_before))).toBe(ms(meta.soon_at));
    expect(statusAt(meta, ms(meta.soon_at))).toBe('expiring_soon');
    expect(nextStatusChange(meta, ms(meta.soon_at))).toBe(ms(meta.expires_at));
    expect(statusAt(meta, ms(meta.expires_at))).toBe('expired');
    expect(nextStatusChange(meta, ms(meta.expires_at))).toBeNull();
  });

  it('never expects a change for tokens that cannot change', () => {
    expect(nextStatusChange(demoToken('embeddings').detail.meta, DEMO_NOW)).toBeNull();
    expect(nextStatusChange(demoToken('alerts-bot').detail.meta, DEMO_NOW)).toBeNull();
    expect(nextStatusChange(demoToken('playlist-sync').detail.meta, DEMO_NOW)).toBeNull();
  });
});
