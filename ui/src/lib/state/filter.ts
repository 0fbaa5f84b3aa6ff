// Which tokens a filter query shows, and the list order: soonest expiry first, never-expiring
// last, ties by provider then name. Both are pure so the list can be tested without a DOM.

import type { TokenMeta } from '../bindings/TokenMeta';
import { parseTime } from './status';

const KIND_WORDS: Record<TokenMeta['kind'], string> = {
  access: 'access',
  refresh: 'refresh',
  id: 'id',
  personal: 'personal pat',
  api_key: 'api_key api key',
  system_user: 'system_user system user',
  bot: 'bot',
  other: 'other',
};

/** Every whitespace-separated word of the query must appear in name, provider, kind, account or tags. */
export function matchesFilter(meta: TokenMeta, query: string, providerName = meta.provider): boolean {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return true;
  const hay = [
    meta.name,
    meta.provider,
    providerName,
    KIND_WORDS[meta.kind],
    meta.account ?? '',
    ...meta.tags,
  ]
    .join('\n')
    .toLowerCase();
  return words.every((w) => hay.includes(w));
}

export function compareTokens(a: TokenMeta, b: TokenMeta): number {
  const ea = parseTime(a.expires_at);
  const eb = parseTime(b.expires_at);
  if (ea !== eb) {
    if (ea === null) return 1;
    if (eb === null) return -1;
    return ea - eb;
  }
  return a.provider.localeCompare(b.provider) || a.name.localeCompare(b.name);
}

export function sortTokens(tokens: readonly TokenMeta[]): TokenMeta[] {
  return [...tokens].sort(compareTokens);
}

/** The visible list: tokens of `provider` (null: all) matching `query`, in list order. */
export function visibleTokens(
  sorted: readonly TokenMeta[],
  query: string,
  provider: string | null,
  providerName: (id: string) => string,
): TokenMeta[] {
  return sorted.filter(
    (t) =>
      (provider === null || t.provider === provider) &&
      matchesFilter(t, query, providerName(t.provider)),
  );
}
