// What a user does every day, on the real app with the real keyring and clipboard: paste a JWT
// and a GitHub PAT, filter, copy (and see the clipboard cleared), delete; and the screenshots
// of the main window, light and dark.

import { join } from 'node:path';
import { suite } from '../lib/harness.mjs';
import {
  check,
  cli,
  closeApp,
  countdownSeconds,
  env,
  equal,
  exists,
  keyringItems,
  listRows,
  makeJwt,
  nowSecs,
  offerClipboard,
  openApp,
  openToken,
  randomAlnum,
  readClipboard,
  rowByName,
  run,
  screenshot,
  sel,
  text,
  toastText,
  until,
  waitGone,
  waitShown,
} from '../lib/app.mjs';
import { assertNoSentinelInDom, seedMain } from '../lib/fixtures.mjs';

// A test run writes its screenshots under target/ so it leaves the tree clean; `make screenshots`
// points TK_SCREENSHOTS at docs/screenshots to refresh the committed ones.
const SHOTS = process.env.TK_SCREENSHOTS || join(env.root, 'target', 'e2e', 'screenshots');
const JWT_NAME = 'orders-api';
const PAT_NAME = 'laptop-cli';
const CLIPBOARD_SECS = 5;

/** Pastes `secret` into the Add dialog's token field the way a user does: clipboard, Ctrl+V. */
async function pasteIntoAdd(browser, secret) {
  await (await browser.$(sel('add-button'))).click();
  await waitShown(browser, sel('add-dialog'), 'Add token did not open the Add dialog');
  const field = await browser.$(sel('add-secret'));
  await field.click();
  const offer = offerClipboard(secret);
  try {
    // xclip owns the clipboard once it has read its input; paste only then.
    await until(async () => (await readClipboard()).text === secret, {
      timeout: 5_000,
      message: 'could not put the token on the clipboard to paste it',
    });
    await browser.keys(['Control', 'v']);
    await until(async () => (await field.getValue()) === secret, {
      timeout: 5_000,
      message: 'pasting with Ctrl+V did not put the token into the Add dialog',
    });
  } finally {
    await offer.stop();
  }
}

async function saveAdd(browser, name) {
  const nameField = await browser.$(sel('add-name'));
  await nameField.setValue(name);
  await (await browser.$(sel('add-save'))).click();
  await waitGone(browser, sel('add-dialog'), 'the Add dialog stayed open after Save token', 10_000);
  const row = await rowByName(browser, name);
  await until(async () => (await text(browser, sel('detail-name'))) === name, {
    timeout: 5_000,
    message: `after saving, the detail pane did not show "${name}"`,
  });
  return row;
}

async function dismissToast(browser) {
  if (await exists(browser, `${sel('toast')} button`)) await (await browser.$(`${sel('toast')} button`)).click();
}

export const state = { browser: null, jwt: null, pat: null, patId: null };

suite(
  'Tokens in the real app (debug build, real keyring and clipboard)',
  {
    before: async () => {
      await seedMain();
      state.browser = await openApp(env.drivers.main);
      return state;
    },
    after: async (s) => {
      await closeApp(s?.browser, env.drivers.main);
    },
  },
  (test) => {
    test('the stored tokens are listed, soonest expiry first, secrets nowhere in the page', async ({ browser }) => {
      const rows = await listRows(browser);
      const names = rows.map((r) => r.name);
      equal(
        names.join(', '),
        'old-session, staging-api, registry-publish, billing-webhook, ci-deploy, alerts-bot, release-bot',
        'the list does not show the stored tokens soonest expiry first (expired, then by expiry, never-expiring last)',
      );
      const byName = Object.fromEntries(rows.map((r) => [r.name, r]));
      equal(byName['old-session'].status, 'expired', 'a JWT whose exp is 3 days ago is not shown as expired');
      equal(byName['staging-api'].status, 'expiring_soon', 'a JWT with 20 h of a 30-day life left is not shown as expiring soon');
      equal(byName['ci-deploy'].provider, 'GitHub', 'a ghp_ token stored by the CLI does not show GitHub as its provider');
      equal(byName['release-bot'].countdown, 'never expires', 'a token without expiry does not say "never expires"');
      // The UI recomputes status every second; it must agree with the core (as the CLI shows it).
      const fromCli = JSON.parse(await cli(env.drivers.main, ['list', '--json']));
      for (const t of fromCli) {
        equal(byName[t.name]?.status, t.status, `the window and \`tokenkeeper list\` disagree on the status of "${t.name}"`);
      }
      await assertNoSentinelInDom(browser, 'on start');
    });

    test('a pasted JWT shows its claims and a countdown that goes down', async ({ browser }) => {
      const now = nowSecs();
      const claims = {
        iss: 'https://tokenkeeper-demo.eu.auth0.com/',
        sub: 'auth0|orders-service',
        aud: 'https://orders.example.com',
        scope: 'read:orders write:orders',
        iat: now,
        exp: now + 3600,
      };
      state.jwt = makeJwt(claims);
      await pasteIntoAdd(browser, state.jwt);
      await until(async () => exists(browser, sel('add-detected')), {
        timeout: 5_000,
        message: 'the Add dialog did not say what the pasted JWT is',
      });
      const detected = await browser.execute((s) => ({ ...document.querySelector(s).dataset }), sel('add-detected'));
      equal(detected.format, 'jwt', 'the Add dialog did not recognise the pasted token as a JWT');
      equal(detected.provider, 'auth0', 'the Add dialog did not recognise the issuer …auth0.com as Auth0');

      await saveAdd(browser, JWT_NAME);
      await waitShown(browser, sel('claims-table'), 'the detail pane never showed the decoded claims', 5_000);
      const shown = await browser.execute(
        () =>
          Object.fromEntries(
            Array.from(document.querySelectorAll('[data-testid="claims-table"] tr[data-claim]'), (tr) => [
              tr.dataset.claim,
              tr.querySelector('td')?.textContent.trim(),
            ]),
          ),
      );
      for (const k of ['iss', 'sub', 'aud', 'scope', 'iat', 'exp']) {
        check(k in shown, `the claims table has no "${k}" row (it shows: ${Object.keys(shown).join(', ')})`);
      }
      equal(shown.sub, claims.sub, 'the "sub" claim does not show the subject from the token');
      equal(shown.iss, claims.iss, 'the "iss" claim does not show the issuer from the token');
      check(shown.scope.includes('write:orders'), `the "scope" claim does not show the token's scopes: ${shown.scope}`);
      check(shown.exp.startsWith(String(claims.exp)), `the "exp" claim does not show ${claims.exp}: ${shown.exp}`);
      equal(await text(browser, sel('detail-provider')), 'Auth0', 'the detail pane does not name Auth0 as the provider');

      const t1 = Date.now();
      const first = countdownSeconds(await text(browser, sel('detail-countdown')));
      check(first !== null, `the detail pane shows no "in MM:SS" countdown for a token that expires in an hour`);
      const expected = claims.exp - Math.floor(t1 / 1000);
      check(Math.abs(first - expected) <= 3, `the countdown shows ${first} s left, but the token expires in ${expected} s`);
      const second = await until(
        async () => {
          const v = countdownSeconds(await text(browser, sel('detail-countdown')));
          return Date.now() - t1 >= 2_000 && v !== null && v < first ? v : null;
        },
        { timeout: 6_000, message: 'the countdown did not go down within 6 s' },
      );
      const elapsed = (Date.now() - t1) / 1000;
      check(
        first - second >= 1 && first - second <= elapsed + 1.5,
        `the countdown went from ${first} to ${second} s in ${elapsed.toFixed(1)} s: it does not follow the clock`,
      );
      const rowCountdown = (await listRows(browser)).find((r) => r.name === JWT_NAME)?.countdown;
      const rowLeft = countdownSeconds(rowCountdown);
      check(rowLeft !== null && Math.abs(rowLeft - second) <= 2, `the list row does not show the same countdown: "${rowCountdown}"`);
      await assertNoSentinelInDom(browser, 'after adding a JWT');
    });

    test('a pasted GitHub PAT is recognised and saved as a GitHub personal token', async ({ browser }) => {
      state.pat = `ghp_${randomAlnum(36)}`;
      await pasteIntoAdd(browser, state.pat);
      await until(async () => exists(browser, sel('add-detected')), {
        timeout: 5_000,
        message: 'the Add dialog did not say what the pasted PAT is',
      });
      const detected = await text(browser, sel('add-detected'));
      const provider = await browser.execute((s) => document.querySelector(s).dataset.provider, sel('add-detected'));
      equal(provider, 'github', 'the Add dialog did not recognise a ghp_ token as GitHub');
      check(/GitHub/.test(detected), `the Add dialog does not name GitHub for a ghp_ token: "${detected}"`);
      check(/Personal/.test(detected), `the Add dialog does not say a ghp_ token is a personal token: "${detected}"`);

      const row = await saveAdd(browser, PAT_NAME);
      state.patId = row.id;
      equal(row.provider, 'GitHub', 'the saved PAT row does not show GitHub as its provider');
      equal(row.kind, 'Personal token', 'the saved PAT row does not show its kind as Personal token');
      const items = await keyringItems(env.drivers.main.service);
      check(items.includes(`${row.id}.g1`), 'the saved PAT is not in the OS keyring (secret-tool finds no item for it)');
      await assertNoSentinelInDom(browser, 'after adding a PAT');
    });

    test('the filter keeps only matching tokens and says when nothing matches', async ({ browser }) => {
      const filter = await browser.$(sel('filter'));
      const all = (await listRows(browser)).length;
      check(all === 9, `expected the 7 stored and 2 added tokens in the list, saw ${all}`);

      await filter.setValue('orders');
      await until(async () => (await listRows(browser)).map((r) => r.name).join() === JWT_NAME, {
        timeout: 3_000,
        message: `typing "orders" did not leave only "${JWT_NAME}" in the list`,
      });

      await filter.setValue('github');
      await until(
        async () => (await listRows(browser)).map((r) => r.name).sort().join() === `ci-deploy,${PAT_NAME}`,
        { timeout: 3_000, message: 'typing "github" did not leave only the two GitHub tokens' },
      );

      await filter.setValue('prod billing');
      await until(async () => (await listRows(browser)).map((r) => r.name).join() === 'billing-webhook', {
        timeout: 3_000,
        message: 'two words ("prod billing", a tag and a name) did not narrow the list to "billing-webhook"',
      });

      await filter.setValue('no-such-token-anywhere');
      await waitShown(browser, sel('no-results'), 'a filter that matches nothing did not say so', 3_000);
      equal((await listRows(browser)).length, 0, 'rows are still listed for a filter that matches nothing');
      check(
        (await text(browser, sel('no-results'))).includes('no-such-token-anywhere'),
        'the "no tokens match" message does not repeat what was typed',
      );

      await (await browser.$(`${sel('no-results')} button`)).click();
      await until(async () => (await listRows(browser)).length === all, {
        timeout: 3_000,
        message: 'Clear filter did not bring every token back',
      });
      equal(await filter.getValue(), '', 'Clear filter did not empty the filter field');
    });

    test(
      'copy puts the token on the clipboard marked secret, and it is cleared after the timeout set in Settings',
      async ({ browser }) => {
        await dismissToast(browser);
        await (await browser.$(sel('settings-button'))).click();
        await waitShown(browser, sel('settings-dialog'), 'the settings button did not open Settings');
        await (await browser.$(`input${sel('setting-clipboard-secs')}`)).setValue(String(CLIPBOARD_SECS));
        await (await browser.$(sel('settings-save'))).click();
        await waitGone(browser, sel('settings-dialog'), 'Settings stayed open after Save');
        const confirmed = `Settings saved: copied tokens now clear after ${CLIPBOARD_SECS} s`;
        await until(async () => (await toastText(browser)) === confirmed, {
          timeout: 3_000,
          message: `saving Settings did not confirm "${confirmed}" (it says: ${await toastText(browser)})`,
        });
        // Out of the way, so the next toast on screen can only be Copy's.
        await dismissToast(browser);

        await openToken(browser, state.patId);
        const before = await readClipboard();
        check(before.text !== state.pat, 'the PAT was on the clipboard before Copy was pressed');
        await until(async () => (await browser.$(sel('copy-button'))).isEnabled(), {
          timeout: 3_000,
          message: 'the Copy button stayed disabled for a token whose secret is in the keyring',
        });
        const copiedAt = Date.now();
        await (await browser.$(sel('copy-button'))).click();
        await until(async () => (await readClipboard()).text === state.pat, {
          timeout: 3_000,
          message: 'after Copy, another program reading the clipboard (xclip) did not get the token',
        });
        // The clipboard is set inside the command, before its answer reaches the page, so the
        // confirmation can lag the clipboard by a frame: wait for the Copy toast itself.
        let toast = '';
        await until(
          async () => {
            toast = (await toastText(browser)) ?? '';
            return toast.startsWith('Copied');
          },
          { timeout: 3_000, message: () => `Copy showed no confirmation (the toast says: "${toast}")` },
        );
        check(toast.includes(`clears in ${CLIPBOARD_SECS} s`), `the copy confirmation does not say the clipboard clears in ${CLIPBOARD_SECS} s: "${toast}"`);

        const targets = await readClipboard('TARGETS');
        check(
          targets.text.split('\n').includes('x-kde-passwordManagerHint'),
          `the clipboard does not mark the token secret for clipboard managers; its targets are: ${targets.text.trim().split('\n').join(', ')}`,
        );
        const hint = await readClipboard('x-kde-passwordManagerHint');
        equal(hint.text.trim(), 'secret', 'the x-kde-passwordManagerHint target does not say "secret"');

        await until(async () => (await readClipboard()).text !== state.pat, {
          timeout: (CLIPBOARD_SECS + 10) * 1000,
          interval: 200,
          message: `the token was still on the clipboard ${CLIPBOARD_SECS + 10} s after Copy (the setting says ${CLIPBOARD_SECS} s)`,
        });
        const clearedAfter = (Date.now() - copiedAt) / 1000;
        check(
          clearedAfter >= CLIPBOARD_SECS - 0.5,
          `the clipboard was cleared after ${clearedAfter.toFixed(1)} s, before the ${CLIPBOARD_SECS} s the setting says`,
        );
        await until(async () => (await toastText(browser)) === 'Clipboard cleared', {
          timeout: 3_000,
          message: 'the window did not say "Clipboard cleared" when the timer cleared it',
        });
        await assertNoSentinelInDom(browser, 'after copying');
      },
      { timeout: 60_000 },
    );

    test('Edit binds the PAT to a git host, and git then gets it from the credential helper', async ({ browser }) => {
      await openToken(browser, state.patId);
      await (await browser.$(sel('edit-button'))).click();
      await waitShown(browser, sel('edit-dialog'), 'Edit opened no dialog');
      const hosts = await browser.$(sel('edit-git-hosts'));
      await until(async () => hosts.isEnabled(), { timeout: 5_000, message: 'the Git hosts field never became editable' });
      // A repository URL as a user would paste it; core reads it into host and path.
      await hosts.setValue('https://Git.Example.test/acme/app.git');
      await (await browser.$(sel('edit-save'))).click();
      await waitGone(browser, sel('edit-dialog'), 'the Edit dialog did not close after saving', 10_000);
      await until(async () => (await text(browser, sel('git-hosts'))) === 'git.example.test/acme/app', {
        timeout: 5_000,
        message: 'the detail pane does not list the git host as core read it',
      });

      const driver = env.drivers.main;
      const git = (path) =>
        run(
          'git',
          ['-c', 'credential.helper=', '-c', `credential.helper=!${env.cli} git-credential`, '-c', 'credential.useHttpPath=true', 'credential', 'fill'],
          {
            input: `protocol=https\nhost=git.example.test\npath=${path}\n\n`,
            env: {
              TOKENKEEPER_HOME: driver.home,
              TOKENKEEPER_KEYRING_SERVICE: driver.service,
              GIT_CONFIG_NOSYSTEM: '1',
              GIT_CONFIG_GLOBAL: '/dev/null',
              GIT_TERMINAL_PROMPT: '0',
            },
          },
        );
      const under = await git('acme/app.git');
      equal(under.code, 0, `git credential fill failed: ${under.stderr}`);
      check(under.stdout.includes(`password=${state.pat}\n`), 'git did not get the bound PAT from the credential helper');
      const elsewhere = await git('other/repo.git');
      check(!elsewhere.stdout.includes(state.pat), 'git got the PAT for a repository outside the bound path');
      await assertNoSentinelInDom(browser, 'after binding a git host');
    });

    test('delete removes the row and the secret from the keyring', async ({ browser }) => {
      const svc = env.drivers.main.service;
      check((await keyringItems(svc)).includes(`${state.patId}.g1`), 'the PAT was not in the keyring before Delete');
      await openToken(browser, state.patId);
      await (await browser.$(sel('delete-button'))).click();
      await waitShown(browser, sel('delete-dialog'), 'the delete button did not ask for confirmation');
      check(
        (await text(browser, sel('delete-dialog'))).includes(PAT_NAME),
        'the delete confirmation does not name the token it will delete',
      );
      await (await browser.$(sel('confirm-delete'))).click();
      await waitGone(browser, sel('delete-dialog'), 'the delete confirmation stayed open', 10_000);
      await until(async () => !(await listRows(browser)).some((r) => r.id === state.patId), {
        timeout: 5_000,
        message: `the deleted token "${PAT_NAME}" is still in the list`,
      });
      const items = await keyringItems(svc);
      check(!items.includes(state.patId), `the deleted token's secret is still in the keyring:\n${items}`);
      check(!items.includes(state.pat), 'the deleted token is still readable from the keyring');
      equal((await listRows(browser)).length, 8, 'deleting one token changed how many others are listed');
    });

    test('the main window (light theme, with tokens) is saved as main-light.png', async ({ browser }) => {
      const dark = await browser.execute(() => matchMedia('(prefers-color-scheme: dark)').matches);
      equal(dark, false, 'the window is dark without GTK_THEME set');
      const row = await rowByName(browser, JWT_NAME);
      await openToken(browser, row.id);
      await waitShown(browser, sel('claims-table'), 'the JWT detail never showed its claims');
      await dismissToast(browser);
      await browser.execute(() => document.activeElement instanceof HTMLElement && document.activeElement.blur());
      await screenshot(browser, join(SHOTS, 'main-light.png'));
      await assertNoSentinelInDom(browser, 'at the end');
    });
  },
);

suite(
  'Dark theme (GTK_THEME=Adwaita:dark)',
  {
    before: async () => ({ browser: await openApp(env.drivers.dark) }),
    after: async (s) => closeApp(s?.browser, env.drivers.dark),
  },
  (test) => {
    test('the page follows the dark GTK theme and the dark screenshot is saved', async ({ browser }) => {
      const media = await browser.execute(() => ({
        dark: matchMedia('(prefers-color-scheme: dark)').matches,
        bg: getComputedStyle(document.body).backgroundColor,
      }));
      check(media.dark, 'with GTK_THEME=Adwaita:dark the page still reports prefers-color-scheme: light');
      const [r, g, b] = media.bg.match(/\d+/g).map(Number);
      check(r + g + b < 3 * 80, `the dark theme's background is not dark: ${media.bg}`);
      const row = await rowByName(browser, JWT_NAME);
      await openToken(browser, row.id);
      await waitShown(browser, sel('claims-table'), 'the JWT detail never showed its claims');
      await browser.execute(() => document.activeElement instanceof HTMLElement && document.activeElement.blur());
      await screenshot(browser, join(SHOTS, 'main-dark.png'));
    });
  },
);
