import { describe, expect, it } from 'vitest';
import type { TokenMeta } from '../bindings/TokenMeta';
import { demoToken } from '../../test/fixtures';
import { matchesFilter, sortTokens, visibleTokens } from './filter';

/** A stored token as core lists it (the demo's never-expiring OpenAI key), with `over` applied. */
function meta(over: Partial<TokenMeta>): TokenMeta {
  const base = demoToken('embeddings').detail.meta;
  return { ...base, id: over.name ?? 'x', provider: 'github', name: 'x', kind: 'personal', tags: [], ...over };
}

describe('matchesFilter', () => {
  const t = meta({
    name: 'ci-deploy', provider: 'gitlab', kind: 'api_key', account: 'ops@acme.dev', tags: ['Prod'],
  });

  it('matches name, provider id and name, kind, account and tags, case-insensitively', () => {
    for (const q of ['deploy', 'GITLAB', 'GitLab Inc', 'api key', 'api_key', 'acme', 'prod']) {
      expect(matchesFilter(t, q, 'GitLab Inc'), q).toBe(true);
    }
  });

  it('needs every word to match somewhere', () => {
    expect(matchesFilter(t, 'deploy prod', 'GitLab')).toBe(true);
    expect(matchesFilter(t, 'deploy staging', 'GitLab')).toBe(false);
  });

  it('does not look at notes or scopes', () => {
    const n = meta({ name: 'a', notes: 'secret-note', scopes: ['repo'] });
    expect(matchesFilter(n, 'secret-note')).toBe(false);
    expect(matchesFilter(n, 'repo')).toBe(false);
  });

  it('shows everything for an empty query', () => {
    expect(matchesFilter(t, '   ')).toBe(true);
  });
});

describe('sortTokens', () => {
  it('puts the soonest expiry first and never-expiring tokens last', () => {
    const list = [
      meta({ name: 'never-b', expires_at: null }),
      meta({ name: 'later', expires_at: '2026-06-01T00:00:00Z' }),
      meta({ name: 'never-a', expires_at: null }),
      meta({ name: 'past', expires_at: '2025-01-01T00:00:00Z' }),
      meta({ name: 'soon', expires_at: '2026-02-01T00:00:00Z' }),
    ];
    expect(sortTokens(list).map((t) => t.name)).toEqual(['past', 'soon', 'later', 'never-a', 'never-b']);
  });

  it('does not change its input', () => {
    const list = [meta({ name: 'b' }), meta({ name: 'a' })];
    sortTokens(list);
    expect(list.map((t) => t.name)).toEqual(['b', 'a']);
  });
});

describe('visibleTokens', () => {
  it('narrows to the picked provider, then the query', () => {
    const list = [meta({ name: 'alpha', provider: 'github' }), meta({ name: 'beta', provider: 'npm' })];
    expect(visibleTokens(list, '', 'npm', (id) => id).map((t) => t.name)).toEqual(['beta']);
    expect(visibleTokens(list, 'alpha', null, (id) => id).map((t) => t.name)).toEqual(['alpha']);
    expect(visibleTokens(list, 'alpha', 'npm', (id) => id)).toEqual([]);
  });
});
