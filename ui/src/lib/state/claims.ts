// Reading decoded claims for people: which claims to show as dates, and a name to suggest for a
// freshly pasted token. What the claims mean (scopes, account) is core's reading: `Inspection`.

import type { Inspection } from '../bindings/Inspection';
import type { TokenKind } from '../bindings/TokenKind';

/** Claims whose value is a JWT NumericDate (seconds since the epoch). */
export const TIME_CLAIMS = new Set(['exp', 'iat', 'nbf', 'auth_time', 'updated_at']);

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

/** `github-pat`, or for a token that names its account (as core read it): `auth0-deploy-bot`. */
export function suggestName(inspection: Inspection, provider: string | null): string {
  const base = slug(provider ?? inspection.format);
  const who = inspection.account;
  if (who !== null && who !== '') {
    const s = slug(who.split('@')[0] ?? who);
    if (s !== '') return `${base}-${s}`;
  }
  return `${base}-${KIND_SLUG[inspection.kind]}`;
}
