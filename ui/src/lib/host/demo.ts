// The demo vault for the browser build, the screenshots and the tests: fixtures/demo.json, one
// token of every status as the real vault lists and details it at `DEMO.now`. Tests use it as
// is, at that instant; the browser build shifts every instant by how long ago that was, so the
// demo always looks as it did then (a token "expiring in 3 h" still does).

import type { InspectAnswer } from './fixture-data';
import { DEMO, INSPECTIONS } from './fixture-data';
import type { StoredToken } from './fake';

/** The instant the demo fixture was made, in epoch ms. */
export const DEMO_NOW_MS = DEMO.now * 1000;
/** The instant the inspection fixture was made, in epoch ms. */
export const INSPECTIONS_NOW_MS = INSPECTIONS.now * 1000;

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z$/;
/** JWT claims that are NumericDates (seconds), shifted along with the RFC 3339 strings. */
const NUMERIC_DATE_CLAIMS = new Set(['exp', 'iat', 'nbf', 'auth_time']);

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/**
 * A deep copy of `value` with every instant moved by `ms` (rounded to whole seconds, the
 * precision core writes): RFC 3339 UTC strings anywhere (meta, inspection, events) and the
 * numeric `exp` / `iat` / `nbf` / `auth_time` claims. Statuses need no change: every instant
 * moves together, and so does the clock that compares them.
 */
export function shiftInstants<T>(value: T, ms: number): T {
  const secs = Math.round(ms / 1000);
  if (secs === 0) return structuredClone(value);
  const walk = (v: unknown, key: string | null): unknown => {
    if (typeof v === 'string') return RFC3339.test(v) ? iso(Date.parse(v) + secs * 1000) : v;
    if (typeof v === 'number') return key !== null && NUMERIC_DATE_CLAIMS.has(key) ? v + secs : v;
    if (Array.isArray(v)) return v.map((x) => walk(x, null));
    if (v !== null && typeof v === 'object') {
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x, k)]));
    }
    return v;
  };
  return walk(value, null) as T;
}

/** The demo tokens as the fake host stores them (events oldest first, as they were logged). */
function demoTokens(): StoredToken[] {
  return DEMO.tokens.map(({ secret, detail }) => ({
    secret,
    meta: detail.meta,
    events: [...detail.events].sort((a, b) => a.seq - b.seq),
    inspection: detail.inspection,
    masked: detail.masked,
    reminders: detail.reminders,
    check: detail.check,
    grant: detail.grant,
    gitHosts: detail.git_hosts,
  }));
}

/**
 * The demo seed as of `atMs` (default: the fixture's own instant, as tests use it): the fixture's
 * tokens with every instant moved by `atMs - DEMO_NOW_MS`, plus `extra` copies of them under other
 * names and ids, for trying a list of thousands. Each copy keeps its original's instants, so its
 * status is still the one core computed.
 */
export function demoSeed(opts: { atMs?: number; extra?: number } = {}): StoredToken[] {
  const base = demoTokens();
  const out = [...base];
  for (let i = 0; i < (opts.extra ?? 0); i++) {
    const from = base[i % base.length];
    if (!from) break;
    const id = `10000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
    out.push({
      ...structuredClone(from),
      meta: { ...from.meta, id, name: `bulk-${String(i).padStart(5, '0')}` },
      events: from.events.map((e, n) => ({ ...e, token_id: id, seq: 100_000 + i * 10 + n })),
    });
  }
  return shiftInstants(out, (opts.atMs ?? DEMO_NOW_MS) - DEMO_NOW_MS);
}

/** What `inspect_token` answers for each sample input, as of `atMs` (default: as made). */
export function demoInspections(atMs = INSPECTIONS_NOW_MS): Record<string, InspectAnswer> {
  return shiftInstants(INSPECTIONS.samples, atMs - INSPECTIONS_NOW_MS);
}
