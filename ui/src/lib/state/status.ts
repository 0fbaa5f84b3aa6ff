// Token status at an instant, from the instants core computed: `not_before`, `soon_at`,
// `expires_at` and `revoked_at` are every instant at which a token's status changes, so the UI
// only compares them with its clock (countdowns and chips change the moment one passes, without
// a round trip). When expiring soon begins is core's rule; nothing here knows it. `now` is
// always passed in.

import type { Status } from '../bindings/Status';

/** The instants of a token (`TokenMeta`) or an inspection (`Inspection`) that decide its status. */
export interface StatusInput {
  /** Inspections have none: only a stored token can be revoked. */
  revoked_at?: string | null;
  expires_at: string | null;
  not_before: string | null;
  soon_at: string | null;
}

/** RFC 3339 → epoch ms; null for null or an unparseable string. */
export function parseTime(value: string | null | undefined): number | null {
  if (value == null || value === '') return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : ms;
}

export function statusAt(meta: StatusInput, nowMs: number): Status {
  if (meta.revoked_at != null) return 'revoked';
  const exp = parseTime(meta.expires_at);
  if (exp !== null && nowMs >= exp) return 'expired';
  const nbf = parseTime(meta.not_before);
  if (nbf !== null && nowMs < nbf) return 'not_yet_valid';
  if (exp === null) return 'no_expiry';
  const soon = parseTime(meta.soon_at);
  return soon !== null && nowMs >= soon ? 'expiring_soon' : 'valid';
}

/**
 * The first instant after `nowMs` at which `statusAt(meta, ·)` can change (the next of
 * `not_before`, `soon_at`, `expires_at`), or null when it never will. Lets a view that summarises
 * many tokens recompute only when some token crosses a boundary, not on every clock tick.
 */
export function nextStatusChange(meta: StatusInput, nowMs: number): number | null {
  if (meta.revoked_at != null) return null;
  let next: number | null = null;
  for (const value of [meta.not_before, meta.soon_at, meta.expires_at]) {
    const t = parseTime(value);
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
