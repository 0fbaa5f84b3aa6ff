// OAuth sign-ins on the real app, against a real OpenID Connect provider (npm's oidc-provider,
// tests/oauth) on 127.0.0.1 with 30-second access tokens: the detail pane shows both clocks,
// the app's watcher refreshes a token at 80% of its lifetime by itself, and a sign-in the
// server ended (invalid_grant) shows "Sign in again", whose button runs the browser sign-in and
// mends the token in place.

import { spawn } from 'node:child_process';
import { join } from 'node:path';

import { suite } from '../lib/harness.mjs';
import { check, cli, closeApp, env, equal, openApp, openToken, rowByName, run, sel, text, until, waitShown } from '../lib/app.mjs';

const driver = env.drivers.oauth;
const issuer = process.env.TK_E2E_OIDC_ISSUER;
const browserJs = join(env.root, 'tests', 'oauth', 'browser.mjs');

/** The user's browser: through the provider's login and consent to the app's listener. */
async function playBrowser(url, login) {
  const r = await run('node', [browserJs, 'code', url, '--login', login], { timeout: 30_000 });
  if (r.code !== 0) throw new Error(`the scripted browser failed: ${r.stderr.trim()}`);
  return JSON.parse(r.stdout);
}

/** `tokenkeeper login corp --no-browser`: the URL line, the browser, the address printed. */
async function signInWithCli(name, login) {
  const child = spawn(env.cli, ['login', 'corp', '--no-browser', '--name', name], {
    env: { ...process.env, TOKENKEEPER_HOME: driver.home, TOKENKEEPER_KEYRING_SERVICE: driver.service },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  const exited = new Promise((resolve) => child.on('exit', resolve));
  await until(() => out.includes('\n'), { timeout: 15_000, message: 'login printed no authorization URL' });
  await playBrowser(out.split('\n')[0], login);
  const code = await exited;
  if (code !== 0) throw new Error(`tokenkeeper login failed (${code}): ${err.trim()}`);
  return out.trim().split('\n').pop();
}

async function admin(path, init) {
  const r = await fetch(`${issuer}/__admin/${path}`, init);
  return r.json();
}

/** Ends a sign-in at the server the way a stolen refresh token would: replayed after use. */
async function endAtServer(address) {
  const refresh = (await cli(driver, ['get', `${address} (refresh)`])).trim();
  const use = () =>
    fetch(`${issuer}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', client_id: 'tk-public', refresh_token: refresh }),
    });
  equal((await use()).status, 200, 'the first use of the refresh token should work');
  equal((await use()).status, 400, 'a replayed refresh token should be refused');
}

async function state(id) {
  return JSON.parse(await cli(driver, ['show', id, '--json'])).grant?.state;
}

suite(
  'OAuth sign-ins (a real OpenID Connect provider on 127.0.0.1)',
  {
    before: async () => {
      check(issuer, 'TK_E2E_OIDC_ISSUER is not set: run.sh starts the provider');
      await cli(driver, [
        'provider', 'add', 'corp', '--issuer', issuer, '--client-id', 'tk-public',
        '--scope', 'openid', '--scope', 'offline_access', '--scope', 'profile', '--refresh-lifetime', '14d',
      ]);
      await signInWithCli('alice', 'alice');
      const bob = await signInWithCli('bob', 'bob');
      await endAtServer(bob);
      return { browser: await openApp(driver) };
    },
    after: async (ctx) => closeApp(ctx?.browser, driver),
  },
  (test) => {
    test('the detail pane shows the access and the refresh token clocks, and the sign-in', async ({ browser }) => {
      const row = await rowByName(browser, 'alice', { timeout: 15_000 });
      await openToken(browser, row.id);
      await waitShown(browser, sel('grant-panel'), 'an OAuth token shows no sign-in panel');
      const access = (await text(browser, sel('grant-access-clock'))) ?? '';
      const refresh = (await text(browser, sel('grant-refresh-clock'))) ?? '';
      check(/in 0:\d\d|in \d+s|expired/.test(access) || /0:\d\d/.test(access), `the access clock says "${access}"`);
      check(/in 1[34]d/.test(refresh), `the refresh clock says "${refresh}", not about 14 days`);
      check(/policy/i.test(refresh), `the refresh clock does not say its expiry is the stated policy: "${refresh}"`);
      check(/corp/.test((await text(browser, sel('grant-profile'))) ?? ''), 'the panel does not name the profile');
    });

    test('the watcher refreshes a token at 80% of its lifetime, with no one asking', async () => {
      const before = (await cli(driver, ['get', 'corp/alice'])).trim();
      await until(async () => (await cli(driver, ['get', 'corp/alice'])).trim() !== before, {
        timeout: 45_000,
        interval: 1_000,
        message: 'the app did not refresh a 30-second token by itself within 45 s',
      });
      const counts = await admin('counts');
      check(counts.token.refresh_token >= 1, `the provider saw ${counts.token.refresh_token} refresh requests`);
      equal(await state('corp/alice'), 'ok', 'the refreshed sign-in is not well');
    });

    test('a sign-in the server ended shows "Sign in again", and its button signs in anew', async ({ browser }) => {
      const row = await rowByName(browser, 'bob');
      // The watcher finds out at bob's 80% mark; a click on Refresh now finds out at once.
      await openToken(browser, row.id);
      await waitShown(browser, sel('grant-panel'), 'bob shows no sign-in panel');
      if (!(await browser.$(sel('grant-ended')).isExisting())) {
        await (await browser.$(sel('refresh-now'))).click();
      }
      await waitShown(browser, sel('grant-ended'), 'invalid_grant did not end in "Sign in again"', 45_000);
      equal(await state('corp/bob'), 'sign_in_again', 'the vault does not record the ended sign-in');
      await (await browser.$(sel('sign-in-again'))).click();
      await waitShown(browser, sel('signin-url'), 'Sign in again did not start a browser sign-in', 15_000);
      const url = await browser.execute((s) => document.querySelector(s)?.value, sel('signin-url'));
      check(/code_challenge_method=S256/.test(url), `the sign-in URL has no PKCE: ${url}`);
      const page = await playBrowser(url, 'bob');
      equal(page.status, 200, 'the app\'s listener did not accept the sign-in');
      await waitShown(browser, sel('signin-saved-name'), 'the app did not say the sign-in was saved', 20_000);
      equal(await text(browser, sel('signin-saved-name')), 'corp/bob', 'the sign-in was saved under another name');
      await until(async () => (await state('corp/bob')) === 'ok', { timeout: 10_000, message: 'bob is still ended' });
      const shown = JSON.parse(await cli(driver, ['show', 'corp/bob', '--json']));
      equal(shown.token.id, row.id, 'signing in again made a new token instead of mending bob');
    });
  },
);
