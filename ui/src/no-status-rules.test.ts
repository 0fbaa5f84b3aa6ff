// When a token starts "expiring soon" is core's rule (it sends `soon_at`); the UI only compares
// instants. This catches a threshold creeping back into TypeScript. Simple by design: it looks
// for the old rule's names and numbers (the 20% fraction, the 14-day cap) in the source text.
// Likewise lead times (`14d,3d,1h,0`) are read and written by core alone (parseLeads /
// formatLeads), and which leads fit a token's life is core's to say (`reminders.leads_text`).

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = join(import.meta.dirname, '.');
/** Generated from Rust, or written by a Rust test: not the UI's code. */
const NOT_OURS = ['lib/bindings/', 'lib/host/fixtures/'];

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : /\.(ts|js|svelte)$/.test(name) ? [path] : [];
  });
}

const ours = files(SRC)
  .map((f) => ({ path: relative(SRC, f).split('\\').join('/'), text: readFileSync(f, 'utf8') }))
  .filter((f) => !NOT_OURS.some((dir) => f.path.startsWith(dir)) && !f.path.endsWith('.test.ts'));

function offenders(pattern: RegExp, only: (path: string) => boolean = () => true): string[] {
  return ours.filter((f) => only(f.path) && pattern.test(f.text)).map((f) => f.path);
}

describe('no status threshold in the UI', () => {
  it('names no soon threshold anywhere', () => {
    expect(offenders(/\bSOON_[A-Z]|soonThreshold|SOON_FRACTION/)).toEqual([]);
  });

  it('has no 14-day cap or 20% fraction in the state and host code', () => {
    const logic = (p: string) => /^lib\/(state|host)\/[^/]+\.ts$/.test(p);
    expect(ours.filter((f) => logic(f.path)).length).toBeGreaterThan(5);
    expect(offenders(/\b14\s*\*|\*\s*14\b|\b0?\.2\b|\b20\s*\/\s*100\b|\b1209600\b|\b14\s*\*\s*DAY/, logic)).toEqual([]);
  });

  it('decides status from the four instants alone, not from a lifetime', () => {
    // The old rule needed when the lifetime began; a comparison of core's instants does not.
    expect(offenders(/issued_at|created_at/, (p) => p === 'lib/state/status.ts')).toEqual([]);
  });
});

describe('no lead-time rules in the UI', () => {
  it('reads no durations itself', () => {
    // A duration parser needs its unit letters (a character class such as [dhms]) or a table
    // of them ({ d: 86400, h: 3600 }).
    const UNITS = /\[[wdhms]{3,5}\]|\bparse_?duration\b|\bformat_?duration\b|['"]?\bd['"]?\s*:\s*(?:86_?400|24\b)/i;
    for (const bad of ['/^(\\d+)([dhms])$/', "{ d: 86_400, h: 3600 }", "'d': 86400", 'parseDuration(t)']) {
      expect(UNITS.test(bad), bad).toBe(true);
    }
    expect(offenders(UNITS)).toEqual([]);
  });

  it('splits no lead-time text into parts', () => {
    const leadsCode = (p: string) => /lead|remind/i.test(ours.find((f) => f.path === p)?.text ?? '');
    expect(ours.filter((f) => leadsCode(f.path)).length).toBeGreaterThan(3);
    expect(offenders(/\.split\(\s*(?:['"`],|\/,)/, leadsCode)).toEqual([]);
  });

  it('does not decide which leads fit a token\'s life', () => {
    // Core skips leads longer than half the lifetime; nothing here halves anything.
    expect(offenders(/\/\s*2\b|\*\s*0?\.5\b|\b0?\.5\s*\*/, (p) => /^lib\/(state|host)\/|^(components|views)\/.*(Remind|Fact|Edit|Settings)/.test(p))).toEqual([]);
  });

  it('asks core for lead times wherever they are typed', () => {
    // Directly, or through lib/state/leads.ts's readLeads, which asks host.parseLeads.
    expect(ours.find((f) => f.path === 'lib/state/leads.ts')?.text).toMatch(/host\.parseLeads\(/);
    for (const p of ['views/SettingsDialog.svelte', 'views/EditDialog.svelte', 'views/AddDialog.svelte']) {
      expect(ours.find((f) => f.path === p)?.text, p).toMatch(/host\.parseLeads\(|\breadLeads\(app\.host,/);
    }
  });
});

