// Backups from Settings on the real app, through its own native file dialogs (answered with the
// keyboard, as a user would, since WebDriver cannot reach them): Export writes a private,
// encrypted file where the user said (the page never names a path); Restore previews, changes
// nothing until confirmed, then brings back a token deleted meanwhile, under its own id.

import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { suite } from '../lib/harness.mjs';
import { check, cli, closeApp, env, equal, listRows, openApp, rowByName, sel, text, until, waitGone, waitShown } from '../lib/app.mjs';
import { SENTINEL, assertNoSentinelInDom, seedMain } from '../lib/fixtures.mjs';
import { answerFileDialog } from '../lib/native-dialog.mjs';

const driver = env.drivers.main;
const PASS = 'e2e backup passphrase';

async function openSettings(browser) {
  await (await browser.$(sel('settings-button'))).click();
  await waitShown(browser, sel('backup-section'), 'Settings showed no Backup section');
}

suite(
  'Backups: Export and Restore in Settings, through the native file dialogs',
  {
    before: async () => {
      const tokens = await seedMain();
      return { browser: await openApp(driver), tokens, file: join(env.work, `backup-${process.pid}.age`) };
    },
    after: async (ctx) => closeApp(ctx?.browser, driver),
  },
  (test) => {
    test('Export saves an encrypted file, readable only by its owner, where the user said', async (ctx) => {
      const { browser, file } = ctx;
      const withSecrets = (await listRows(browser)).filter((r) => r.status !== 'revoked').length;
      await openSettings(browser);
      await (await browser.$(sel('backup-export'))).click();
      await waitShown(browser, sel('export-backup-dialog'), 'Export… opened no dialog');
      await (await browser.$(sel('export-passphrase'))).setValue(PASS);
      await (await browser.$(sel('export-passphrase-again'))).setValue(`${PASS}!`);
      await (await browser.$(sel('export-submit'))).click();
      await waitShown(browser, sel('export-mismatch'), 'two different passphrases were not refused');

      // The user closes the save dialog: nothing is written, the dialog stays to try again.
      await (await browser.$(sel('export-passphrase-again'))).setValue(PASS);
      await (await browser.$(sel('export-submit'))).click();
      await answerFileDialog('Export an encrypted backup', null);
      await waitShown(browser, sel('export-cancelled'), 'closing the save dialog did not say Cancelled');

      await (await browser.$(sel('export-submit'))).click();
      await answerFileDialog('Export an encrypted backup', file);
      await waitGone(browser, sel('export-backup-dialog'), 'the Export dialog did not close after saving', 20_000);
      equal(
        await text(browser, sel('backup-result')),
        `Saved ${withSecrets} tokens to backup-${process.pid}.age`,
        'the result line does not say what was saved where',
      );
      equal(statSync(file).mode & 0o777, 0o600, 'the backup file can be read by other users');
      const bytes = readFileSync(file);
      check(bytes.subarray(0, 21).toString() === 'age-encryption.org/v1', 'the backup is not an age file');
      check(!bytes.includes(Buffer.from(SENTINEL)), 'the backup file holds a secret in the clear');
      await assertNoSentinelInDom(browser, 'after an export');
    }, { timeout: 90_000 });

    test('Restore previews, then brings back a token deleted since, under its own id', async (ctx) => {
      const { browser, file, tokens } = ctx;
      const lost = tokens['registry-publish'];
      await cli(driver, ['rm', lost.id, '--yes']);
      await until(async () => !(await listRows(browser)).some((r) => r.id === lost.id), {
        timeout: 8_000,
        message: 'the list still showed a token the CLI deleted',
      });
      await (await browser.$(sel('backup-restore'))).click();
      await answerFileDialog('Restore from a backup', file);
      await waitShown(browser, sel('restore-backup-dialog'), 'picking a backup opened no Restore dialog', 10_000);

      await (await browser.$(sel('restore-passphrase'))).setValue('not the passphrase');
      await (await browser.$(sel('restore-preview'))).click();
      await until(async () => (await text(browser, sel('restore-error')))?.startsWith('wrong passphrase'), {
        timeout: 20_000,
        message: 'a wrong passphrase did not say so',
      });
      await (await browser.$(sel('restore-passphrase'))).setValue(PASS);
      await (await browser.$(sel('restore-preview'))).click();
      await waitShown(browser, sel('restore-plan'), 'the right passphrase showed no preview', 20_000);
      const planned = await browser.execute(() =>
        Array.from(document.querySelectorAll('[data-testid="restore-item"]'), (li) => [li.querySelector('.mono').textContent, li.dataset.action]),
      );
      const restoring = planned.filter(([, a]) => a === 'restored').map(([t]) => t);
      equal(JSON.stringify(restoring), JSON.stringify([`npm/${lost.name}`]), 'the preview does not list just the deleted token as restored');
      check(!(await listRows(browser)).some((r) => r.id === lost.id), 'the preview restored the token already');

      await (await browser.$(sel('restore-confirm'))).click();
      await waitGone(browser, sel('restore-backup-dialog'), 'the Restore dialog did not close after restoring', 20_000);
      equal(
        await text(browser, sel('backup-result')),
        `Restored 1 token from backup-${process.pid}.age; ${planned.length - 1} already here.`,
        'the summary does not say what was restored',
      );
      const row = await rowByName(browser, lost.name, { timeout: 8_000 });
      equal(row.id, lost.id, 'the token came back under another id');
      equal((await cli(driver, ['get', lost.id])).trim(), lost.secret, 'the restored token has another secret');
      await assertNoSentinelInDom(browser, 'after a restore');
    }, { timeout: 120_000 });
  },
);
