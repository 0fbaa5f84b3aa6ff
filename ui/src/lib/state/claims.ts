// Reading decoded claims for people: which claims are times, which scopes a token names, and a
// name to suggest for a freshly pasted token.

import type { Inspection } from '../bindings/Inspection';
import type { TokenKind } from '../bindings/TokenKind';

/** Claims whose value is a JWT NumericDate (seconds since the epoch). */
export const TIME_CLAIMS = new Set(['exp', 'iat', 'nbf', 'auth_time', 'updated_at']);

/** Scopes a JWT names in `scope` (space separated) or `scp` / `scopes` (array or string). */
export function scopesOf(claims: Record<string, unknown> | null): string[] {
  if (claims === null) return [];
  const raw = claims.scope ?? claims.scp ?? claims.scopes;
  if (typeof raw === 'string') return raw.split(/\s+/).filter(Boolean);
  if (Array.isArray(raw)) return raw.filter((s): s is string => typeof s === 'string');
  return [];
}

/** The account a JWT acts for, most readable first. */
export function accountOf(claims: Record<string, unknown> | null): string | null {
  if (claims === null) return null;
  for (const key of ['email', 'preferred_username', 'upn', 'sub', 'client_id', 'azp']) {
    const v = claims[key];
    if (typeof v === 'string' && v !== '') return v;
  }
  return null;
}

const KIND_SLUG: Record<TokenKind, string> = {
  access: 'access',
  refresh: 'refresh',
  id: 'id-token',
  personal: 'pat',
  api_key: 'key',
  system_user: 'system-user',
  bot: 'bot',
  other: 'token',
};

export function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40);
}

/** `github-pat`, or for a JWT the subject: `auth0-deploy-bot`. */
export function suggestName(inspection: Inspection, provider: string | null): string {
  const base = slug(provider ?? inspection.format);
  const claims = inspection.claims;
  const who = claims === null ? null : (claims.preferred_username ?? claims.email ?? claims.sub);
  if (typeof who === 'string' && who !== '') {
    const s = slug(who.split('@')[0] ?? who);
    if (s !== '') return `${base}-${s}`;
  }
  return `${base}-${KIND_SLUG[inspection.kind]}`;
}
