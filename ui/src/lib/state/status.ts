// Token status at an instant, mirroring the Rust rule in tokenkeeper-core, so countdowns and chips
// change the moment a threshold passes without a round trip. `now` is always passed in.

import type { Status } from '../bindings/Status';

export const DAY_MS = 86_400_000;
/** Expiring soon never starts earlier than this before expiry. */
export const SOON_CAP_MS = 14 * DAY_MS;
/** ...and otherwise when less than this fraction of the known lifetime remains. */
export const SOON_FRACTION = 0.2;

/** The fields of a token (or an inspection) that decide its status. */
export interface StatusInput {
  revoked_at?: string | null;
  expires_at: string | null;
  not_before: string | null;
  issued_at: string | null;
}

/** RFC 3339 → epoch ms; null for null or an unparseable string. */
export function parseTime(value: string | null | undefined): number | null {
  if (value == null || value === '') return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : ms;
}

/** How long before `exp` a token counts as expiring soon, given when its lifetime started. */
function soonThreshold(exp: number, start: number | null): number {
  return start === null ? SOON_CAP_MS : Math.min(SOON_FRACTION * (exp - start), SOON_CAP_MS);
}

export function statusAt(meta: StatusInput, nowMs: number): Status {
  if (meta.revoked_at != null) return 'revoked';
  const exp = parseTime(meta.expires_at);
  if (exp !== null && nowMs >= exp) return 'expired';
  const nbf = parseTime(meta.not_before);
  if (nbf !== null && nowMs < nbf) return 'not_yet_valid';
  if (exp === null) return 'no_expiry';
  return exp - nowMs < soonThreshold(exp, parseTime(meta.issued_at)) ? 'expiring_soon' : 'valid';
}

/**
 * The first instant after `nowMs` at which `statusAt(meta, ·)` can change (not yet valid → valid,
 * valid → expiring soon, → expired), or null when it never will. Lets a view that summarises
 * many tokens recompute only when some token crosses a boundary, not on every clock tick.
 */
export function nextStatusChange(meta: StatusInput, nowMs: number): number | null {
  if (meta.revoked_at != null) return null;
  const exp = parseTime(meta.expires_at);
  const nbf = parseTime(meta.not_before);
  // Expiring soon starts on the first millisecond strictly inside the threshold.
  const soon = exp === null ? null : Math.floor(exp - soonThreshold(exp, parseTime(meta.issued_at))) + 1;
  let next: number | null = null;
  for (const t of [nbf, soon, exp]) {
    if (t !== null && t > nowMs && (next === null || t < next)) next = t;
  }
  return next;
}

export const STATUS_LABEL: Record<Status, string> = {
  revoked: 'Revoked',
  expired: 'Expired',
  not_yet_valid: 'Not yet valid',
  expiring_soon: 'Expiring soon',
  valid: 'Valid',
  no_expiry: 'No expiry',
};

/** How much a status needs attention, most first. Mirrors the Rust order (worst first). */
export const STATUS_ORDER: readonly Status[] = [
  'revoked',
  'expired',
  'not_yet_valid',
  'expiring_soon',
  'valid',
  'no_expiry',
];

/**
 * The status a group of tokens is summarised by. Revoked tokens were retired on purpose, so they
 * only decide the summary when every token in the group is revoked; otherwise an expired token
 * would hide behind a grey "Revoked".
 */
export function worstStatus(statuses: Iterable<Status>): Status | null {
  let worst: Status | null = null;
  let sawRevoked = false;
  for (const s of statuses) {
    if (s === 'revoked') {
      sawRevoked = true;
      continue;
    }
    if (worst === null || STATUS_ORDER.indexOf(s) < STATUS_ORDER.indexOf(worst)) worst = s;
  }
  return worst ?? (sawRevoked ? 'revoked' : null);
}
