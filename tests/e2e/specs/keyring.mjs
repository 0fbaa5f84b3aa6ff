// The app started where no Secret Service exists (its own D-Bus bus with no service files, so
// nothing can be auto-started): a banner says what is wrong and what to do, and the token list,
// stored while the keyring worked, still shows.

import { readFileSync } from 'node:fs';

import { suite } from '../lib/harness.mjs';
import {
  appPids,
  check,
  closeApp,
  countdownSeconds,
  equal,
  env,
  listRows,
  makeJwt,
  nowSecs,
  openApp,
  openToken,
  randomAlnum,
  seed,
  sel,
  text,
  until,
  waitShown,
} from '../lib/app.mjs';

const driver = env.drivers.nokeyring;

suite(
  'Without a keyring (no Secret Service on the session bus)',
  {
    before: async () => {
      // Stored with the working keyring of the test session, read back without one.
      const now = nowSecs();
      const tokens = {
        pat: await seed(driver, { name: 'ci-deploy', secret: `ghp_${randomAlnum(36)}`, expires: '30d' }),
        jwt: await seed(driver, {
          name: 'staging-api',
          secret: makeJwt({ iss: 'https://tokenkeeper-demo.eu.auth0.com/', sub: 'x', iat: now, exp: now + 7200 }),
        }),
      };
      return { browser: await openApp(driver), tokens };
    },
    after: async (ctx) => closeApp(ctx?.browser, driver),
  },
  (test) => {
    test('a banner says the Secret Service is missing and what to do', async ({ browser }) => {
      await waitShown(browser, sel('keyring-banner'), 'no banner tells the user the keyring is unavailable', 10_000);
      const banner = await text(browser, sel('keyring-banner'));
      const code = await browser.execute((s) => document.querySelector(s).dataset.code, sel('keyring-banner'));
      equal(code, 'keyring_no_service', 'the banner does not say the Secret Service is missing');
      check(/Secret Service/.test(banner), `the banner does not name the Secret Service: "${banner}"`);
      check(
        /install and unlock GNOME Keyring|enable KeePassXC/.test(banner),
        `the banner does not say what to do (install/unlock GNOME Keyring or enable KeePassXC): "${banner}"`,
      );
    });

    test('the token list still shows every stored token', async ({ browser, tokens }) => {
      const rows = await until(async () => {
        const r = await listRows(browser);
        return r.length === 2 ? r : null;
      }, { timeout: 5_000, message: 'the token list did not show the 2 stored tokens without a keyring' });
      const byName = Object.fromEntries(rows.map((r) => [r.name, r]));
      equal(byName['ci-deploy']?.provider, 'GitHub', 'the GitHub token is not listed with its provider');
      equal(byName['staging-api']?.provider, 'Auth0', 'the Auth0 JWT is not listed with its provider');
      const left = countdownSeconds(byName['staging-api'].countdown);
      check(left !== null && left > 7100 && left <= 7200, `the JWT's 2-hour countdown is missing: "${byName['staging-api'].countdown}"`);

      await openToken(browser, tokens.pat.id);
      equal(await text(browser, sel('detail-name')), 'ci-deploy', 'the detail pane does not show the token');
      await waitShown(browser, sel('secret-error'), 'the detail pane does not say why the secret cannot be read', 8_000);
      check(!(await (await browser.$(sel('copy-button'))).isEnabled()), 'Copy is offered although the secret cannot be read');
    });

    test('with no notification server on the bus, a banner says reminders cannot be shown', async ({ browser }) => {
      await waitShown(browser, sel('notifications-banner'), 'no banner says desktop notifications are unavailable', 10_000);
      const message = await text(browser, sel('notifications-message'));
      check(/No desktop notification server answered/.test(message), `the banner does not say what is wrong: "${message}"`);
      check(/dunst|mako|xfce4-notifyd/.test(message), `the banner does not say what to install: "${message}"`);
    });

    test('the app process allows no core dump (it holds secrets in memory)', async () => {
      const [pid] = appPids(driver);
      check(pid !== undefined, 'no app process found under the driver');
      const limits = readFileSync(`/proc/${pid}/limits`, 'utf8');
      const line = limits.split('\n').find((l) => l.startsWith('Max core file size')) ?? '';
      check(/Max core file size\s+0\s+0\s/.test(line), `the app may dump core: "${line}"`);
    });

    test('Retry checks again and the banner stays while there is still no keyring', async ({ browser }) => {
      await (await browser.$(sel('keyring-retry'))).click();
      await until(async () => (await text(browser, sel('keyring-retry'))) === 'Retry', {
        timeout: 8_000,
        message: 'Retry kept "Checking…" for more than 8 s',
      });
      await waitShown(browser, sel('keyring-banner'), 'the banner went away although the keyring is still missing', 1_000);
    });
  },
);
