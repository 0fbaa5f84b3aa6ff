// Claim strings as a person reads them: a crafted `iss` or `sub` shows what it holds.

import { afterEach, describe, expect, it } from 'vitest';
import type { Inspection } from '../lib/bindings/Inspection';
import type { TokenMeta } from '../lib/bindings/TokenMeta';
import { $, $$, click, render } from '../test/dom';
import { answerFor, demoToken, SAMPLE } from '../test/fixtures';
import ClaimsView from './ClaimsView.svelte';
import FactList from './FactList.svelte';

let view: ReturnType<typeof render> | undefined;
afterEach(() => {
  view?.destroy();
  view = undefined;
});

const RLO = '\u202E';

function crafted(): Inspection {
  const a = answerFor(SAMPLE.auth0Jwt);
  if (!('ok' in a)) throw new Error('the Auth0 sample should inspect');
  return {
    ...a.ok,
    claims: {
      ...a.ok.claims,
      iss: `https://login.example/${RLO}moc.elgoog`,
      sub: 'admin\u0007',
      'ro\u200Ble': ['admin', `user${RLO}`],
      ext: { nested: `x\u2066y` },
    },
  };
}

const cell = (claim: string) => $(`[data-testid=claims-table] tr[data-claim="${claim}"] td`);

describe('claim strings with hidden characters', () => {
  it('shows bidi overrides and control characters escaped, with a marker that says why', () => {
    view = render(ClaimsView, { inspection: crafted() });
    expect(cell('iss').textContent).toContain('https://login.example/\\u202Emoc.elgoog');
    expect(cell('sub').textContent).toContain('admin\\u0007');
    expect(cell('ext').textContent).toContain('x\\u2066y');
    expect($('tr[data-claim="ro\u200Ble"] th').textContent).toContain('ro\\u200Ble');
    expect($('tr[data-claim="ro\u200Ble"] td').textContent).toContain('user\\u202E');
    for (const claim of ['iss', 'sub', 'ext']) {
      const marker = $('[data-testid=hidden-chars]', cell(claim));
      expect(marker.textContent).toBe('hidden characters');
      expect(marker.getAttribute('title')).toContain('U+202E');
    }
    // Ordinary claims carry no marker.
    expect(cell('email').querySelector('[data-testid=hidden-chars]')).toBeNull();
    for (const ch of [RLO, '\u2066', '\u200B', '\u0007']) expect(document.body.textContent).not.toContain(ch);
  });

  it('escapes them in the raw JSON too, keeping its own line breaks', () => {
    view = render(ClaimsView, { inspection: crafted() });
    const raw = $$('button').find((b) => b.textContent?.trim() === 'Raw JSON');
    if (!raw) throw new Error('no Raw JSON button');
    click(raw);
    const json = $('[data-testid=claims-json]').textContent ?? '';
    expect(json).toContain('moc.elgoog');
    expect(json).toContain('\\u202E');
    expect(json).not.toContain(RLO);
    expect(json.split('\n').length).toBeGreaterThan(5);
    expect($('[data-testid=hidden-chars]').textContent).toContain('\\u');
  });

  it('shows claims without hidden characters as they are', () => {
    const a = answerFor(SAMPLE.auth0Jwt);
    if (!('ok' in a)) throw new Error('the Auth0 sample should inspect');
    view = render(ClaimsView, { inspection: a.ok });
    expect(cell('sub').textContent?.trim()).toBe('user@acme.dev');
    expect(document.querySelector('[data-testid=hidden-chars]')).toBeNull();
  });

  it('escapes the account and scopes core read from the claims', () => {
    const meta: TokenMeta = { ...demoToken('api-staging').detail.meta, account: `ops${RLO}nimda`, scopes: ['read\u200B:all'] };
    view = render(FactList, { meta, providerName: 'Auth0' });
    expect(document.body.textContent).toContain('ops\\u202Enimda');
    expect(document.body.textContent).toContain('read\\u200B:all');
    expect(document.body.textContent).not.toContain(RLO);
    expect($$('[data-testid=hidden-chars]')).toHaveLength(2);
  });
});
