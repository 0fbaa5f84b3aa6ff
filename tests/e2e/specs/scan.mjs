// "Find tokens on this machine" on the real app: it reads the usual config files of the user's
// home (a home of the test's own: the app runs with HOME pointing there), lists what it found
// without showing a secret, imports what the user keeps checked into the real keyring, and
// rewrites the file to refer to Tokenkeeper so the plaintext token is gone from it.

import { mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { suite } from '../lib/harness.mjs';
import { check, cli, closeApp, env, equal, listRows, openApp, randomAlnum, sel, text, until, waitShown } from '../lib/app.mjs';

const driver = env.drivers.scan;
const home = join(env.work, 'scan-user');
const NPM = `npm_${randomAlnum(36)}`;
const PAT = `ghp_${randomAlnum(36)}`;

/** The scanned files as the dialog lists them (`~/.npmrc`): [{ path, tokens: [[text, action]] }]. */
function listed(browser) {
  return browser.execute(() =>
    Array.from(document.querySelectorAll('[data-testid="find-file"]'), (f) => ({
      path: f.dataset.path,
      tokens: Array.from(f.querySelectorAll('[data-testid="find-token"]'), (t) => [
        t.textContent,
        t.querySelector('[data-testid="find-action"]').textContent,
      ]),
    })),
  );
}

suite(
  'Find tokens: the usual config files are scanned, imported into the keyring and rewritten',
  {
    before: async () => {
      mkdirSync(home, { recursive: true, mode: 0o700 });
      writeFileSync(join(home, '.npmrc'), `registry=https://registry.npmjs.org/\n//registry.npmjs.org/:_authToken=${NPM}\n`, { mode: 0o600 });
      writeFileSync(join(home, '.env'), `GITHUB_TOKEN=${PAT}\nDEBUG=1\n`, { mode: 0o640 });
      return { browser: await openApp(driver) };
    },
    after: async (ctx) => closeApp(ctx?.browser, driver),
  },
  (test) => {
    test('the scan lists both files with their tokens, masked, and nothing is stored yet', async ({ browser }) => {
      await (await browser.$(sel('find-button'))).click();
      await waitShown(browser, sel('find-files'), 'the scan listed no files', 15_000);
      const files = await listed(browser);
      const npmrc = files.find((f) => f.path === '~/.npmrc');
      const dotenv = files.find((f) => f.path === '~/.env');
      check(npmrc && npmrc.tokens.length === 1 && npmrc.tokens[0][1] === 'new', `~/.npmrc is not listed with one new token: ${JSON.stringify(files)}`);
      check(dotenv && dotenv.tokens.length === 1 && dotenv.tokens[0][1] === 'new', `~/.env is not listed with one new token: ${JSON.stringify(files)}`);
      const page = await browser.execute(() => document.body.innerText);
      check(!page.includes(NPM) && !page.includes(PAT), 'the scan shows a secret in the page');
      equal((await listRows(browser)).length, 0, 'scanning stored something');
    });

    test('importing ~/.npmrc with rewrite stores its token and takes it out of the file', async ({ browser }) => {
      // Only the .npmrc: the .env stays as it is.
      const dotenvBox = await browser.$(`${sel('find-file')}[data-path="~/.env"] ${sel('find-check')}`);
      await dotenvBox.click();
      await (await browser.$(sel('find-rewrite'))).click();
      await waitShown(browser, sel('find-rewrite-hint'), 'choosing Rewrite did not say what it will do to the file');
      const mode = statSync(join(home, '.npmrc')).mode & 0o777;
      await (await browser.$(sel('find-import'))).click();
      await until(async () => (await text(browser, sel('find-summary')))?.startsWith('Stored 1 token'), {
        timeout: 15_000,
        message: 'the import did not say it stored one token',
      });

      const rows = await listRows(browser);
      equal(rows.length, 1, 'the list does not show exactly the imported token');
      equal(rows[0].provider, 'npm', 'the imported token is not an npm token');
      const stored = JSON.parse(await cli(driver, ['list', '--json']))[0];
      equal((await cli(driver, ['get', stored.id])).trim(), NPM, 'the keyring does not hold the .npmrc token');

      const npmrc = readFileSync(join(home, '.npmrc'), 'utf8');
      check(!npmrc.includes(NPM), `the token is still in ~/.npmrc:\n${npmrc}`);
      check(npmrc.includes('//registry.npmjs.org/:_authToken=${NPM_TOKEN}'), `~/.npmrc does not refer to NPM_TOKEN:\n${npmrc}`);
      equal(statSync(join(home, '.npmrc')).mode & 0o777, mode, 'the rewrite changed the file mode of ~/.npmrc');
      const envFile = readFileSync(join(home, '.tokenkeeper.env'), 'utf8');
      check(envFile.includes(`NPM_TOKEN=npm/${stored.name}`) && !envFile.includes(NPM), `.tokenkeeper.env does not name the token (or holds it):\n${envFile}`);
      check(readFileSync(join(home, '.env'), 'utf8').includes(PAT), 'the unchecked ~/.env was changed');
      check(!readdirSync(home).some((n) => n.includes('.tmp') || n.startsWith('.tk-')), `a temporary file was left in the home: ${readdirSync(home)}`);

      // Scanned again, the .npmrc holds only a reference, and the .env's token is still new.
      await until(async () => {
        const again = await listed(browser);
        const n = again.find((f) => f.path === '~/.npmrc');
        const e = again.find((f) => f.path === '~/.env');
        return (!n || n.tokens.length === 0) && e?.tokens[0]?.[1] === 'new';
      }, { timeout: 10_000, message: 'the scan after the import does not show the .npmrc emptied and the .env untouched' });
      // The app ran at RUST_LOG=trace (IPC payloads included): neither secret is in its log.
      const log = readFileSync(driver.log, 'utf8');
      check(log.length > 0 && !log.includes(NPM) && !log.includes(PAT), 'a scanned secret is in the app\'s trace log');
    }, { timeout: 60_000 });
  },
);
