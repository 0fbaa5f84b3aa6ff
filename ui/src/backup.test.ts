// Settings' Backup section against the fake host: Export (the passphrase twice, checked before the
// shell's save dialog, then the result line), and Restore (the shell's open dialog, the
// passphrase, a dry-run preview, then the restore and its summary), with the states between:
// a closed dialog, a wrong passphrase, Esc. No secret may reach the page on the way.

import { describe, expect, it } from 'vitest';
import type { FakeHost } from './lib/host/fake';
import { $, $$, click, type, until } from './test/dom';
import { appHarness, rows } from './test/app';

const harness = appHarness();
const PASS = 'correct horse battery';

const text = (testid: string) => $(`[data-testid=${testid}]`).textContent?.replace(/\s+/g, ' ').trim() ?? '';
const gone = (testid: string) => expect(document.querySelector(`[data-testid=${testid}]`)).toBeNull();

/** The tokens the vault would export: every one with a secret it can read. */
function withSecrets(host: FakeHost): string[] {
  return [...host.tokens.values()].filter((t) => t.meta.revoked_at === null && !t.meta.secret_missing).map((t) => t.secret);
}

async function openSettings(): Promise<void> {
  await until(() => expect(rows().length).toBeGreaterThan(0));
  click($('[data-testid=settings-button]'));
  await until(() => $('[data-testid=backup-export]'));
}

async function openExport(): Promise<void> {
  await openSettings();
  click($('[data-testid=backup-export]'));
  await until(() => $('[data-testid=export-backup-dialog]'));
}

function typeTwice(first: string, again: string): void {
  type($('[data-testid=export-passphrase]'), first);
  type($('[data-testid=export-passphrase-again]'), again);
  click($('[data-testid=export-submit]'));
}

/** Restore… then the passphrase, up to the preview. */
async function preview(passphrase: string): Promise<void> {
  click($('[data-testid=backup-restore]'));
  await until(() => $('[data-testid=restore-backup-dialog]'));
  expect(text('restore-file')).toBe('tokens.age');
  type($('[data-testid=restore-passphrase]'), passphrase);
  click($('[data-testid=restore-preview]'));
}

function assertNoSecretInPage(host: FakeHost): void {
  const page = document.body.innerHTML;
  for (const s of withSecrets(host)) expect(page.includes(s), 'a secret reached the page').toBe(false);
}

describe('Settings: export a backup', () => {
  it('saves every token with a secret, then says how many and where', async () => {
    const host = harness.start();
    const expected = withSecrets(host).length;
    const revoked = [...host.tokens.values()].filter((t) => t.meta.revoked_at !== null).length;
    await openExport();
    expect(document.activeElement).toBe($('[data-testid=export-passphrase]'));
    typeTwice(PASS, PASS);
    await until(() => gone('export-backup-dialog'));
    const line = text('backup-result');
    expect(line).toContain(`Saved ${expected} tokens to tokens.age`);
    if (revoked > 0) expect(line).toContain(`${revoked} revoked`);
    expect(host.backupFiles.get('tokens.age')?.tokens).toHaveLength(expected);
    // The settings dialog stays open: the backup acts at once, Save is for the settings.
    expect($('[data-testid=settings-dialog]')).toBeTruthy();
    assertNoSecretInPage(host);
  });

  it('blocks two different passphrases next to the second field, and asks nothing of the shell', async () => {
    const host = harness.start();
    await openExport();
    typeTwice(PASS, `${PASS}!`);
    expect(text('export-mismatch')).toContain('The two passphrases differ');
    expect(document.activeElement).toBe($('[data-testid=export-passphrase-again]'));
    expect($('[data-testid=export-passphrase-again]').getAttribute('aria-invalid')).toBe('true');
    expect(host.backupFiles.size).toBe(0);
    // Typing again clears the message; the same passphrase twice then saves.
    type($('[data-testid=export-passphrase-again]'), PASS);
    gone('export-mismatch');
    click($('[data-testid=export-submit]'));
    await until(() => expect(host.backupFiles.size).toBe(1));
  });

  it('says at the field why a passphrase too short for the core is refused, and saves nothing', async () => {
    const host = harness.start();
    await openExport();
    typeTwice('short', 'short');
    await until(() => expect(text('export-short')).toContain('at least 8 characters'));
    expect(document.activeElement).toBe($('[data-testid=export-passphrase]'));
    expect(host.backupFiles.size).toBe(0);
  });

  it('says Cancelled when the save dialog is closed, and stays open to try again', async () => {
    const host = harness.start({ before: (h) => (h.saveAs = null) });
    await openExport();
    typeTwice(PASS, PASS);
    await until(() => expect(text('export-cancelled')).toBe('Cancelled: nothing was saved.'));
    expect(host.backupFiles.size).toBe(0);
    host.saveAs = 'elsewhere.age';
    click($('[data-testid=export-submit]'));
    await until(() => expect(text('backup-result')).toContain('to elsewhere.age'));
  });

  it('shows the shell’s error in the dialog (a locked keyring also raises the banner)', async () => {
    const host = harness.start();
    await openExport();
    host.setKeyringError({ code: 'keyring_locked', message: 'The keyring is locked: unlock it, then retry' });
    typeTwice(PASS, PASS);
    await until(() => expect(text('export-error')).toBe('The keyring is locked: unlock it, then retry'));
    expect($('[data-testid=export-submit]').hasAttribute('disabled')).toBe(false);
  });

  it('closes with Esc, leaving Settings open', async () => {
    harness.start();
    await openExport();
    $('[data-testid=export-backup-dialog]').dispatchEvent(new Event('cancel', { cancelable: true }));
    await until(() => gone('export-backup-dialog'));
    expect($('[data-testid=settings-dialog]')).toBeTruthy();
  });
});

describe('Settings: restore a backup', () => {
  /** A backup of the demo vault, then two of its tokens deleted. */
  async function exportedThenLost(host: FakeHost): Promise<string[]> {
    await host.exportBackup(PASS);
    const lost = [...host.tokens.values()].filter((t) => t.meta.revoked_at === null && !t.meta.secret_missing).slice(0, 2);
    for (const t of lost) await host.deleteToken(t.meta.id);
    return lost.map((t) => `${t.meta.provider}/${t.meta.name}`);
  }

  it('previews what it would do, changes nothing until confirmed, then restores and sums up', async () => {
    const host = harness.start();
    const lost = await exportedThenLost(host);
    const before = host.tokens.size;
    const inBackup = host.backupFiles.get('tokens.age')?.tokens.length ?? 0;
    await openSettings();
    await preview(PASS);
    await until(() => $('[data-testid=restore-plan]'));
    const planned = $$('[data-testid=restore-item]');
    expect(planned).toHaveLength(inBackup);
    const restoring = planned.filter((li) => li.dataset.action === 'restored').map((li) => $('.mono', li).textContent);
    expect(restoring.sort()).toEqual([...lost].sort());
    expect(text('restore-summary')).toContain(`2 tokens will be restored from tokens.age; ${inBackup - 2} already here`);
    expect(host.tokens.size, 'the preview changed the vault').toBe(before);
    expect(document.activeElement).toBe($('[data-testid=restore-confirm]'));

    click($('[data-testid=restore-confirm]'));
    await until(() => gone('restore-backup-dialog'));
    expect(text('backup-result')).toBe(`Restored 2 tokens from tokens.age; ${inBackup - 2} already here.`);
    expect(host.tokens.size).toBe(before + 2);
    const names = () => rows().map((r) => $('[data-testid=row-name]', r).textContent);
    await until(() => expect(names()).toEqual(expect.arrayContaining(lost.map((l) => l.split('/')[1]))));
    assertNoSecretInPage(host);
  });

  it('shows a wrong passphrase in place, and the same file opens with the right one', async () => {
    const host = harness.start();
    await exportedThenLost(host);
    await openSettings();
    await preview('not the passphrase');
    await until(() => expect(text('restore-error')).toContain('wrong passphrase'));
    expect($('[data-testid=restore-passphrase]').getAttribute('aria-invalid')).toBe('true');
    gone('restore-plan');
    type($('[data-testid=restore-passphrase]'), PASS);
    gone('restore-error');
    click($('[data-testid=restore-preview]'));
    await until(() => $('[data-testid=restore-plan]'));
  });

  it('offers no restore when everything is already here', async () => {
    const host = harness.start();
    await host.exportBackup(PASS);
    await openSettings();
    await preview(PASS);
    await until(() => expect(text('restore-summary')).toContain('there is nothing to restore'));
    gone('restore-confirm');
  });

  it('says Cancelled when the open dialog is closed', async () => {
    harness.start({ before: (h) => (h.openFile = null) });
    await openSettings();
    click($('[data-testid=backup-restore]'));
    await until(() => expect(text('backup-result')).toBe('Cancelled: no backup was opened.'));
    gone('restore-backup-dialog');
  });
});
