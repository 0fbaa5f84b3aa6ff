// "Find tokens on this machine" against the fake host (the fake home of fixtures/scan.json,
// scanned by the shell's own code): the scan on open, the files and their tokens, the
// nothing-found state, importing the checked files with or without a rewrite, and errors. No
// secret may reach the page on the way.

import { describe, expect, it } from 'vitest';
import type { FakeHost } from './lib/host/fake';
import { SCAN } from './lib/host/fixture-data';
import { $, $$, click, until } from './test/dom';
import { appHarness, rows } from './test/app';

const harness = appHarness();

const text = (el: Element) => el.textContent?.replace(/\s+/g, ' ').trim() ?? '';
const file = (path: string) => {
  const el = $$('[data-testid=find-file]').find((f) => f.dataset.path === path);
  if (!el) throw new Error(`no file ${path}`);
  return el;
};
const box = (path: string) => $('[data-testid=find-check]', file(path)) as HTMLInputElement;
const actions = (path: string) => $$('[data-testid=find-action]', file(path)).map(text);

async function openFind(): Promise<void> {
  await until(() => expect(rows().length).toBeGreaterThan(0));
  click($('[data-testid=find-button]'));
  await until(() => $('[data-testid=find-files]'));
}

function assertNoSecretInPage(): void {
  const page = document.body.innerHTML;
  for (const s of Object.values(SCAN.secrets).flat()) expect(page.includes(s), 'a secret reached the page').toBe(false);
}

function toggle(input: HTMLInputElement): void {
  click(input);
}

describe('Find tokens on this machine', () => {
  it('scans on open and lists each file with its tokens, masked, and what importing would do', async () => {
    harness.start();
    await openFind();
    expect(text(file('~/.npmrc'))).toContain('npm/registry.npmjs.org');
    expect(actions('~/.npmrc')).toEqual(['new']);
    expect(actions('~/.netrc')).toEqual(['already stored', 'new']);
    expect(actions('~/.config/gh/hosts.yml')).toEqual(['same as above']);
    expect(text(file('~/.netrc'))).toContain('ghp_••••••••');
    expect(text($('[data-testid=find-file-error]', file('~/.env')))).toContain('~/.env is not UTF-8 text');
    expect(box('~/.npmrc').checked, 'a file with something new is checked').toBe(true);
    expect(box('~/.config/gh/hosts.yml').checked, 'a file with nothing new is not').toBe(false);
    expect(text($('[data-testid=find-import]'))).toBe('Import 2 tokens');
    expect(($('[data-testid=find-rewrite]') as HTMLInputElement).checked, 'rewrite is off by default').toBe(false);
    assertNoSecretInPage();
  });

  it('says where it looked when nothing is found', async () => {
    harness.start({ before: (h) => h.homeFiles.clear() });
    await until(() => expect(rows().length).toBeGreaterThan(0));
    click($('[data-testid=find-button]'));
    const nothing = await until(() => $('[data-testid=find-nothing]'));
    expect(text(nothing)).toBe(`Nothing found in ${SCAN.scan.looked_in.join(', ')}.`);
    expect(document.querySelector('[data-testid=find-import]')).toBeNull();
  });

  it('imports the checked files, then sums up and lists them again as stored', async () => {
    const host = harness.start();
    const before = host.tokens.size;
    let changed = 0;
    host.onTokensChanged(() => changed++);
    await openFind();
    toggle(box('~/.netrc'));
    expect(text($('[data-testid=find-import]'))).toBe('Import 1 token');
    click($('[data-testid=find-import]'));
    const summary = await until(() => $('[data-testid=find-summary]'));
    expect(text(summary)).toBe('Stored 1 token.');
    expect(host.tokens.size).toBe(before + 1);
    await until(() => expect(actions('~/.npmrc')).toEqual(['already stored']));
    expect(actions('~/.netrc'), 'an unchecked file is left alone').toEqual(['already stored', 'new']);
    await until(() => expect(changed).toBeGreaterThan(0));
    assertNoSecretInPage();
  });

  it('passes the rewrite option, explains it per file and reports what became of each file', async () => {
    const host = harness.start();
    const calls: Array<[string[], boolean]> = [];
    const real = host.importFound;
    host.importFound = (files, rewrite) => {
      calls.push([files, rewrite]);
      return real(files, rewrite);
    };
    await openFind();
    toggle($('[data-testid=find-rewrite]') as HTMLInputElement);
    await until(() => expect($$('[data-testid=find-rewrite-hint]').length).toBe(2));
    click($('[data-testid=find-import]'));
    const summary = await until(() => $('[data-testid=find-summary]'));
    expect(calls).toEqual([[['~/.npmrc', '~/.netrc'], true]]);
    expect(text(summary)).toContain('Stored 2 tokens; 1 already stored.');
    expect(text(summary)).toContain('Rewrote ~/.npmrc:');
    expect(text(summary)).not.toContain('Rewrote ~/.config/gh/hosts.yml');
    await until(() => expect(text(file('~/.npmrc'))).toContain('no tokens'));
  });

  it('disables Import with a reason when nothing is selected', async () => {
    harness.start();
    await openFind();
    toggle(box('~/.npmrc'));
    toggle(box('~/.netrc'));
    const button = $('[data-testid=find-import]') as HTMLButtonElement;
    await until(() => expect(button.disabled).toBe(true));
    expect(text($('[data-testid=find-reason]'))).toBe('Select a file to import from.');
  });

  it('shows a failed scan or import inline, and changes nothing', async () => {
    const host: FakeHost = harness.start({
      before: (h) => (h.nextScanError = { code: 'storage', message: 'The token database could not be used' }),
    });
    await until(() => expect(rows().length).toBeGreaterThan(0));
    click($('[data-testid=find-button]'));
    const err = await until(() => $('[data-testid=find-error]'));
    expect(text(err)).toBe('The token database could not be used');
    click($('[data-testid=find-rescan]'));
    await until(() => $('[data-testid=find-files]'));
    const before = host.tokens.size;
    host.nextScanError = { code: 'keyring_locked', message: 'The keyring is locked' };
    click($('[data-testid=find-import]'));
    await until(() => expect(text($('[data-testid=find-error]'))).toContain('The keyring is locked'));
    expect(host.tokens.size).toBe(before);
  });
});

describe('the fake host, as the shell', () => {
  it('refuses a file the last scan did not list', async () => {
    const host = harness.start();
    await expect(host.importFound(['~/.npmrc'], false)).rejects.toMatchObject({ code: 'invalid_input' });
    await host.scanForTokens();
    await expect(host.importFound(['/etc/passwd'], false)).rejects.toMatchObject({
      code: 'invalid_input',
      message: '/etc/passwd was not listed by the last scan, so it was not read; scan again',
    });
  });
});
