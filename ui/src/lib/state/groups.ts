// The sidebar's view of the tokens: one group per provider with its count and the status that
// most needs attention, plus the "All tokens" summary.

import type { Status } from '../bindings/Status';
import type { TokenMeta } from '../bindings/TokenMeta';
import { nextStatusChange, statusAt, worstStatus } from './status';

export interface ProviderGroup {
  /** Provider id; '' for "All tokens". */
  id: string;
  name: string;
  count: number;
  worst: Status | null;
}

export function indexById<T extends { id: string }>(items: readonly T[]): ReadonlyMap<string, T> {
  return new Map(items.map((item) => [item.id, item]));
}

export function groupByProvider(
  tokens: readonly TokenMeta[],
  nowMs: number,
  providerName: (id: string) => string,
): { all: ProviderGroup; providers: ProviderGroup[]; nextChange: number | null } {
  const byProvider = new Map<string, Status[]>();
  const every: Status[] = [];
  // The first instant after `nowMs` at which any token's status, and so these groups, changes.
  let nextChange: number | null = null;
  for (const t of tokens) {
    const at = nextStatusChange(t, nowMs);
    if (at !== null && (nextChange === null || at < nextChange)) nextChange = at;
    const s = statusAt(t, nowMs);
    every.push(s);
    const list = byProvider.get(t.provider);
    if (list) list.push(s);
    else byProvider.set(t.provider, [s]);
  }
  const providers = [...byProvider].map(([id, statuses]) => ({
    id,
    name: providerName(id),
    count: statuses.length,
    worst: worstStatus(statuses),
  }));
  providers.sort((a, b) => a.name.localeCompare(b.name));
  return {
    all: { id: '', name: 'All tokens', count: tokens.length, worst: worstStatus(every) },
    providers,
    nextChange,
  };
}
