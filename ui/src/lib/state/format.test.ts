import { describe, expect, it } from 'vitest';
import { COUNTDOWNS } from '../host/fixture-data';
import {
  countdownChangesAt,
  earliest,
  formatCountdown,
  formatRelative,
  relativeChangesAt,
  formatUtc,
  fromDatetimeLocal,
  fromNumericDate,
  toDatetimeLocal,
} from './format';

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;
const NOW = Date.UTC(2026, 2, 4, 12, 0, 0);

describe('formatCountdown, against core (fixtures/countdowns.json)', () => {
  it('reads exactly as core\'s clock::countdown for every case', () => {
    expect(COUNTDOWNS.cases.length).toBeGreaterThan(20);
    for (const c of COUNTDOWNS.cases) {
      expect(formatCountdown(c.expires_at * S, c.now * S), `${c.expires_at - c.now} s left`).toBe(c.text);
    }
    expect(formatCountdown(null, NOW)).toBe(COUNTDOWNS.never);
  });

  it('changes at the instant core says, and not before', () => {
    for (const c of COUNTDOWNS.cases) {
      const label = `${c.expires_at - c.now} s left`;
      expect(countdownChangesAt(c.expires_at * S, c.now * S), label).toBe(c.changes_at === null ? null : c.changes_at * S);
      if (c.changes_at === null) continue;
      // Same words up to the last millisecond before, other words from that instant.
      expect(formatCountdown(c.expires_at * S, c.changes_at * S - 1), label).toBe(c.text);
      expect(formatCountdown(c.expires_at * S, c.changes_at * S), label).not.toBe(c.text);
    }
    expect(countdownChangesAt(null, NOW)).toBeNull();
  });

  it('counts whole seconds as core does, so a token reads in 00:01 until it expires', () => {
    expect(formatCountdown(NOW + S, NOW + 999)).toBe('in 00:01');
    expect(formatCountdown(NOW + S, NOW + S)).toBe('expired just now');
    expect(countdownChangesAt(NOW + S, NOW + 400)).toBe(NOW + S);
  });
});

describe('formatRelative', () => {
  it('reads both ways', () => {
    expect(formatRelative(NOW + 3 * D, NOW)).toBe('in 3d');
    expect(formatRelative(NOW - 5 * M, NOW)).toBe('5m ago');
    expect(formatRelative(NOW - 20 * S, NOW)).toBe('just now');
  });

  it('knows the instant its words next change', () => {
    const spans = [3 * D + 5, 2 * D, D, D - 1, 5 * H + 7 * S, H, H - 1, 2 * M, M, M - 1, 1, 0, -1, -M + 1, -M, -M - 1, -H, -2 * H - 3, -D, -4 * D - 9];
    for (const left of spans) {
      const at = NOW + left;
      const next = relativeChangesAt(at, NOW);
      expect(next, `${left} ms`).toBeGreaterThan(NOW);
      expect(formatRelative(at, next - 1), `${left} ms`).toBe(formatRelative(at, NOW));
      expect(formatRelative(at, next), `${left} ms`).not.toBe(formatRelative(at, NOW));
    }
  });

  it('picks the earliest instant, ignoring the missing ones', () => {
    expect(earliest(null, 5, 3, null, 9)).toBe(3);
    expect(earliest(null)).toBeNull();
  });
});

describe('time conversions', () => {
  it('prints UTC for tooltips', () => {
    expect(formatUtc(NOW)).toBe('2026-03-04 12:00:00 UTC');
  });

  it('turns a JWT NumericDate into RFC 3339', () => {
    expect(fromNumericDate(NOW / 1000)).toBe('2026-03-04T12:00:00Z');
  });

  it('round-trips through a datetime-local value', () => {
    const iso = '2026-03-04T12:34:56Z';
    expect(fromDatetimeLocal(toDatetimeLocal(iso))).toBe(iso);
    expect(toDatetimeLocal(null)).toBe('');
    expect(fromDatetimeLocal('')).toBeNull();
    expect(fromDatetimeLocal('not a date')).toBeNull();
  });
});
