import { describe, expect, it } from 'vitest';
import {
  formatCountdown,
  formatRelative,
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

describe('formatCountdown', () => {
  const at = (offsetMs: number) => formatCountdown(NOW + offsetMs, NOW);

  it('shows days and hours from exactly one day out', () => {
    expect(at(D)).toBe('in 1d 0h');
    expect(at(12 * D + 4 * H + 59 * M)).toBe('in 12d 4h');
  });

  it('shows a clock under a day', () => {
    expect(at(D - S)).toBe('in 23:59:59');
    expect(at(4 * H + 12 * M + 9 * S)).toBe('in 04:12:09');
    expect(at(S)).toBe('in 00:00:01');
  });

  it('rounds a partial second up, so it never reads 00:00:00 before expiry', () => {
    expect(at(400)).toBe('in 00:00:01');
    expect(at(D - S + 1)).toBe('in 1d 0h');
  });

  it('is expired at exactly the expiry instant', () => {
    expect(at(0)).toBe('expired just now');
  });

  it('says how long ago it expired', () => {
    expect(at(-S)).toBe('expired just now');
    expect(at(-59 * S)).toBe('expired just now');
    expect(at(-5 * M)).toBe('expired 5m ago');
    expect(at(-2 * H)).toBe('expired 2h ago');
    expect(at(-3 * D)).toBe('expired 3d ago');
  });

  it('says so when a token never expires', () => {
    expect(formatCountdown(null, NOW)).toBe('never expires');
  });
});

describe('formatRelative', () => {
  it('reads both ways', () => {
    expect(formatRelative(NOW + 3 * D, NOW)).toBe('in 3d');
    expect(formatRelative(NOW - 5 * M, NOW)).toBe('5m ago');
    expect(formatRelative(NOW - 20 * S, NOW)).toBe('just now');
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
