// The fake host's side of talking to providers: which catalog guide a token belongs to and what
// the app can do for it, the catalog address a link names, a paste's shape, and what a fake
// provider answers to a live check. Everything is read from the catalog fixture (core's
// catalog); where core's rule is a few lines over that data (`guide_for`, `link`, the shape
// check) it is followed here, and fixtures.test.ts compares the result with the demo fixture.
//
// The shape check does what core's does except the checksum (GitHub's and npm's CRC32): it says
// so by never listing "checksum" among the checks that ran.

import type { Can } from '../bindings/Can';
import type { CheckReport } from '../bindings/CheckReport';
import type { CheckState } from '../bindings/CheckState';
import type { Alphabet } from '../bindings/Alphabet';
import type { Guide } from '../bindings/Guide';
import type { LinkRef } from '../bindings/LinkRef';
import type { ProviderInfo } from '../bindings/ProviderInfo';
import type { Shape } from '../bindings/Shape';
import type { ShapeCheck } from '../bindings/ShapeCheck';
import type { Step } from '../bindings/Step';
import type { TokenKind } from '../bindings/TokenKind';
import type { TokenMeta } from '../bindings/TokenMeta';
import { CATALOG } from './fixture-data';
import { iso, reject } from './fake-store';

const NOTHING: Can = { check: false, revoke: false, rotate: false };

function providerInfo(id: string): ProviderInfo | undefined {
  return CATALOG.find((p) => p.id === id);
}

export function displayName(id: string): string {
  return providerInfo(id)?.name ?? id;
}

/**
 * The address `open_provider_link` opens for `to`: the catalog's, and nothing else. A link the
 * catalog has no https page for is refused, as the shell refuses it.
 */
export function linkUrl(to: LinkRef): string {
  const p = providerInfo(to.provider) ?? reject('invalid_input', `Unknown provider "${to.provider}".`);
  const g = to.guide == null ? p.guides[0] : p.guides.find((x) => x.id === to.guide);
  if (!g) reject('invalid_input', `The catalog has no guide "${to.guide ?? ''}" for ${p.name}.`);
  const step = (steps: Step[]) => (to.step == null ? null : (steps[to.step]?.url ?? null));
  const urls: Record<string, () => string | null> = {
    create: () => g.create_url,
    revoke: () => g.revoke_url,
    docs: () => p.docs_url,
    step: () => step(g.steps),
    revoke_step: () => step(g.revoke_steps),
    default_source: () => g.lifetime.default.source,
    max_source: () => g.lifetime.max.source,
  };
  const pick = Object.hasOwn(urls, to.kind) ? urls[to.kind] : undefined;
  if (pick === undefined) reject('invalid_input', `Unknown kind of link "${String(to.kind)}".`);
  const url = pick();
  if (!url?.startsWith('https://')) reject('invalid_input', `The catalog has no ${to.kind} link for ${p.name}.`);
  return url;
}

/**
 * The guide for a stored token, as core's `guide_for` picks it: among the provider's guides
 * whose prefix the token has (all of them when none does, or when the secret cannot be read),
 * the one for the token's kind, else the first.
 */
export function guideFor(provider: string, kind: TokenKind, secret: string | null): Guide | null {
  const p = providerInfo(provider);
  if (!p) return null;
  const token = secret?.trim() ?? null;
  let candidates = p.guides.filter((g) => token === null || g.shapes.some((s) => token.startsWith(s.prefix)));
  if (candidates.length === 0) candidates = p.guides;
  return candidates.find((g) => g.kind === kind) ?? candidates[0] ?? null;
}

/** What the app can do for a token through its provider's API: nothing once revoked. */
export function canFor(meta: TokenMeta, guide: Guide | null): Can {
  return guide && providerInfo(meta.provider)?.api && meta.revoked_at === null ? { ...guide.can } : { ...NOTHING };
}

/** The rotation period the catalog proposes for a provider's kind of token (core's `proposed_rotation`). */
export function proposedRotation(provider: string, kind: TokenKind): number | null {
  const days = providerInfo(provider)?.guides.find((g) => g.kind === kind && g.rotate_every_days !== null)?.rotate_every_days;
  return days == null ? null : days * 86_400;
}

/** Every shape in the catalog with its provider and guide, longest prefix first. */
const SHAPES = CATALOG.flatMap((p) => p.guides.flatMap((g) => g.shapes.map((s) => ({ p, g, s })))).sort(
  (a, b) => b.s.prefix.length - a.s.prefix.length,
);

const ALPHABETS: Record<Alphabet, RegExp> = {
  base62: /^[A-Za-z0-9]$/,
  base62_underscore: /^[A-Za-z0-9_]$/,
  base64url: /^[A-Za-z0-9_-]$/,
  hex: /^[A-Fa-f0-9]$/,
  alnum_dash: /^[A-Za-z0-9_.-]$/,
  printable: /^[!-~]$/,
};

function wrongPrefix(g: Guide, token: string): string {
  const wanted = g.shapes.map((s) => `\`${s.prefix}\``).join(' or ');
  const other = SHAPES.find((x) => token.startsWith(x.s.prefix));
  const tail = other
    ? `; this one looks like a ${other.p.name} ${other.g.name}. Pick that kind, or paste the token you just made`
    : '; this one does not. Was it copied whole, from the right page?';
  return `A ${g.name} starts with ${wanted}${tail}`;
}

function checkOne(token: string, shape: Shape, name: string): ShapeCheck {
  const checked = ['prefix'];
  const fail = (problem: string): ShapeCheck => ({ ok: false, problem, checked });
  const space = token.search(/\s/);
  if (space >= 0) {
    return fail(`This ${name} has a space or line break after character ${space}; a token has none. Copy it again as one line`);
  }
  const chars = [...token];
  const { min_length: min, max_length: max } = shape;
  if (min !== null || max !== null) {
    checked.push('length');
    const whole =
      min !== null && max !== null ? (min === max ? `${min}` : `${min}–${max}`) : min !== null ? `at least ${min}` : `at most ${max}`;
    if (min !== null && chars.length < min) {
      return fail(`This ${name} is ${chars.length} characters long; a whole one is ${whole}. Was the end cut off when you copied it?`);
    }
    if (max !== null && chars.length > max) {
      return fail(`This ${name} is ${chars.length} characters long; a whole one is ${whole}. Was something pasted with it?`);
    }
  }
  if (shape.alphabet !== null) {
    checked.push('characters');
    const allowed = ALPHABETS[shape.alphabet];
    const rest = [...token.slice(shape.prefix.length)];
    const i = rest.findIndex((c) => !allowed.test(c));
    if (i >= 0) {
      return fail(
        `This ${name} has \`${rest[i]}\` at character ${shape.prefix.length + i + 1}, which such a token never holds. Copy it again from the provider's page`,
      );
    }
  }
  return { ok: true, problem: null, checked };
}

/** What `check_shape` answers, but for the checksum (see the top of this file). */
export function shapeCheck(provider: string, guide: string, secret: string): ShapeCheck {
  const g = providerInfo(provider)?.guides.find((x) => x.id === guide);
  if (!g) return { ok: false, problem: `The catalog has no guide \`${guide}\` for \`${provider}\``, checked: [] };
  const token = secret.trim();
  if (g.shapes.length === 0) return { ok: true, problem: null, checked: [] };
  const shape = g.shapes.filter((s) => token.startsWith(s.prefix)).sort((a, b) => b.prefix.length - a.prefix.length)[0];
  if (!shape) return { ok: false, problem: wrongPrefix(g, token), checked: ['prefix'] };
  return checkOne(token, shape, g.name);
}

/**
 * What a provider said in a live check. `expires_at`: undefined when it did not say, null when
 * it says the token never expires. Only a `valid` or `expired` answer describes the token.
 */
export interface FakeFinding {
  state: CheckState;
  detail: string;
  expires_at?: string | null;
  scopes?: string[];
  account?: string;
  retry_after?: number;
}

/** The fake provider's answer for a token: it knows the token and states the expiry on record. */
export function fakeFinding(meta: TokenMeta, nowMs: number): FakeFinding {
  const name = displayName(meta.provider);
  const exp = meta.expires_at === null ? null : Date.parse(meta.expires_at);
  return exp !== null && exp <= nowMs
    ? { state: 'expired', detail: `${name} says the token has expired`, expires_at: meta.expires_at }
    : { state: 'valid', detail: `${name} accepted the token`, expires_at: meta.expires_at };
}

const describesToken = (f: FakeFinding) => f.state === 'valid' || f.state === 'expired';

/** The report core makes of a finding at `nowMs`. */
export function reportOf(f: FakeFinding, nowMs: number): CheckReport {
  const facts = describesToken(f);
  const learned: string[] = [];
  if (facts && f.expires_at !== undefined) learned.push('expires_at');
  if (facts && f.scopes !== undefined) learned.push('scopes');
  if (facts && f.account) learned.push('account');
  return {
    state: f.state,
    expires_at: f.expires_at ?? null,
    never_expires: f.expires_at === null,
    scopes: f.scopes ?? [],
    account: f.account ?? null,
    checked_at: iso(nowMs),
    retry_after: f.retry_after ?? null,
    detail: f.detail,
    learned,
  };
}

/** The row after a check, as the vault keeps it: what the provider stated replaces, silence keeps. */
export function withFindings(meta: TokenMeta, f: FakeFinding): TokenMeta {
  if (!describesToken(f)) return meta;
  const m = { ...meta };
  if (f.expires_at !== undefined) {
    // When a new expiry starts expiring soon is core's to say; the fake cannot know it.
    if (f.expires_at !== m.expires_at) m.soon_at = null;
    m.expires_at = f.expires_at;
    m.expiry_source = 'provider';
  }
  if (f.scopes !== undefined) {
    m.scopes = [...f.scopes];
    m.scopes_source = 'provider';
  }
  if (f.account) {
    m.account = f.account;
    m.account_source = 'provider';
  }
  return m;
}
