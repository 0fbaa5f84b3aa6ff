// A revealed secret at the edges of the real window (WebKitGTK under X): select all and Ctrl+C on
// it must leave it off the X primary selection (what a middle click pastes anywhere), the
// clipboard may hold it only as the app's Copy puts it there (marked secret for clipboard
// managers), and it hides once another window takes the focus.
//
// Hiding is real: xdotool unmaps the app's X window and the page must see visibilityState
// hidden. Losing the focus is the window's blur event: tauri-driver (WebKit's WebDriver) has no
// command that takes the focus from the app's only window, and under Xvfb without a window
// manager moving the X focus elsewhere does not make WebKit report it (measured).

import { suite } from '../lib/harness.mjs';
import {
  check,
  closeApp,
  env,
  equal,
  openApp,
  openToken,
  readClipboard,
  run,
  sel,
  text,
  toastText,
  until,
  waitGone,
} from '../lib/app.mjs';
import { seedMain } from '../lib/fixtures.mjs';

const driver = env.drivers.main;

/** The X primary selection as another program reads it: { ok, text }. */
async function readPrimary() {
  const r = await run('xclip', ['-o', '-selection', 'primary'], { timeout: 5_000 });
  return { ok: r.code === 0, text: r.stdout };
}

/** Runs xdotool; its trimmed output, or null when it failed or is not installed. */
async function xdotool(args) {
  try {
    const r = await run('xdotool', args, { timeout: 5_000 });
    return r.code === 0 ? r.stdout.trim() : null;
  } catch {
    return null;
  }
}

const pageHasFocus = (browser) => browser.execute(() => document.hasFocus());

/** Gives the app's window the X input focus; its X window id, or null when that did not work. */
async function focusApp(browser) {
  const found = await xdotool(['search', '--onlyvisible', '--name', '^Tokenkeeper$']);
  const win = found?.split('\n')[0];
  if (!win || (await xdotool(['windowfocus', win])) === null) return null;
  try {
    await until(() => pageHasFocus(browser), { timeout: 3_000, message: 'the page never had the focus' });
    return win;
  } catch {
    return null;
  }
}

suite(
  'A revealed secret stays in the app (X primary selection, clipboard, focus)',
  {
    before: async () => {
      const tokens = await seedMain();
      return { browser: await openApp(driver), token: tokens['ci-deploy'] };
    },
    after: async (ctx) => closeApp(ctx?.browser, driver),
  },
  (test) => {
    test('select all and Ctrl+C on it copy only through Copy, and it hides when the window is hidden or loses the focus', async ({ browser, token }) => {
      const win = await focusApp(browser);
      await openToken(browser, token.id);
      const before = await readPrimary();
      check(!before.text.includes(token.secret), 'the secret was on the primary selection before it was revealed');

      // The seeding above is an outside change: the app lists again when its watcher sees it, and
      // a refresh of the detail pane hides a revealed secret (on purpose). Reveal again until it
      // stays, so the test is about what follows, not about that race.
      let shown = null;
      await until(
        async () => {
          shown = await text(browser, sel('revealed-secret')).catch(() => null);
          if (shown === token.secret) return true;
          const button = await browser.$(sel('reveal-button'));
          if (await button.isExisting()) await button.click();
          return false;
        },
        {
          timeout: 10_000,
          interval: 500,
          message: () => `Reveal did not show the stored secret (it showed ${shown === null ? 'nothing' : `${String(shown).length} other characters`})`,
        },
      );
      await (await browser.$(sel('revealed-secret'))).click();
      check(
        await browser.execute((s) => document.activeElement === document.querySelector(s), sel('revealed-secret')),
        'clicking the revealed secret did not give it the keyboard focus',
      );
      await browser.keys(['Control', 'a']);
      await browser.keys(['Control', 'c']);
      let toast = '';
      await until(
        async () => {
          toast = (await toastText(browser)) ?? '';
          return toast.startsWith('Copied');
        },
        { timeout: 3_000, message: () => `Ctrl+C on the revealed secret did not copy it as Copy does (the toast says: "${toast}")` },
      );

      const primary = await readPrimary();
      check(
        !primary.text.includes(token.secret),
        'after Ctrl+A and Ctrl+C on the revealed secret, the X primary selection holds it: a middle click pastes it anywhere',
      );
      check(
        await browser.execute((s) => {
          const el = document.querySelector(s);
          const selection = document.getSelection();
          if (!el || !selection) return false;
          return Array.from({ length: selection.rangeCount }, (_, i) => selection.getRangeAt(i)).every((r) => !r.intersectsNode(el));
        }, sel('revealed-secret')),
        'after Ctrl+A on the revealed secret, the page selection includes it',
      );
      const clip = await readClipboard();
      equal(clip.text, token.secret, 'Ctrl+C on the revealed secret did not put it on the clipboard');
      const targets = await readClipboard('TARGETS');
      check(
        targets.text.split('\n').includes('x-kde-passwordManagerHint'),
        `the secret is on the clipboard without the mark copy_token sets, so WebKit copied it; targets: ${targets.text.trim().split('\n').join(', ')}`,
      );

      // A real hide first: the window is unmapped, as minimising or closing to the tray does
      // (under Xvfb there is no window manager, and moving the X focus to the root window does
      // not make WebKit report a lost focus, so the focus case uses the window's blur event).
      const appWin = win ?? (await xdotool(['search', '--onlyvisible', '--name', '^Tokenkeeper$']))?.split('\n')[0];
      check(appWin, 'xdotool found no Tokenkeeper window to hide');
      try {
        check((await xdotool(['windowunmap', '--sync', appWin])) !== null, 'xdotool could not hide the window');
        await until(async () => (await browser.execute(() => document.visibilityState)) === 'hidden', {
          timeout: 5_000,
          message: 'the page never learned that its window was hidden (visibilityState stayed visible)',
        });
        await waitGone(browser, sel('revealed-secret'), 'the revealed secret still showed after the window was hidden');
      } finally {
        await xdotool(['windowmap', '--sync', appWin]);
      }
      await (await browser.$(sel('reveal-button'))).click();
      await until(async () => (await text(browser, sel('revealed-secret'))) === token.secret, {
        timeout: 5_000,
        message: 'Reveal did not show the secret again after the window came back',
      });
      await browser.execute(() => window.dispatchEvent(new Event('blur')));
      await waitGone(browser, sel('revealed-secret'), 'the revealed secret still showed after the window lost the focus (blur)');
      equal(
        await browser.execute((s) => document.querySelector(s)?.getAttribute('aria-pressed'), sel('reveal-button')),
        'false',
        'after hiding on blur, the Reveal button still reads as pressed',
      );
    });
  },
);
