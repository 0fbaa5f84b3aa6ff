import { describe, expect, it } from 'vitest';
import { nextStatusChange, statusAt, worstStatus, type StatusInput } from './status';

const D = 86_400_000;
const T0 = Date.UTC(2026, 0, 1);
const iso = (ms: number) => new Date(ms).toISOString();

function token(p: { iat?: number; nbf?: number; exp?: number; revoked?: number }): StatusInput {
  return {
    issued_at: p.iat === undefined ? null : iso(p.iat),
    not_before: p.nbf === undefined ? null : iso(p.nbf),
    expires_at: p.exp === undefined ? null : iso(p.exp),
    revoked_at: p.revoked === undefined ? null : iso(p.revoked),
  };
}

describe('statusAt', () => {
  it('is expired from the exact expiry instant, not a millisecond before', () => {
    const t = token({ exp: T0 });
    expect(statusAt(t, T0)).toBe('expired');
    expect(statusAt(t, T0 + 1)).toBe('expired');
    expect(statusAt(t, T0 - 1)).toBe('expiring_soon');
  });

  it('is not yet valid until the exact not-before instant', () => {
    const t = token({ iat: T0, nbf: T0 + D, exp: T0 + 100 * D });
    expect(statusAt(t, T0 + D - 1)).toBe('not_yet_valid');
    expect(statusAt(t, T0 + D)).toBe('valid');
  });

  it('is expiring soon once less than 20% of the known lifetime remains', () => {
    const t = token({ iat: T0, exp: T0 + 10 * D }); // 20% = 2 days
    expect(statusAt(t, T0 + 8 * D - 1)).toBe('valid');
    expect(statusAt(t, T0 + 8 * D)).toBe('valid'); // exactly 20% left is not "less than"
    expect(statusAt(t, T0 + 8 * D + 1)).toBe('expiring_soon');
  });

  it('never starts expiring soon more than 14 days out', () => {
    const t = token({ iat: T0, exp: T0 + 100 * D }); // 20% = 20 days, capped at 14
    expect(statusAt(t, T0 + 85 * D)).toBe('valid'); // 15 days left, under 20% but over the cap
    expect(statusAt(t, T0 + 86 * D)).toBe('valid'); // exactly 14 days left
    expect(statusAt(t, T0 + 86 * D + 1)).toBe('expiring_soon');
  });

  it('uses 14 days when the start of the lifetime is unknown', () => {
    const t = token({ exp: T0 + 30 * D });
    expect(statusAt(t, T0 + 16 * D)).toBe('valid');
    expect(statusAt(t, T0 + 16 * D + 1)).toBe('expiring_soon');
  });

  it('has no expiry when expires_at is null', () => {
    expect(statusAt(token({ iat: T0 }), T0 + 1000 * D)).toBe('no_expiry');
    expect(statusAt(token({ nbf: T0 + D }), T0)).toBe('not_yet_valid');
  });

  it('is revoked whatever the dates say', () => {
    expect(statusAt(token({ exp: T0, revoked: T0 - D }), T0 + D)).toBe('revoked');
    expect(statusAt(token({ revoked: T0 }), T0)).toBe('revoked');
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
});

describe('nextStatusChange', () => {
  const hourJwt = token({ iat: T0, exp: T0 + 3_600_000 });
  const noExpiry = token({ iat: T0 });
  const revoked = token({ iat: T0, exp: T0 + D, revoked: T0 });
  const samples: Array<[string, StatusInput]> = [
    ['a 90-day PAT', token({ iat: T0, exp: T0 + 90 * D })],
    ['a one-hour JWT', hourJwt],
    ['a token valid only from tomorrow', token({ iat: T0, nbf: T0 + D, exp: T0 + 30 * D })],
    ['an expiry with no issue time', token({ exp: T0 + 60 * D })],
    ['no expiry', noExpiry],
    ['a revoked token', revoked],
  ];

  it('names the exact instant a status changes, and nothing changes before it', () => {
    for (const [what, t] of samples) {
      let now = T0 - D;
      const seen = [statusAt(t, now)];
      for (let next = nextStatusChange(t, now); next !== null; next = nextStatusChange(t, now)) {
        expect(next, what).toBeGreaterThan(now);
        expect(statusAt(t, next - 1), `${what}: changed before the predicted instant`).toBe(statusAt(t, now));
        now = next;
        seen.push(statusAt(t, now));
      }
      // Walking from boundary to boundary must reach the status it has for good.
      expect(statusAt(t, now + 1000 * D), what).toBe(seen.at(-1));
    }
  });

  it('walks a one-hour JWT through valid, expiring soon and expired', () => {
    const soon = nextStatusChange(hourJwt, T0) ?? Number.NaN;
    expect(soon).toBe(T0 + 48 * 60_000 + 1);
    expect(statusAt(hourJwt, soon - 1)).toBe('valid');
    expect(statusAt(hourJwt, soon)).toBe('expiring_soon');
    expect(nextStatusChange(hourJwt, soon)).toBe(T0 + 3_600_000);
    expect(nextStatusChange(hourJwt, T0 + 3_600_000)).toBeNull();
  });

  it('never expects a change for tokens that cannot change', () => {
    expect(nextStatusChange(noExpiry, T0)).toBeNull();
    expect(nextStatusChange(revoked, T0)).toBeNull();
  });
});
