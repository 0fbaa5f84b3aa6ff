// The fixtures as tests use them: the demo tokens by name, paste samples by what core answered
// for them (so a regenerated fixture with fresh random secrets needs no test edits), and the
// fixture's own instant as the time of day.

import { vi } from 'vitest';
import type { Inspection } from '../lib/bindings/Inspection';
import type { TokenDetail } from '../lib/bindings/TokenDetail';
import { DEMO, INSPECTIONS, SCAN, type InspectAnswer } from '../lib/host/fixture-data';
import { clock } from '../lib/state/clock.svelte';

/** The instant the demo vault was listed, epoch ms. Tests run at it, unshifted. */
export const NOW_MS = DEMO.now * 1000;
/** The instant the paste samples were inspected, epoch ms. */
export const INSPECTED_MS = INSPECTIONS.now * 1000;

// The fake home's secrets are inspected for the import, not pasted.
const demoSecrets = new Set([...DEMO.tokens.map((t) => t.secret), ...Object.values(SCAN.secrets).flat()]);

/** A demo token by name: its secret and what `token_detail` answered for it. */
export function demoToken(name: string): { secret: string; detail: TokenDetail } {
  const t = DEMO.tokens.find((x) => x.detail.meta.name === name);
  if (!t) throw new Error(`demo.json has no token named ${name}`);
  return t;
}

type Answer = { input: string; answer: InspectAnswer };

/** The one sample input (not a demo or fake-home secret) for which `pick` holds. */
function sample(what: string, pick: (a: Answer) => boolean): string {
  const found = Object.entries(INSPECTIONS.samples)
    .map(([input, answer]) => ({ input, answer }))
    .filter((a) => !demoSecrets.has(a.input) && pick(a));
  if (found.length !== 1) throw new Error(`inspections.json has ${found.length} samples for ${what}, not 1`);
  return found[0]?.input ?? '';
}

const ok = (a: Answer): Inspection | null => ('ok' in a.answer ? a.answer.ok : null);

/** Paste samples from inspections.json, by what core said about them. */
export const SAMPLE = {
  githubPat: sample('a GitHub PAT', (a) => a.input.startsWith('ghp_') && ok(a)?.provider === 'github'),
  bearerGithubPat: sample('a GitHub PAT after "Bearer "', (a) => a.input.startsWith('Bearer ') && ok(a)?.provider === 'github'),
  gitlabPat: sample('a GitLab PAT', (a) => ok(a)?.provider === 'gitlab'),
  stripeKey: sample('a Stripe key', (a) => ok(a)?.provider === 'stripe'),
  /** A JWT from an Auth0 tenant, valid for another 23 hours, with scopes and an account. */
  auth0Jwt: sample('an Auth0 JWT', (a) => ok(a)?.format === 'jwt' && ok(a)?.provider === 'auth0'),
  expiredJwt: sample('an expired signed JWT', (a) => ok(a)?.status === 'expired' && ok(a)?.signature === 'unverified'),
  notYetValidJwt: sample('a not-yet-valid JWT', (a) => ok(a)?.status === 'not_yet_valid'),
  unsignedJwt: sample('an alg:none JWT', (a) => ok(a)?.signature === 'unsigned' && ok(a)?.format === 'jwt'),
  jwe: sample('a JWE', (a) => ok(a)?.format === 'jwe'),
  /** An opaque token no provider's prefix matches. */
  opaque: sample('a plain opaque token', (a) => ok(a)?.format === 'opaque' && ok(a)?.provider === null),
  malformed: sample('a malformed JWT', (a) => 'error' in a.answer && a.input.startsWith('eyJ')),
  blank: sample('whitespace only', (a) => a.input.trim() === ''),
} as const;

/** What core answered for a sample input. */
export function answerFor(input: string): InspectAnswer {
  const a = INSPECTIONS.samples[input];
  if (!a) throw new Error(`inspections.json has no sample ${JSON.stringify(input)}`);
  return a;
}

/**
 * Make the time of day `ms` (default: the fixture's) for `Date` only, still moving with real
 * time so timers, debounces and countdowns run as usual. Undo with `vi.useRealTimers()`.
 */
export function atFixtureTime(ms = NOW_MS): void {
  vi.useFakeTimers({ now: ms, toFake: ['Date'], shouldAdvanceTime: true });
  clock.now = Date.now();
}
