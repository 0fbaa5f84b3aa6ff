// The window against the fake host: what a person sees and does, end to end in jsdom.

// It runs at the demo fixture's own instant (Date only; timers stay real), against the demo
// vault and paste samples exactly as core answered them.

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import App from './App.svelte';
import { demoSeed } from './lib/host/demo';
import { createFakeHost, type FakeHost } from './lib/host/fake';
import { $, $$, choose, click, key, render, type, until } from './test/dom';
import { answerFor, atFixtureTime, demoToken, SAMPLE } from './test/fixtures';

let view: ReturnType<typeof render> | undefined;
let host: FakeHost;

function start(opts: { tokens?: number; bulk?: number; before?: (h: FakeHost) => void } = {}) {
  host = createFakeHost({ seed: opts.tokens === 0 ? [] : demoSeed({ extra: opts.bulk ?? 0 }) });
  opts.before?.(host);
  view = render(App, { host });
  return view;
}

beforeEach(() => atFixtureTime());

afterEach(() => {
  view?.destroy();
  view = undefined;
  host?.dispose();
  vi.useRealTimers();
});

const rows = () => $$('[data-testid=token-row]');
const names = () => rows().map((r) => $('[data-testid=row-name]', r).textContent);

describe('the token list', () => {
  it('lists tokens soonest expiry first, with provider names, countdown and status word', async () => {
    start();
    await until(() => expect(rows()).toHaveLength(16));
    expect(names().slice(0, 2)).toEqual(['playlist-sync', 'graph-reader']);
    expect(names().slice(-3)).toEqual(['embeddings', 'alerts-bot', 'payments-live']);
    const gitlab = rows().find((r) => r.textContent?.includes('release-bot'));
    expect(gitlab?.dataset.status).toBe('expiring_soon');
    expect($('[data-testid=row-provider]', gitlab).textContent).toBe('GitLab');
    expect($('[data-testid=row-countdown]', gitlab).textContent).toMatch(/^in 3h 1[12]m$/);
    expect($('[data-testid=row-status]', gitlab).textContent?.trim()).toBe('Expiring soon');
    expect($('[data-testid=token-list]').getAttribute('role')).toBe('listbox');
    expect(rows()[0]?.getAttribute('role')).toBe('option');
    await until(() => expect(document.body.dataset.ready).toBe('true'));
  });

  it('counts tokens per provider in the sidebar with the worst status', async () => {
    start();
    const github = await until(() => $('[data-testid=provider-item][data-provider-id=github]'));
    expect($('[data-testid=provider-count]', github).textContent).toBe('2');
    expect(github.textContent).toContain('Expiring soon');
    click(github);
    expect(names()).toEqual(['ci-deploy', 'docs-readonly']);
  });

  it('moves the sidebar summary to Expired the moment a token expires', async () => {
    // An Auth0 token core says is expiring soon, 1.5 s before the expiry core gave it.
    const token = demoSeed().find((t) => t.meta.name === 'api-staging');
    if (!token) throw new Error('the demo has no api-staging');
    atFixtureTime(Date.parse(token.meta.expires_at ?? '') - 1_500);
    host = createFakeHost({ seed: [token] });
    view = render(App, { host });
    const all = await until(() => $('[data-testid=provider-all]'));
    await until(() => expect(all.textContent).toContain('Expiring soon'));
    await until(() => expect(all.textContent).toContain('Expired'), 4_000);
    expect($('[data-testid=token-row]').dataset.status).toBe('expired');
  });

  it('renders only the rows in view for 10,000 tokens', async () => {
    start({ bulk: 10_000 });
    await until(() => expect(rows().length).toBeGreaterThan(0));
    expect(rows().length).toBeLessThan(40);
    const list = $('[data-testid=token-list]');
    list.scrollTop = 52 * 5000;
    list.dispatchEvent(new Event('scroll'));
    await until(() => expect(Number(rows()[0]?.getAttribute('aria-posinset'))).toBeGreaterThan(4900));
    expect(rows()[0]?.getAttribute('aria-setsize')).toBe('10016');
  });

  it('filters, and says when nothing matches', async () => {
    start();
    await until(() => expect(rows()).toHaveLength(16));
    type($('[data-testid=filter]'), 'gitlab');
    expect(names()).toEqual(['release-bot']);
    type($('[data-testid=filter]'), 'nothing-like-this');
    expect($('[data-testid=no-results]').textContent).toContain('nothing-like-this');
    key('Escape', $('[data-testid=filter]'));
    expect(rows()).toHaveLength(16);
  });

  it('tells a new user what to do', async () => {
    start({ tokens: 0 });
    const empty = await until(() => $('[data-testid=empty-state]'));
    expect(empty.textContent).toContain('No tokens yet — press N or Add token, then paste one');
  });
});

describe('keyboard and detail', () => {
  it('moves with the arrows, opens with Enter, and shows the claims of a JWT', async () => {
    start();
    await until(() => expect(rows()).toHaveLength(16));
    for (let i = 0; i < 7; i++) key('ArrowDown');
    const selected = $('[data-testid=token-row][aria-selected=true]');
    expect($('[data-testid=row-name]', selected).textContent).toBe('api-staging');
    key('Enter');
    const detail = await until(() => $('[data-testid=detail]'));
    expect(detail.dataset.tokenId).toBe(selected.dataset.tokenId);
    expect($('[data-testid=detail-name]').textContent).toBe('api-staging');
    expect($('[data-testid=detail-provider]').textContent).toBe('Auth0');
    const exp = await until(() => $('[data-testid=claims-table] [data-claim=exp]'));
    expect(exp.textContent).toMatch(/\d{10}/);
    expect($('[data-testid=signature-state]').textContent).toContain('unverified: decoded without checking the signature');
    expect($('[data-testid=events]').textContent).toContain('Added');
  });

  it('reveals on r, and hides when another token is selected', async () => {
    start();
    await until(() => expect(rows()).toHaveLength(16));
    key('ArrowDown');
    await until(() => $('[data-testid=detail-masked]'));
    key('r');
    const secret = await until(() => $('[data-testid=revealed-secret]'));
    expect(secret.textContent).toMatch(/^BQ/);
    key('ArrowDown');
    await until(() => expect(document.querySelector('[data-testid=revealed-secret]')).toBeNull());
  });

  it('copies on c and says when the clipboard clears', async () => {
    start();
    await until(() => expect(rows()).toHaveLength(16));
    key('ArrowDown');
    key('c');
    const toast = await until(() => $('[data-testid=toast]'));
    expect(toast.textContent).toContain('Copied — clipboard clears in 30 s');
    expect(host.clipboard).toMatch(/^BQ/);
  });

  it('deletes only after confirmation', async () => {
    start();
    await until(() => expect(rows()).toHaveLength(16));
    key('ArrowDown');
    key('Delete');
    click(await until(() => $('[data-testid=confirm-delete]')));
    await until(() => expect(rows()).toHaveLength(15));
    expect(names()).not.toContain('playlist-sync');
  });
});

describe('adding a token', () => {
  it('detects a pasted GitHub token, prefills the fields, saves, and refuses a duplicate', async () => {
    start({ tokens: 0 });
    await until(() => $('[data-testid=empty-state]'));
    key('n');
    const secret = await until(() => $('[data-testid=add-secret]'));
    type(secret, SAMPLE.githubPat);
    const detected = await until(() => $('[data-testid=add-detected]'));
    expect(detected.textContent).toContain('opaque');
    expect(detected.textContent).toContain('GitHub');
    expect(($('[data-testid=add-provider]') as HTMLSelectElement).value).toBe('github');
    expect(($('[data-testid=add-kind]') as HTMLSelectElement).value).toBe('personal');
    expect(($('[data-testid=add-name]') as HTMLInputElement).value).toBe('github-pat');
    click($('[data-testid=add-save]'));
    await until(() => expect(names()).toEqual(['github-pat']));

    click($('[data-testid=add-button]'));
    type(await until(() => $('[data-testid=add-secret]')), SAMPLE.bearerGithubPat);
    await until(() => $('[data-testid=add-detected]'));
    click($('[data-testid=add-save]'));
    const error = await until(() => $('[data-testid=add-error]'));
    expect(error.dataset.code).toBe('duplicate_name');
  });

  it('prefills scopes, account and name from what core read in a JWT', async () => {
    const answer = answerFor(SAMPLE.auth0Jwt);
    if (!('ok' in answer)) throw new Error('the Auth0 sample should inspect');
    start({ tokens: 0 });
    await until(() => $('[data-testid=empty-state]'));
    key('n');
    type(await until(() => $('[data-testid=add-secret]')), SAMPLE.auth0Jwt);
    const detected = await until(() => $('[data-testid=add-detected]'));
    expect(detected.dataset.format).toBe('jwt');
    expect(detected.textContent).toContain('Auth0');
    expect(detected.textContent).toMatch(/expires in (23h 0m|22h 59m)/);
    expect(($('[data-testid=add-scopes]') as HTMLInputElement).value).toBe(answer.ok.scopes.join(' '));
    expect(($('[data-testid=add-scopes]') as HTMLInputElement).value).toBe('read:a write:b');
    expect(($('[data-testid=add-account]') as HTMLInputElement).value).toBe('user@acme.dev');
    expect(($('[data-testid=add-name]') as HTMLInputElement).value).toBe('auth0-user');
    click($('[data-testid=add-save]'));
    await until(() => expect(names()).toEqual(['auth0-user']));
    expect(rows()[0]?.dataset.status).toBe('valid');
  });

  it('says why core refused a paste', async () => {
    start({ tokens: 0 });
    await until(() => $('[data-testid=empty-state]'));
    key('n');
    type(await until(() => $('[data-testid=add-secret]')), SAMPLE.malformed);
    const answer = answerFor(SAMPLE.malformed);
    if (!('error' in answer)) throw new Error('the malformed sample should fail');
    const err = await until(() => $('[data-testid=add-inspect-error]'));
    expect(err.textContent).toBe(answer.error.message);
  });

  it('uses an expiry the user typed', async () => {
    start({ tokens: 0 });
    await until(() => $('[data-testid=empty-state]'));
    click($('[data-testid=add-button]'));
    type(await until(() => $('[data-testid=add-secret]')), SAMPLE.opaque);
    await until(() => $('[data-testid=add-detected]'));
    choose($('[data-testid=add-provider]'), 'stripe');
    type($('[data-testid=add-name]'), 'billing');
    const inTwoDays = new Date(Date.now() + 2 * 86_400_000 + 3_600_000);
    const pad = (n: number) => String(n).padStart(2, '0');
    type(
      $('[data-testid=add-expires]'),
      `${inTwoDays.getFullYear()}-${pad(inTwoDays.getMonth() + 1)}-${pad(inTwoDays.getDate())}T${pad(inTwoDays.getHours())}:${pad(inTwoDays.getMinutes())}:00`,
    );
    click($('[data-testid=add-save]'));
    await until(() => expect(names()).toEqual(['billing']));
    expect($('[data-testid=row-countdown]').textContent).toMatch(/^in 2d [01]h$/);
    // When a typed expiry starts "expiring soon" only core can say (the app would show that
    // here); the fake host cannot, so it sends no soon_at and the row reads valid until expiry.
    expect(rows()[0]?.dataset.status).toBe('valid');
    const [added] = await host.listTokens();
    expect(added).toMatchObject({ expiry_source: 'user', soon_at: null });
  });
});

describe('editing a token', () => {
  /** Starts the app, opens the `publish` token's detail, and watches the host's updateToken. */
  async function openPublish() {
    start();
    await until(() => expect(rows()).toHaveLength(16));
    const update = vi.spyOn(host, 'updateToken');
    type($('[data-testid=filter]'), 'publish');
    key('ArrowDown');
    await until(() => $('[data-testid=detail]'));
    return update;
  }

  it('saves the edit and a new secret in one call', async () => {
    const update = await openPublish();
    key('e');
    const name = await until(() => $('[data-testid=edit-name]'));
    type(name, 'publish-2');
    type($('[data-testid=edit-secret]'), SAMPLE.githubPat);
    click($('[data-testid=edit-save]'));
    await until(() => expect(document.querySelector('[data-testid=edit-dialog]')).toBeNull());
    const { id } = demoToken('publish').detail.meta;
    expect(update.mock.calls).toEqual([[id, expect.objectContaining({ name: 'publish-2' }), SAMPLE.githubPat]]);
    key('Escape', $('[data-testid=filter]'));
    await until(() => expect(names()).toContain('publish-2'));
    expect(await host.revealToken(id)).toBe(SAMPLE.githubPat);
  });

  it('binds git hosts, shows them in the detail, and sends them only when they change', async () => {
    const update = await openPublish();
    expect(document.querySelector('[data-testid=git-hosts]')).toBeNull();
    key('e');
    const enabledHosts = () =>
      until(() => {
        const el = $('[data-testid=edit-git-hosts]') as HTMLInputElement;
        expect(el.disabled).toBe(false);
        return el;
      });
    type(await enabledHosts(), 'github.com, git.corp/acme');
    click($('[data-testid=edit-save]'));
    await until(() => expect(document.querySelector('[data-testid=edit-dialog]')).toBeNull());
    expect(update.mock.calls[0]?.[2]).toBeNull();
    expect(update.mock.calls[0]?.[1]).toMatchObject({ git_hosts: ['github.com', 'git.corp/acme'] });
    await until(() => expect($$('[data-testid=git-hosts] li').map((li) => li.textContent)).toEqual(['github.com', 'git.corp/acme']));

    // Opened again, the field holds them; an edit of something else leaves them alone.
    key('e');
    expect((await enabledHosts()).value).toBe('github.com git.corp/acme');
    type($('[data-testid=edit-notes]'), 'deploys the docs');
    click($('[data-testid=edit-save]'));
    await until(() => expect(document.querySelector('[data-testid=edit-dialog]')).toBeNull());
    expect(update.mock.calls[1]?.[1]).toMatchObject({ notes: 'deploys the docs' });
    expect(update.mock.calls[1]?.[1]).not.toHaveProperty('git_hosts');
  });

  it('asks a self-managed provider\'s token for its instance, and no other', async () => {
    const update = await openPublish();
    key('e');
    await until(() => $('[data-testid=edit-name]'));
    expect(document.querySelector('[data-testid=edit-instance]')).toBeNull();
    click($('[data-testid=edit-dialog] .dialog-actions .btn'));
    await until(() => expect(document.querySelector('[data-testid=edit-dialog]')).toBeNull());

    key('Escape', $('[data-testid=filter]'));
    type($('[data-testid=filter]'), 'release-bot');
    key('ArrowDown');
    await until(() => expect($('[data-testid=detail]').textContent).toContain('release-bot'));
    key('e');
    type(await until(() => $('[data-testid=edit-instance]')), 'https://gitlab.example.com');
    click($('[data-testid=edit-save]'));
    await until(() => expect(document.querySelector('[data-testid=edit-dialog]')).toBeNull());
    expect(update.mock.calls[0]?.[1]).toMatchObject({ instance_url: 'https://gitlab.example.com' });
    await until(() => expect($('[data-testid=instance-url]').textContent).toBe('https://gitlab.example.com'));
  });

  it('saves nothing when the new secret is refused', async () => {
    await openPublish();
    key('e');
    type(await until(() => $('[data-testid=edit-name]')), 'publish-2');
    type($('[data-testid=edit-secret]'), SAMPLE.malformed);
    click($('[data-testid=edit-save]'));
    const error = await until(() => $('[data-testid=edit-error]'));
    expect(error.dataset.code).toBe('token_malformed');
    const { id, name } = demoToken('publish').detail.meta;
    expect((await host.listTokens()).find((t) => t.id === id)?.name).toBe(name);
    expect(await host.revealToken(id)).toBe(demoToken('publish').secret);
  });
});

describe('keyring trouble', () => {
  it('shows a banner with the message, keeps the list, and retries', async () => {
    start({ before: (h) => h.setKeyringError({ code: 'keyring_locked', message: 'The keyring is locked.' }) });
    const banner = await until(() => $('[data-testid=keyring-banner]'));
    expect(banner.getAttribute('role')).toBe('alert');
    expect(banner.textContent).toContain('The keyring is locked.');
    expect(rows()).toHaveLength(16);
    key('ArrowDown');
    const err = await until(() => $('[data-testid=secret-error]'));
    expect(err.textContent).toContain('The keyring is locked.');
    host.setKeyringError(null);
    click($('[data-testid=keyring-retry]'));
    await until(() => expect(document.querySelector('[data-testid=keyring-banner]')).toBeNull());
    await until(() => $('[data-testid=claims-table], [data-testid=detail-masked]'));
  });
});

describe('keyring failure during a call', () => {
  it('raises the banner when a secret call fails with a keyring code', async () => {
    start();
    await until(() => expect(rows()).toHaveLength(16));
    expect(document.querySelector('[data-testid=keyring-banner]')).toBeNull();
    host.setKeyringError({ code: 'keyring_no_service', message: 'No secret service is running.' });
    key('ArrowDown');
    key('c');
    const banner = await until(() => $('[data-testid=keyring-banner]'));
    expect(banner.textContent).toContain('No secret service is running.');
  });
});

describe('keyring-changed', () => {
  it('asks for the keyring\'s health again when the app says it changed', async () => {
    start();
    await until(() => expect(rows()).toHaveLength(16));
    expect(document.querySelector('[data-testid=keyring-banner]')).toBeNull();
    host.setKeyringError({
      code: 'keyring_not_this_vault',
      message: 'The keyring answers but holds none of this vault\'s 12 secrets.',
    });
    host.announceKeyringChanged();
    const banner = await until(() => $('[data-testid=keyring-banner]'));
    expect(banner.dataset.code).toBe('keyring_not_this_vault');
    expect(banner.textContent).toContain('holds none of this vault');
    host.setKeyringError(null);
    host.announceKeyringChanged();
    await until(() => expect(document.querySelector('[data-testid=keyring-banner]')).toBeNull());
  });
});

describe('settings', () => {
  it('changes the clipboard timeout', async () => {
    start();
    await until(() => expect(rows()).toHaveLength(16));
    click($('[data-testid=settings-button]'));
    const input = await until(() => $('[data-testid=setting-clipboard-secs]'));
    type(input, '45');
    click($('[data-testid=settings-save]'));
    await until(() => expect(host.settings.clipboard_clear_secs).toBe(45));
    // The keys below go to the list only once Settings has closed, as they would for a person.
    await until(() => expect(document.querySelector('[data-testid=settings-dialog]')).toBeNull());
    key('ArrowDown');
    key('c');
    await until(() => expect($('[data-testid=toast]').textContent).toContain('clears in 45 s'));
  });
});
