// Expiry reminders through the real notification server: the app runs under the test session
// (dunst answers org.freedesktop.Notifications), `dbus-monitor` records every Notify call. A
// token added from the CLI while the app runs, expiring 90 s out with a 60 s lead, gets exactly
// one notification naming it, within the bound; a restarted app does not send it again.

import { spawn } from 'node:child_process';
import { openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { suite } from '../lib/harness.mjs';
import { check, cli, closeApp, env, equal, openApp, randomAlnum, until } from '../lib/app.mjs';

const driver = env.drivers.notify;
const LOG = join(env.work, 'notify-monitor.log');

/** dbus-monitor on the session bus, writing every Notify call to LOG; returns a stopper. */
async function monitor() {
  const out = openSync(LOG, 'w');
  const child = spawn(
    'dbus-monitor',
    ['--session', "type='method_call',interface='org.freedesktop.Notifications',member='Notify'"],
    { stdio: ['ignore', out, 'ignore'] },
  );
  // dbus-monitor prints its own NameAcquired signal once it is listening.
  await until(() => readFileSync(LOG, 'utf8').length > 0, { timeout: 5_000, message: 'dbus-monitor never started' });
  return () => child.kill('SIGTERM');
}

/** How many Notify calls carried `needle` (in the summary or body strings). */
function notifyCalls(needle) {
  const calls = readFileSync(LOG, 'utf8').split(/\nmethod call /).filter((c) => /member=Notify/.test(c));
  return calls.filter((c) => c.includes(needle));
}

suite(
  'Expiry reminders (real notification server, dbus-monitor)',
  {
    before: async () => ({ stop: await monitor(), browser: await openApp(driver) }),
    after: async (ctx) => {
      ctx?.stop?.();
      await closeApp(ctx?.browser, driver);
    },
  },
  (test) => {
    const name = `remind-${randomAlnum(6).toLowerCase()}`;

    test('a token added from the CLI while the app runs gets one notification, on time', async () => {
      const added = Date.now();
      await cli(
        driver,
        ['add', '--name', name, '--expires', '90s', '--remind', '60s', '--json'],
        `ghp_${randomAlnum(36)}`,
      );
      // Due 30 s after the add; the watcher wakes on the CLI's write and sleeps until then.
      await until(() => notifyCalls(name).length > 0, {
        timeout: 45_000,
        interval: 250,
        message: `no Notify call named ${name} reached the notification server`,
      });
      const secs = (Date.now() - added) / 1000;
      check(secs >= 25, `the reminder came ${secs.toFixed(1)} s after the add, before it was due (30 s)`);
      const [call] = notifyCalls(name);
      check(
        new RegExp(`GitHub / ${name} expires in (1 min|under a minute)`).test(call),
        `the notification does not name the token and say when:\n${call}`,
      );
      check(/string "Tokenkeeper"/.test(call), `the notification is not from Tokenkeeper:\n${call}`);
      check(/string "open"/.test(call), `the notification has no "Open" action:\n${call}`);
      // A few seconds more: still one.
      await new Promise((r) => setTimeout(r, 3_000));
      equal(notifyCalls(name).length, 1, `the reminder was sent more than once`);
      const shown = JSON.parse(await cli(driver, ['show', name, '--json']));
      const notified = shown.events.filter((e) => e.kind === 'notified');
      equal(notified.length, 1, 'the token has not exactly one "notified" event');
    });

    test('a restarted app does not repeat it', async (ctx) => {
      await closeApp(ctx.browser, driver);
      ctx.browser = await openApp(driver);
      // The first pass runs at start; give it time to (wrongly) send.
      await new Promise((r) => setTimeout(r, 5_000));
      equal(notifyCalls(name).length, 1, 'the restarted app sent the reminder again');
    });
  },
);
