// A token from an OAuth sign-in in the detail pane, against the fake host at the demo's instant:
// its two clocks, where the sign-in stands, Refresh now, Introspect, Sign in again, and Revoke
// at the server. `corp-sso` is a provider profile, not a catalog provider: it shows by its name.

import { flushSync } from 'svelte';
import { describe, expect, it } from 'vitest';
import type { FakeHost } from './lib/host/fake';
import { appHarness, openToken as openRow } from './test/app';
import { $, $$, click, until } from './test/dom';
import { NOW_MS } from './test/fixtures';

const app = appHarness();
let host: FakeHost;

const text = (testid: string, root: ParentNode = document) =>
  $(`[data-testid=${testid}]`, root).textContent?.replace(/\s+/g, ' ').trim() ?? '';
const button = (testid: string) => $(`[data-testid=${testid}]`) as HTMLButtonElement;
const toast = () => document.querySelector('[data-testid=toast]')?.textContent ?? '';
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

async function openToken(name: string): Promise<void> {
  await openRow(name);
  await until(() => $('[data-testid=grant-panel]'));
}

function start(): void {
  host = app.start();
}

describe('a sign-in in the detail pane', () => {
  it('lists the profile\'s tokens under its own name', async () => {
    start();
    const group = await until(() => $('[data-testid=provider-item][data-provider-id=corp-sso]'));
    expect($('[data-testid=provider-count]', group).textContent).toBe('4');
    expect(group.textContent).toContain('corp-sso');
    await openToken('alice');
    expect(text('detail-provider')).toBe('corp-sso');
  });

  it('shows both clocks with where each lifetime came from, and when it refreshes by itself', async () => {
    start();
    await openToken('alice');
    expect(text('grant-profile')).toBe('corp-sso · Browser sign-in');
    expect(text('grant-access-clock')).toMatch(/^in (40:00|39:5\d) · from the server's expires_in$/);
    expect(text('grant-refresh-clock')).toBe('in 29d 23h · the provider\'s stated policy');
    // 12:28, a few milliseconds short of 28 minutes away.
    expect(text('grant-refresh-at')).toMatch(/^Refreshes automatically in 2[78]m$/);
    expect($('[data-testid=grant-panel]').textContent).toContain('Access token (this one)');
    expect(document.querySelector('[data-testid=grant-ended]')).toBeNull();
  });

  it('shows the ID token\'s claims, labelled unverified', async () => {
    start();
    await openToken('alice');
    const claims = $('[data-testid=id-claims]');
    expect($('[data-testid=signature-state]', claims).dataset.state).toBe('unverified');
    expect($('tr[data-claim=email] td', claims).textContent).toContain('alice@example.com');
    expect($('tr[data-claim=exp] td', claims).textContent).toMatch(/1780317600/);
  });

  it('shows a refresh token\'s pane with the roles clear', async () => {
    start();
    await openToken('alice (refresh)');
    const panel = $('[data-testid=grant-panel]');
    expect(panel.textContent).toContain('Refresh token (this one)');
    await until(() => expect(panel.textContent).toContain('Access token (alice)'));
    expect(text('grant-access-clock')).toMatch(/^in (40:00|39:5\d)/);
  });

  it('says a sign-in has ended, and Sign in again starts its flow for the same token', async () => {
    start();
    await openToken('build-bot');
    const ended = $('[data-testid=grant-ended]');
    expect(ended.textContent).toContain('This sign-in has ended');
    expect(ended.textContent).toContain('invalid_grant');
    // The vault says an ended sign-in cannot be refreshed: no dead Refresh now button.
    expect(document.querySelector('[data-testid=refresh-now]')).toBeNull();
    click(button('sign-in-again'));
    const dialog = await until(() => $('[data-testid=sign-in-dialog]'));
    await until(() => expect(host.loginCalls[0]).toEqual(['startLogin', 'corp-sso', 'device', 'build-bot']));
    await until(() => expect(text('signin-user-code', dialog)).toBe('WDJB-MJHT'));
    host.finishLogin(host.pendingLogins()[0] ?? '');
    await until(() => expect(text('signin-saved-name')).toBe('corp-sso/build-bot'));
    click(button('signin-done'));
    await until(() => expect(document.querySelector('[data-testid=sign-in-dialog]')).toBeNull());
    expect(toast()).toContain('Signed in again: corp-sso / build-bot');
    await until(() => expect($('[data-testid=grant-panel]').dataset.state).toBe('ok'));
    expect(document.querySelector('[data-testid=grant-ended]')).toBeNull();
    await until(() => expect(document.querySelector('[data-testid=refresh-now]')).not.toBeNull());
  });

  it('signs the access token in again from its refresh token\'s pane', async () => {
    start();
    await openToken('build-bot (refresh)');
    click(button('sign-in-again'));
    await until(() => expect(host.loginCalls[0]).toEqual(['startLogin', 'corp-sso', 'device', 'build-bot']));
  });

  it('cancels a sign-in again on Esc, and closes on the next', async () => {
    start();
    await openToken('build-bot');
    click(button('sign-in-again'));
    const dialog = await until(() => $('[data-testid=sign-in-dialog]'));
    await until(() => $('[data-testid=signin-user-code]'));
    const esc = () => {
      dialog.dispatchEvent(new Event('cancel', { cancelable: true }));
      flushSync();
    };
    esc();
    await until(() => expect(host.loginCalls.map(([c]) => c)).toContain('cancelLogin'));
    expect(text('signin-cancelled')).toContain('cancelled');
    esc();
    expect(document.querySelector('[data-testid=sign-in-dialog]')).toBeNull();
  });

  it('refreshes now, and says so', async () => {
    start();
    await openToken('alice');
    const before = host.tokens.get($('[data-testid=detail]').dataset.tokenId ?? '')?.secret;
    click(button('refresh-now'));
    await until(() => expect(text('refresh-outcome')).toBe('Refreshed just now: new tokens are stored.'));
    expect(toast()).toContain('Refreshed corp-sso / alice');
    const after = host.tokens.get($('[data-testid=detail]').dataset.tokenId ?? '');
    expect(after?.secret).not.toBe(before);
    expect(after?.events.at(-1)?.kind).toBe('refreshed');
    // The access token's life starts again from now.
    await until(() => expect(text('grant-access-clock')).toMatch(/^in (1h 0m|59:5\d)/));
  });

  it('shows the server\'s failure and when it tries again, keeping the tokens', async () => {
    start();
    await openToken('alice');
    host.nextRefreshFailure = { code: 'provider', detail: 'the server answered 503', retry_at: iso(NOW_MS + 630_000) };
    click(button('refresh-now'));
    const error = await until(() => $('[data-testid=refresh-error]'));
    expect(error.dataset.code).toBe('provider');
    expect(error.textContent).toContain('the server answered 503; the tokens are kept');
    await until(() => expect(text('grant-retrying')).toBe('Refresh failing: the server answered 503; next try in 10m'));
    expect(document.querySelector('[data-testid=grant-refresh-at]')).toBeNull();
  });

  it('turns to "sign in again" when a refresh finds the sign-in ended', async () => {
    start();
    await openToken('alice');
    host.nextRefreshFailure = { code: 'sign_in_again', detail: 'Refreshing: the server answered invalid_grant' };
    click(button('refresh-now'));
    await until(() => expect(text('grant-ended')).toContain('This sign-in has ended'));
    expect(text('grant-ended')).toContain('invalid_grant');
    expect(button('sign-in-again')).toBeTruthy();
    expect(document.querySelector('[data-testid=refresh-error]')).toBeNull();
  });

  it('introspects, with Active or Inactive first', async () => {
    start();
    await openToken('alice');
    click(button('introspect'));
    const result = await until(() => $('[data-testid=introspection]'));
    expect(text('introspection-verdict')).toBe('Active');
    expect($('tr[data-field=client_id] td', result).textContent).toContain('tokenkeeper-desktop');
    expect($$('tr[data-field]', result).map((r) => r.dataset.field)).toContain('exp');
  });

  it('revokes the sign-in at the server: both tokens', async () => {
    start();
    await openToken('alice');
    click(button('revoke-open'));
    const dialog = await until(() => $('[data-testid=revoke-dialog]'));
    await until(() => expect(text('revoke-what', dialog)).toContain(
      'Revoke the sign-in at corp-sso (RFC 7009): both the access and refresh tokens stop working',
    ));
    click(button('revoke-confirm'));
    await until(() => expect(toast()).toContain('Revoked at corp-sso: alice'));
    const revoked = [...host.tokens.values()].filter((t) => t.meta.provider === 'corp-sso' && t.meta.revoked_at !== null);
    expect(revoked.map((t) => t.meta.name).sort()).toEqual(['alice', 'alice (refresh)']);
    // A revoked sign-in has nothing to refresh or ask about.
    await until(() => expect(document.querySelector('[data-testid=refresh-now]')).toBeNull());
  });
});
