// A secret at the edges of the window, against the fake host: the revealed token cannot be
// selected or copied by WebKit (only through the app's Copy), it hides when the window loses
// focus; tokens being pasted are masked and inspected once they settle; provider pages open by
// provider and kind, never by an address the UI hands over.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { flushSync } from 'svelte';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import App from './App.svelte';
import { demoSeed } from './lib/host/demo';
import { createFakeHost, type FakeHost } from './lib/host/fake';
import { CATALOG } from './lib/host/fixture-data';
import { openToken } from './test/app';
import { $, $$, click, key, render, type, until } from './test/dom';
import { atFixtureTime, demoToken, SAMPLE } from './test/fixtures';

let view: ReturnType<typeof render> | undefined;
let host: FakeHost;

function start(opts: { tokens?: number; before?: (h: FakeHost) => void } = {}) {
  host = createFakeHost({ seed: opts.tokens === 0 ? [] : demoSeed() });
  opts.before?.(host);
  view = render(App, { host });
}

beforeEach(() => atFixtureTime());

afterEach(() => {
  view?.destroy();
  view = undefined;
  host?.dispose();
  document.getSelection()?.removeAllRanges();
  vi.useRealTimers();
});

const shown = () => document.querySelector<HTMLElement>('[data-testid=revealed-secret]');

async function reveal(name: string): Promise<HTMLElement> {
  await openToken(name);
  click(await until(() => $('[data-testid=reveal-button]:not([disabled])')));
  return until(() => {
    const el = shown();
    if (!el) throw new Error('not revealed yet');
    return el;
  });
}

function fire(target: EventTarget, event: Event): Event {
  target.dispatchEvent(event);
  flushSync();
  return event;
}

const cancelable = (type: string) => new Event(type, { bubbles: true, cancelable: true });
const toast = () => document.querySelector('[data-testid=toast]')?.textContent ?? '';

describe('a revealed secret', () => {
  it('shows the secret as a read-only, labelled field that takes the focus', async () => {
    start();
    const el = await reveal('ci-deploy');
    expect(el.textContent).toBe(demoToken('ci-deploy').secret);
    expect(el.getAttribute('role')).toBe('textbox');
    expect(el.getAttribute('aria-readonly')).toBe('true');
    expect(el.getAttribute('aria-label')).toBe('Revealed token');
    el.focus();
    expect(document.activeElement).toBe(el);
  });

  it('is styled so that no selection can take it (user-select: none on the box and the value)', () => {
    // jsdom applies no component CSS, so read the rules themselves.
    const src = readFileSync(join(import.meta.dirname, 'components/SecretBox.svelte'), 'utf8');
    const rules = [...src.slice(src.indexOf('<style>')).matchAll(/\n {2}([^{}]+)\{([^}]*)\}/g)];
    for (const sel of ['.value', '.secret']) {
      const body = rules
        .filter((m) => (m[1] ?? '').split(',').map((x) => x.trim()).includes(sel))
        .map((m) => m[2])
        .join('');
      expect(body, sel).toMatch(/\n\s+user-select: none;/);
      expect(body, sel).toMatch(/-webkit-user-select: none;/);
    }
  });

  it('copies through the app on Ctrl+C, copy, cut and Cmd+C, never through the page', async () => {
    start();
    const secret = demoToken('ci-deploy').secret;
    const el = await reveal('ci-deploy');
    const copies = vi.spyOn(host, 'copyToken');
    const ctrlC = fire(el, new KeyboardEvent('keydown', { key: 'c', ctrlKey: true, bubbles: true, cancelable: true }));
    expect(ctrlC.defaultPrevented).toBe(true);
    await until(() => expect(host.clipboard).toBe(secret));
    await until(() => expect(toast()).toContain('Copied — clipboard clears in 30 s'));
    for (const e of [cancelable('copy'), cancelable('cut')]) expect(fire(el, e).defaultPrevented, e.type).toBe(true);
    const cmdC = fire(el, new KeyboardEvent('keydown', { key: 'c', metaKey: true, bubbles: true, cancelable: true }));
    expect(cmdC.defaultPrevented).toBe(true);
    const id = demoToken('ci-deploy').detail.meta.id;
    await until(() => expect(copies.mock.calls).toEqual([[id], [id], [id], [id]]));
    // Still shown: copying is not hiding.
    expect(shown()).not.toBeNull();
  });

  it('has no context menu and does not select all from itself', async () => {
    start();
    const el = await reveal('ci-deploy');
    expect(fire(el, cancelable('contextmenu')).defaultPrevented).toBe(true);
    const ctrlA = fire(el, new KeyboardEvent('keydown', { key: 'a', ctrlKey: true, bubbles: true, cancelable: true }));
    expect(ctrlA.defaultPrevented).toBe(true);
    expect(host.clipboard).toBeNull();
  });

  it('lets no selection start on it or around it, while selections elsewhere still start', async () => {
    start();
    const el = await reveal('ci-deploy');
    expect(fire(el.firstChild ?? el, cancelable('selectstart')).defaultPrevented).toBe(true);
    // Select all (and a triple click) start on an ancestor: they would take the secret along.
    expect(fire(document.body, cancelable('selectstart')).defaultPrevented).toBe(true);
    expect(fire($('[data-testid=detail]'), cancelable('selectstart')).defaultPrevented).toBe(true);
    // Text beside it, and a text field, select as usual.
    expect(fire($('[data-testid=detail-name]'), cancelable('selectstart')).defaultPrevented).toBe(false);
    expect(fire($('[data-testid=filter]'), cancelable('selectstart')).defaultPrevented).toBe(false);
    click($('[data-testid=reveal-button]'));
    expect(shown()).toBeNull();
    expect(fire(document.body, cancelable('selectstart')).defaultPrevented).toBe(false);
  });

  it('drops a selection dragged across it, and one it appears inside', async () => {
    start();
    await openToken('ci-deploy');
    const sel = document.getSelection();
    if (!sel) throw new Error('no selection API');
    const all = document.createRange();
    all.selectNodeContents(document.body);
    sel.addRange(all);
    click($('[data-testid=reveal-button]'));
    const el = await until(() => shown() ?? Promise.reject(new Error('not revealed')));
    expect(sel.rangeCount).toBe(0);

    const across = document.createRange();
    across.selectNodeContents($('[data-testid=detail]'));
    sel.addRange(across);
    fire(document, new Event('selectionchange'));
    expect(sel.rangeCount).toBe(0);

    const beside = document.createRange();
    beside.selectNodeContents($('[data-testid=detail-name]'));
    sel.addRange(beside);
    fire(document, new Event('selectionchange'));
    expect(sel.rangeCount).toBe(1);
    expect(sel.getRangeAt(0).intersectsNode(el)).toBe(false);
  });

  it('hides when the window loses focus, not when focus moves inside the page', async () => {
    start();
    await reveal('ci-deploy');
    // A blur inside the page reaches the window only if it bubbles; it must not hide the secret.
    fire($('[data-testid=reveal-button]'), new FocusEvent('blur', { bubbles: true }));
    expect(shown()).not.toBeNull();
    fire(window, new FocusEvent('blur'));
    expect(shown()).toBeNull();
    expect($('[data-testid=reveal-button]').getAttribute('aria-pressed')).toBe('false');
  });

  it('hides when the window is hidden', async () => {
    start();
    await reveal('ci-deploy');
    const hidden = vi.spyOn(document, 'hidden', 'get').mockReturnValue(true);
    try {
      fire(document, new Event('visibilitychange'));
    } finally {
      hidden.mockRestore();
    }
    expect(shown()).toBeNull();
  });
});

/** Paste `text` into `el` as a user does: a paste event whose clipboard holds it. */
function paste(el: HTMLInputElement, text: string): Event {
  el.focus();
  el.setSelectionRange(el.value.length, el.value.length);
  const e = cancelable('paste');
  Object.defineProperty(e, 'clipboardData', { value: { getData: (t: string) => (t === 'text/plain' ? text : '') } });
  return fire(el, e);
}

async function openAdd(): Promise<HTMLInputElement> {
  start({ tokens: 0 });
  await until(() => $('[data-testid=empty-state]'));
  key('n');
  return (await until(() => $('[data-testid=add-secret]'))) as HTMLInputElement;
}

describe('a token being pasted', () => {
  it('is masked until Show token is pressed, and masked again by Hide token', async () => {
    const input = await openAdd();
    expect(input.type).toBe('password');
    expect(document.activeElement).toBe(input);
    expect($('label[for=add-secret]').textContent).toBe('Token');
    const toggle = $('[data-testid=add-secret-show]');
    expect(toggle.tagName).toBe('BUTTON');
    expect(toggle.getAttribute('aria-label')).toBe('Show token');
    expect(toggle.getAttribute('aria-pressed')).toBe('false');
    click(toggle);
    expect(input.type).toBe('text');
    expect(toggle.getAttribute('aria-label')).toBe('Hide token');
    expect(toggle.getAttribute('aria-pressed')).toBe('true');
    click(toggle);
    expect(input.type).toBe('password');
  });

  it('trims a paste and inspects it at once', async () => {
    const input = await openAdd();
    const inspect = vi.spyOn(host, 'inspect');
    expect(paste(input, `  ${SAMPLE.githubPat}\n`).defaultPrevented).toBe(true);
    expect(input.value).toBe(SAMPLE.githubPat);
    expect(inspect.mock.calls).toEqual([[SAMPLE.githubPat]]);
    const detected = await until(() => $('[data-testid=add-detected]'));
    expect(detected.dataset.provider).toBe('github');
    expect(($('[data-testid=add-name]') as HTMLInputElement).value).toBe('github-pat');
    // Leaving the field commits the same text: it is not asked about twice.
    fire(input, new Event('change', { bubbles: true }));
    expect(inspect).toHaveBeenCalledTimes(1);
  });

  it('inspects typing once it pauses for about 400 ms, not on every keystroke', async () => {
    const input = await openAdd();
    const inspect = vi.spyOn(host, 'inspect');
    const t0 = performance.now();
    for (let n = 4; n <= SAMPLE.githubPat.length; n += 8) type(input, SAMPLE.githubPat.slice(0, n));
    type(input, SAMPLE.githubPat);
    expect(inspect).not.toHaveBeenCalled();
    await until(() => expect(inspect).toHaveBeenCalledTimes(1));
    expect(performance.now() - t0).toBeGreaterThanOrEqual(350);
    expect(inspect).toHaveBeenCalledWith(SAMPLE.githubPat);
    await until(() => $('[data-testid=add-detected]'));
    await new Promise((r) => setTimeout(r, 450));
    expect(inspect).toHaveBeenCalledTimes(1);
  });

  it('inspects at once when a typed change is committed, and forgets it when emptied', async () => {
    const input = await openAdd();
    const inspect = vi.spyOn(host, 'inspect');
    type(input, SAMPLE.malformed);
    fire(input, new Event('change', { bubbles: true }));
    expect(inspect.mock.calls).toEqual([[SAMPLE.malformed]]);
    await until(() => $('[data-testid=add-inspect-error]'));
    type(input, '');
    expect(document.querySelector('[data-testid=add-inspect-error]')).toBeNull();
    expect(inspect).toHaveBeenCalledTimes(1);
  });

  it('is masked in Edit too, and says what a new secret is before it is saved', async () => {
    start();
    await openToken('publish');
    key('e');
    const input = (await until(() => $('[data-testid=edit-secret]'))) as HTMLInputElement;
    expect(input.type).toBe('password');
    expect($('[data-testid=edit-secret-show]').getAttribute('aria-label')).toBe('Show token');
    expect($('label[for=edit-secret]').textContent).toBe('New secret');
    paste(input, SAMPLE.githubPat);
    const detected = await until(() => $('[data-testid=edit-detected]'));
    expect(detected.dataset.provider).toBe('github');
    expect(detected.textContent).toContain('GitHub');
    type(input, SAMPLE.malformed);
    await until(() => $('[data-testid=edit-inspect-error]'));
  });
});

describe('provider pages', () => {
  const github = CATALOG.find((p) => p.id === 'github');

  it('opens the page the catalog has, by provider and kind', async () => {
    start();
    await openToken('ci-deploy');
    const links = $('[data-testid=provider-links]');
    const buttons = $$('button', links);
    expect(buttons.map((b) => b.textContent?.replace('↗', '').trim())).toEqual(['Token settings', 'Revoke', 'Docs']);
    const openLink = vi.spyOn(host, 'openProviderLink');
    click(buttons[1] as HTMLElement);
    await until(() => expect(host.opened).toEqual([github?.revoke_url]));
    expect(openLink.mock.calls).toEqual([[{ provider: 'github', kind: 'revoke' }]]);
    click(buttons[2] as HTMLElement);
    await until(() => expect(host.opened).toEqual([github?.revoke_url, github?.docs_url]));
  });

  it('shows no button for a page the catalog lacks, and none at all for a provider without pages', async () => {
    start({
      before: (h) => {
        h.listProviders = async () =>
          CATALOG.map((p) => (p.id === 'github' ? { ...p, docs_url: null } : p.id === 'npm' ? { ...p, create_url: null, revoke_url: null, docs_url: null } : p));
      },
    });
    await openToken('ci-deploy');
    const labels = () => $$('[data-testid=provider-links] button').map((b) => b.dataset.link);
    await until(() => expect(labels()).toEqual(['create', 'revoke']));
    await openToken('publish');
    expect(document.querySelector('[data-testid=provider-links]')).toBeNull();
  });

  it('says so when the shell refuses to open a page', async () => {
    start();
    await openToken('ci-deploy');
    host.openProviderLink = () => Promise.reject({ code: 'invalid_input', message: 'No such page.' });
    click($('[data-testid=provider-links] button[data-link=docs]'));
    await until(() => expect(toast()).toContain('Could not open the link: No such page.'));
  });
});
