// A stored secret must never reach the UI except through Reveal: not in an IPC answer, not in an
// event, not in the page, not in the app's log.
//
// How: the app starts with a sentinel secret stored (fixtures.mjs). Inside the page, two hooks
// record everything Rust hands to the UI: every callback Tauri runs (the answer to each
// `invoke` and every event payload go through `__TAURI_INTERNALS__.callbacks`), and the raw body
// of every `ipc://` response (which names the command). Then the UI is driven through list,
// detail, inspect (pasting the sentinel), settings, copy with the clipboard-cleared event, edit,
// an external change (tokens-changed), and every command except reveal_token is also invoked
// directly, with the sentinel's id or the sentinel itself as input. Only then is Reveal
// clicked: the secret must appear, and the hooks must show it came through reveal_token alone.

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from '../lib/harness.mjs';
import {
  check,
  cli,
  closeApp,
  env,
  equal,
  offerClipboard,
  openApp,
  openToken,
  randomAlnum,
  readClipboard,
  rowByName,
  sel,
  text,
  toastText,
  until,
  waitGone,
  waitShown,
} from '../lib/app.mjs';
import { SENTINEL, SENTINEL_PART, assertNoSentinelInDom, seedMain } from '../lib/fixtures.mjs';
import { answerFileDialog } from '../lib/native-dialog.mjs';

const driver = env.drivers.main;

/** Installed in the page: records what Rust hands over, before the UI sees it. */
function installHooks() {
  if (window.__tkIpc) return { already: true };
  const log = [];
  window.__tkIpc = log;
  const internals = window.__TAURI_INTERNALS__;
  const callbacks = internals.callbacks;
  const get = Map.prototype.get;
  const record = (entry) => log.push(entry);
  const asText = (v) => {
    if (typeof v === 'string') return v;
    try {
      return JSON.stringify(v) ?? String(v);
    } catch {
      return String(v);
    }
  };
  // runCallback(id, data) looks the handler up with callbacks.get(id): wrap what it finds.
  callbacks.get = function (id) {
    const fn = get.call(this, id);
    if (typeof fn !== 'function') return fn;
    return (data) => {
      record({ kind: 'callback', data: asText(data) });
      return fn(data);
    };
  };
  const fetch0 = window.fetch;
  window.fetch = function (input, init) {
    const url = String(typeof input === 'string' ? input : input?.url);
    const answer = fetch0.call(this, input, init);
    if (!url.startsWith('ipc:')) return answer;
    const cmd = decodeURIComponent(url.replace(/^ipc:\/\/localhost\//, ''));
    return answer.then((res) => {
      res
        .clone()
        .text()
        .then((body) => record({ kind: 'response', cmd, ok: res.headers.get('Tauri-Response') === 'ok', data: body }));
      return res;
    });
  };
  return { callbacks: callbacks instanceof Map, hooked: window.fetch !== fetch0 };
}

async function ipcLog(browser) {
  return browser.execute(() => window.__tkIpc.slice());
}

/**
 * Calls one command directly through Tauri's invoke; resolves { ok, value } or { ok: false,
 * failure } (not `error`: WebdriverIO would take an `error` key for a WebDriver error).
 */
async function invoke(browser, cmd, args) {
  return browser.executeAsync(
    (c, a, done) => {
      window.__TAURI_INTERNALS__.invoke(c, a).then(
        (value) => done({ ok: true, value: JSON.stringify(value) ?? 'null' }),
        (failure) => done({ ok: false, failure: JSON.stringify(failure) }),
      );
    },
    cmd,
    args,
  );
}

const carries = (s) => typeof s === 'string' && (s.includes(SENTINEL) || s.includes(SENTINEL_PART));

function assertClean(entries, when) {
  const bad = entries.filter((e) => carries(e.data));
  if (bad.length) {
    const what = bad.map((e) => (e.kind === 'response' ? `the ${e.cmd} answer` : 'a callback/event payload'));
    throw new Error(`the stored secret crossed IPC ${when}, in ${[...new Set(what)].join(', ')}`);
  }
}

suite(
  'No secret crosses IPC before Reveal (hooks inside the real app)',
  {
    before: async () => {
      const tokens = await seedMain();
      const browser = await openApp(driver);
      const hooks = await browser.execute(installHooks);
      check(hooks.callbacks && hooks.hooked, `could not hook Tauri's IPC in the page: ${JSON.stringify(hooks)}`);
      return { browser, tokens, sentinelId: tokens['billing-webhook'].id };
    },
    after: async (ctx) => {
      if (ctx?.browser && !ctx.closed) await closeApp(ctx.browser, driver);
    },
  },
  (test) => {
    test('the UI, driven through list, detail, inspect, settings, copy, edit and an outside change, never receives the secret', async (ctx) => {
      const { browser, sentinelId } = ctx;

      // An outside change (the CLI adds a token): the watcher emits tokens-changed and the UI
      // reloads the list.
      await cli(driver, ['add', '--name', 'from-a-script', '--provider', 'other', '--expires', '30d'], `tk-${randomAlnum(30)}`);
      await rowByName(browser, 'from-a-script', { timeout: 8_000 });

      // Detail: metadata, decoded token, masked preview, history.
      await openToken(browser, sentinelId);
      const masked = await until(async () => {
        const m = await text(browser, sel('detail-masked'));
        return m && m.includes('•') && m !== '••••••••' ? m : null;
      }, { timeout: 5_000, message: 'the detail pane never showed the masked secret' });
      equal(masked, `sk_live_••••••••${SENTINEL.slice(-4)}`, 'the masked preview shows more than the prefix and the last 4 characters');

      // Inspect: paste the secret into Add, read what it is, cancel.
      await (await browser.$(sel('add-button'))).click();
      await waitShown(browser, sel('add-dialog'), 'Add token did not open');
      await (await browser.$(sel('add-secret'))).click();
      const offer = offerClipboard(SENTINEL);
      try {
        await until(async () => (await readClipboard()).text === SENTINEL, { timeout: 5_000, message: 'could not offer the secret for pasting' });
        await browser.keys(['Control', 'v']);
        await until(async () => (await (await browser.$(sel('add-detected'))).isExisting()), {
          timeout: 5_000,
          message: 'the Add dialog did not inspect the pasted secret',
        });
      } finally {
        await offer.stop();
      }
      equal(
        await browser.execute((s) => document.querySelector(s).dataset.provider, sel('add-detected')),
        'stripe',
        'a pasted sk_live_ key was not recognised as Stripe',
      );
      await browser.keys(['Escape']);
      await waitGone(browser, sel('add-dialog'), 'Escape did not close the Add dialog');

      // Settings: read and write.
      await (await browser.$(sel('settings-button'))).click();
      await waitShown(browser, sel('settings-dialog'), 'Settings did not open');
      await (await browser.$(`input${sel('setting-clipboard-secs')}`)).setValue('5');
      await (await browser.$(sel('settings-save'))).click();
      await waitGone(browser, sel('settings-dialog'), 'Settings did not close on Save');

      // Copy, and the clipboard-cleared event 5 s later.
      await openToken(browser, sentinelId);
      await (await browser.$(sel('copy-button'))).click();
      await until(async () => (await readClipboard()).text === SENTINEL, { timeout: 3_000, message: 'Copy did not put the secret on the clipboard' });
      await until(async () => (await toastText(browser)) === 'Clipboard cleared', {
        timeout: 12_000,
        message: 'no "Clipboard cleared" after the 5 s timeout',
      });

      // Edit the notes.
      await (await browser.$(sel('edit-button'))).click();
      await waitShown(browser, sel('edit-dialog'), 'Edit did not open');
      await (await browser.$(sel('edit-notes'))).setValue('rotated by the e2e test');
      await (await browser.$(sel('edit-save'))).click();
      await waitGone(browser, sel('edit-dialog'), 'the Edit dialog did not close on Save', 10_000);

      await assertNoSentinelInDom(browser, 'after list, detail, inspect, settings, copy and edit');
      const log = await ipcLog(browser);
      const cmds = new Set(log.filter((e) => e.kind === 'response').map((e) => e.cmd));
      for (const c of ['list_tokens', 'token_detail', 'inspect_token', 'set_settings', 'copy_token', 'update_token']) {
        check(cmds.has(c), `the hooks saw no ${c} answer, so they are not seeing the UI's IPC (saw: ${[...cmds].join(', ')})`);
      }
      check(log.some((e) => e.kind === 'callback' && e.data.includes('clipboard-cleared')), 'the hooks saw no clipboard-cleared event');
      check(log.some((e) => e.kind === 'callback' && e.data.includes('tokens-changed')), 'the hooks saw no tokens-changed event');
      assertClean(log, 'while the UI was used');
      ctx.uiEntries = log.length;
    });

    test('every command but reveal_token, called directly with the secret or its id, answers without it', async (ctx) => {
      const { browser, sentinelId } = ctx;
      const answers = {};
      const call = async (label, cmd, args) => {
        answers[label] = await invoke(browser, cmd, args);
        return answers[label];
      };
      await call('list_tokens', 'list_tokens');
      await call('list_providers', 'list_providers');
      await call('keyring_health', 'keyring_health');
      const settings = await call('get_settings', 'get_settings');
      await call('set_settings', 'set_settings', { settings: { ...settings, clipboard_clear_secs: 30 } });
      await call('notification_health', 'notification_health');
      await call('parse_leads', 'parse_leads', { text: '14d,3d,1h,0' });
      await call('format_leads', 'format_leads', { leads: [86400, 0] });
      await call('token_detail', 'token_detail', { id: sentinelId });
      await call('token_detail (unknown id)', 'token_detail', { id: `${sentinelId}-nope` });
      await call('inspect_token', 'inspect_token', { input: SENTINEL });
      await call('inspect_token (broken JWT around it)', 'inspect_token', { input: `eyJhbGciOiJIUzI1NiJ9.${SENTINEL}.c2ln` });
      await call('copy_token', 'copy_token', { id: sentinelId });
      await call('update_token', 'update_token', { id: sentinelId, patch: { notes: 'patched directly' } });
      const added = await call('add_token', 'add_token', { secret: SENTINEL, meta: { name: 'sentinel-copy', provider: 'stripe' } });
      check(added.ok, `add_token with a new name failed: ${added.failure}`);
      const copyId = JSON.parse(added.value).id;
      await call('add_token (duplicate name)', 'add_token', { secret: SENTINEL, meta: { name: 'sentinel-copy', provider: 'stripe' } });
      await call('add_token (empty name)', 'add_token', { secret: SENTINEL, meta: { name: '' } });
      await call('replace_secret', 'replace_secret', { id: copyId, secret: `${SENTINEL}x` });
      await call('replace_secret (unknown id)', 'replace_secret', { id: 'no-such-id', secret: SENTINEL });
      await call('delete_token', 'delete_token', { id: copyId });
      // Each refused before anything opens: a provider the catalog lacks, a kind of link that is
      // not one, a provider the catalog has no pages for. (A valid link would start a browser,
      // which a test session has not got: the Rust and UI tests cover that case.)
      await call('open_provider_link (unknown provider)', 'open_provider_link', { link: { provider: 'no-such-provider', kind: 'docs' } });
      await call('open_provider_link (bogus kind)', 'open_provider_link', { link: { provider: 'github', kind: 'bogus' } });
      await call('open_provider_link (no such page)', 'open_provider_link', { link: { provider: 'other', kind: 'create' } });

      // The provider commands, on the Stripe sentinel (Stripe has no API, so nothing leaves the
      // machine): a shape check of the secret itself, and check, revoke and rotate refused.
      await call('check_shape', 'check_shape', { provider: 'stripe', guide: 'secret', secret: SENTINEL });
      await call('check_shape (wrong guide)', 'check_shape', { provider: 'github', guide: 'fine_grained_pat', secret: SENTINEL });
      await call('check_token', 'check_token', { id: sentinelId });
      await call('revoke_token', 'revoke_token', { id: sentinelId });
      await call('rotate_token', 'rotate_token', { id: sentinelId });
      // A replacement made with the guide, taking over, then revoked by hand: on a spare copy.
      const spare = await call('add_token (spare)', 'add_token', { secret: SENTINEL, meta: { name: 'sentinel-spare', provider: 'stripe' } });
      const spareId = JSON.parse(spare.value).id;
      const repl = await call('add_replacement', 'add_replacement', { oldId: spareId, secret: `${SENTINEL}y`, expiresAt: null });
      check(repl.ok, `add_replacement failed: ${repl.failure}`);
      const replId = JSON.parse(repl.value).id;
      await call('finish_replacement', 'finish_replacement', { oldId: spareId, newId: replId });
      await call('mark_revoked', 'mark_revoked', { id: replId });
      await call('delete_token (revoked spares)', 'delete_token', { id: spareId });
      await call('delete_token (revoked replacement)', 'delete_token', { id: replId });

      // The OAuth commands, against the real OIDC provider run.sh started: the sentinel as a
      // profile's client secret (kept in the keyring; the server refuses it), a sign-in started
      // and cancelled, and the token commands refused for a token no sign-in made.
      const issuer = process.env.TK_E2E_OIDC_ISSUER;
      check(issuer, 'TK_E2E_OIDC_ISSUER is not set: run.sh starts the provider');
      const input = {
        name: 'leak-sso', issuer, endpoints: null, client_id: 'tk-confidential',
        scopes: ['openid', 'offline_access'], audience: null, resource: null, refresh_lifetime_secs: null,
      };
      const saved = await call('save_profile', 'save_profile', { input, clientSecret: SENTINEL });
      check(saved.ok, `save_profile failed: ${saved.failure}`);
      await call('list_profiles', 'list_profiles');
      await call('start_login (client credentials, refused by the server)', 'start_login', { profile: 'leak-sso', flow: 'client-credentials', name: 'leak-cc' });
      const code = await call('start_login', 'start_login', { profile: 'leak-sso', flow: 'code', name: null });
      check(code.ok, `start_login (code) failed: ${code.failure}`);
      const loginId = JSON.parse(code.value).login_id;
      await call('open_login_page (unknown login)', 'open_login_page', { loginId: 'no-such-login' });
      await call('cancel_login', 'cancel_login', { loginId });
      await call('refresh_token', 'refresh_token', { id: sentinelId });
      await call('introspect_token', 'introspect_token', { id: sentinelId });
      for (const k of ['refresh_token', 'introspect_token']) {
        equal(JSON.parse(answers[k].failure ?? '{}')?.code, 'unsupported', `${k} on a pasted key was not refused as unsupported`);
      }
      // Backups: a short passphrase is refused before the save dialog opens, and a file the shell
      // does not hold before anything is read (the passphrase going in is the sentinel: it must
      // not come back); the open dialog, closed by the user, answers `cancelled`. backup.mjs
      // runs a real export and restore.
      await call('export_backup (short passphrase)', 'export_backup', { passphrase: 'short' });
      await call('restore_backup (unknown file)', 'restore_backup', { file: 'no-such-file', passphrase: SENTINEL, dryRun: true });
      const choosing = call('choose_backup', 'choose_backup');
      await answerFileDialog('Restore from a backup', null);
      await choosing;
      for (const k of ['export_backup (short passphrase)', 'restore_backup (unknown file)']) {
        equal(JSON.parse(answers[k].failure ?? '{}')?.code, 'invalid_input', `${k} was not refused with invalid_input`);
      }
      equal(answers.choose_backup.value, '{"outcome":"cancelled"}', 'closing the open dialog did not answer cancelled');
      // The scan is a dry run over this user's usual files and answers masked previews only; a
      // file it did not list (here one holding the secret) is refused before it is read.
      const unlisted = join(mkdtempSync(join(tmpdir(), 'tk-leak-')), '.npmrc');
      writeFileSync(unlisted, `//registry.npmjs.org/:_authToken=${SENTINEL}\n`, { mode: 0o600 });
      await call('scan_for_tokens', 'scan_for_tokens');
      await call('import_found (a file the scan did not list)', 'import_found', { files: [unlisted], rewrite: true });
      check(answers.scan_for_tokens.ok, `scan_for_tokens failed: ${answers.scan_for_tokens.failure}`);
      equal(
        JSON.parse(answers['import_found (a file the scan did not list)'].failure ?? '{}')?.code,
        'invalid_input',
        'import_found took a path the scan had not listed',
      );
      equal(readFileSync(unlisted, 'utf8'), `//registry.npmjs.org/:_authToken=${SENTINEL}\n`, 'the unlisted file was changed');
      // Every command the shell registers must have been called here, so a new one is covered.
      const shell = readFileSync(join(env.root, 'src-tauri', 'src', 'lib.rs'), 'utf8');
      const registered = [...shell.matchAll(/commands::(\w+)/g)].map((m) => m[1]);
      const called = new Set(Object.keys(answers).map((k) => k.split(' ')[0]));
      const uncovered = registered.filter((c) => c !== 'reveal_token' && !called.has(c));
      check(registered.length > 5, 'could not read the registered commands from src-tauri/src/lib.rs');
      check(uncovered.length === 0, `these IPC commands are not checked for leaks yet: ${uncovered.join(', ')}`);

      const leaked = Object.entries(answers).filter(([, a]) => carries(a.ok ? a.value : a.failure));
      check(leaked.length === 0, `the secret came back from: ${leaked.map(([k]) => k).join(', ')}`);
      for (const k of ['list_tokens', 'token_detail', 'inspect_token', 'copy_token', 'update_token']) {
        check(answers[k].ok, `${k} failed, so its answer proves nothing: ${answers[k].failure}`);
      }
      check(!answers['token_detail (unknown id)'].ok, 'token_detail of an unknown id did not fail');
      for (const k of ['open_provider_link (unknown provider)', 'open_provider_link (bogus kind)', 'open_provider_link (no such page)']) {
        check(!answers[k].ok, `${k} was not refused: the shell would open a page its catalog does not have`);
      }
      for (const k of ['open_provider_link (unknown provider)', 'open_provider_link (no such page)']) {
        equal(JSON.parse(answers[k].failure)?.code, 'invalid_input', `${k} was not refused with invalid_input`);
      }
      for (const k of ['check_token', 'revoke_token', 'rotate_token']) {
        equal(JSON.parse(answers[k].failure ?? '{}')?.code, 'unsupported', `${k} on a Stripe key was not refused as unsupported`);
      }
      for (const k of ['delete_token (revoked spares)', 'delete_token (revoked replacement)']) {
        check(answers[k].ok, `${k} failed: ${answers[k].failure}`);
      }
      const log = await ipcLog(browser);
      assertClean(log, 'when commands were called directly');
      await assertNoSentinelInDom(browser, 'after the direct calls');
      ctx.checked = log.length;
    });

    test('Reveal shows the secret, and only reveal_token carried it', async (ctx) => {
      const { browser, sentinelId } = ctx;
      await openToken(browser, sentinelId);
      await (await browser.$(sel('reveal-button'))).click();
      const shown = await until(async () => text(browser, sel('revealed-secret')), {
        timeout: 5_000,
        message: 'Reveal did not show the secret',
      });
      equal(shown, SENTINEL, 'Reveal showed something other than the stored secret');
      const log = await ipcLog(browser);
      const carrying = log.filter((e) => carries(e.data));
      const responses = carrying.filter((e) => e.kind === 'response');
      check(responses.length >= 1, 'the hooks did not see the reveal_token answer: they would miss a leak too');
      check(
        responses.every((e) => e.cmd === 'reveal_token'),
        `the secret came through ${[...new Set(responses.map((e) => e.cmd))].join(', ')}`,
      );
      equal(
        carrying.filter((e) => e.kind === 'callback').length,
        responses.length,
        'the secret reached a callback or event other than the reveal_token answer',
      );
      console.log(`      (checked ${log.length} IPC answers and event payloads; ${responses.length} carried the secret, all reveal_token)`);
    });

    test("the app's log (stderr, RUST_LOG=trace) never contains the secret", async (ctx) => {
      await closeApp(ctx.browser, driver);
      ctx.closed = true;
      // The app that ran here logs to the main driver's log; the dark one shares the vault.
      const main = readFileSync(driver.log, 'utf8');
      check(/keyring_core|tokenkeeper/.test(main), `the app wrote nothing to its log (${driver.log}): the check would prove nothing`);
      for (const d of ['main', 'dark']) {
        const log = readFileSync(env.drivers[d].log, 'utf8');
        check(!log.includes(SENTINEL) && !log.includes(SENTINEL_PART), `the secret is in the app's log (${env.drivers[d].log})`);
      }
    });
  },
);
