// Helpers around the real app: WebDriver sessions through tauri-driver, the real CLI for
// seeding, and the desktop tools (xclip, secret-tool) a user's session has.

import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, readlinkSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { remote } from 'webdriverio';

/** What run.sh started: one tauri-driver per app environment, with its env and log file. */
export const env = {
  root: must('TK_E2E_ROOT'),
  app: must('TK_E2E_APP'),
  cli: must('TK_E2E_CLI'),
  work: must('TK_E2E_WORK'),
  drivers: JSON.parse(must('TK_E2E_DRIVERS')),
};

function must(name) {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: start the tests with tests/e2e/run.sh`);
  return v;
}

export class AssertionError extends Error {}

/** Fails with `message` (what a user would see go wrong) unless `cond` holds. */
export function check(cond, message) {
  if (!cond) throw new AssertionError(message);
}

export function equal(actual, expected, message) {
  if (actual !== expected) {
    throw new AssertionError(`${message}\n      expected: ${JSON.stringify(expected)}\n      actual:   ${JSON.stringify(actual)}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Processes

/** Runs a command with a time limit; resolves { code, stdout, stderr } (never rejects on exit). */
export function run(cmd, args, { input, env: extra, timeout = 15_000 } = {}) {
  return new Promise((resolve, reject) => {
    const child = execFile(
      cmd,
      args,
      { env: { ...process.env, ...extra }, timeout, maxBuffer: 16 * 1024 * 1024, killSignal: 'SIGKILL' },
      (err, stdout, stderr) => {
        if (err && err.killed) reject(new Error(`${cmd} ${args.join(' ')} did not finish within ${timeout / 1000} s`));
        else if (err && typeof err.code !== 'number') reject(err);
        else resolve({ code: err ? err.code : 0, stdout, stderr });
      },
    );
    if (input !== undefined) child.stdin.end(input);
  });
}

/** The real `tokenkeeper` CLI against one driver's data folder and keyring service. */
export async function cli(driver, args, input) {
  const r = await run(env.cli, args, {
    input,
    env: { TOKENKEEPER_HOME: driver.home, TOKENKEEPER_KEYRING_SERVICE: driver.service },
  });
  if (r.code !== 0) throw new Error(`tokenkeeper ${args.join(' ')} failed (${r.code}): ${r.stderr.trim()}`);
  return r.stdout;
}

/** Adds a token through the CLI (secret on stdin, as a script would) and returns its metadata. */
export async function seed(driver, { name, secret, provider, expires, scopes, tags, account }) {
  const args = ['add', '--name', name, '--json'];
  if (provider) args.push('--provider', provider);
  if (expires) args.push('--expires', expires);
  if (scopes) args.push('--scopes', scopes);
  if (account) args.push('--account', account);
  for (const t of tags ?? []) args.push('--tag', t);
  return JSON.parse(await cli(driver, args, secret));
}

/** The clipboard as another program reads it: { ok, text }. */
export async function readClipboard(target) {
  const args = ['-o', '-selection', 'clipboard'];
  if (target) args.push('-t', target);
  const r = await run('xclip', args, { timeout: 5_000 });
  return { ok: r.code === 0, text: r.stdout };
}

/** Puts `text` on the clipboard as a separate program would before a paste; call stop() after. */
export function offerClipboard(text) {
  const child = spawn('xclip', ['-i', '-selection', 'clipboard', '-quiet'], { stdio: ['pipe', 'ignore', 'ignore'] });
  child.stdin.end(text);
  const exited = new Promise((resolve) => child.once('exit', resolve));
  // Resolves once xclip is gone, so the clipboard no longer holds `text` for the next step.
  return {
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Every keyring item stored under `service`, as secret-tool prints them. */
export async function keyringItems(service) {
  const r = await run('secret-tool', ['search', '--all', service === undefined ? '' : 'service', service ?? '']);
  return `${r.stdout}\n${r.stderr}`;
}

/** Pids of every process under `pid` (children, grandchildren…). */
export function descendants(pid) {
  const children = new Map();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (!children.has(ppid)) children.set(ppid, []);
      children.get(ppid).push(Number(d));
    } catch {
      // The process ended while we looked.
    }
  }
  const out = [];
  const todo = [...(children.get(pid) ?? [])];
  while (todo.length) {
    const p = todo.pop();
    out.push(p);
    todo.push(...(children.get(p) ?? []));
  }
  return out;
}

/** Pids of the app processes one driver started. */
export function appPids(driver) {
  return descendants(driver.pid).filter((p) => {
    try {
      return readlinkSync(`/proc/${p}/exe`) === env.app;
    } catch {
      return false;
    }
  });
}

/** The D-Bus name tauri-plugin-single-instance holds while an app runs (the bundle identifier). */
export const SINGLE_INSTANCE_NAME = 'dev.tokenkeeper.app.SingleInstance';

async function singleInstanceTaken(driver) {
  const r = await run(
    'dbus-send',
    [
      `--bus=${driver.bus}`,
      '--print-reply',
      '--dest=org.freedesktop.DBus',
      '/org/freedesktop/DBus',
      'org.freedesktop.DBus.NameHasOwner',
      `string:${SINGLE_INSTANCE_NAME}`,
    ],
    { timeout: 5_000 },
  );
  if (r.code !== 0) throw new Error(`dbus-send could not ask the bus ${driver.bus} about ${SINGLE_INSTANCE_NAME}: ${r.stderr}`);
  return /boolean true/.test(r.stdout);
}

export async function until(cond, { timeout = 10_000, interval = 100, message }) {
  const end = Date.now() + timeout;
  for (;;) {
    const v = await cond();
    if (v) return v;
    if (Date.now() > end) {
      const what = typeof message === 'function' ? message() : message;
      throw new AssertionError(`${what} (waited ${timeout / 1000} s)`);
    }
    await new Promise((r) => setTimeout(r, interval));
  }
}

// ---------------------------------------------------------------------------------------------
// Tokens

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export function randomAlnum(n) {
  const bytes = randomBytes(n);
  return Array.from(bytes, (b) => ALNUM[b % ALNUM.length]).join('');
}

const b64url = (v) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');

/** An HS256-shaped JWT with the given claims; the signature is random (never verified here). */
export function makeJwt(claims, header = { alg: 'HS256', typ: 'JWT' }) {
  return `${b64url(header)}.${b64url(claims)}.${randomBytes(32).toString('base64url')}`;
}

export const nowSecs = () => Math.floor(Date.now() / 1000);

// ---------------------------------------------------------------------------------------------
// The app over WebDriver

/**
 * Starts the app through one tauri-driver and waits until the UI says the first token list is
 * painted (`body[data-ready=true]`).
 */
export async function openApp(driver) {
  // The app is single-instance per D-Bus session: a previous one must be gone first.
  await until(() => appPids(driver).length === 0, {
    timeout: 15_000,
    message: 'a previous Tokenkeeper window was still running, so a new one would only focus it',
  });
  // The bus frees the single-instance name only once it notices the old app's connection is
  // gone; on a busy machine that is after the process has exited, and a new app that still
  // finds the name taken hands over to the dead one and quits.
  await until(async () => !(await singleInstanceTaken(driver)), {
    timeout: 15_000,
    message: `the D-Bus name ${SINGLE_INSTANCE_NAME} stayed taken after the previous app exited`,
  });
  const browser = await remote({
    hostname: '127.0.0.1',
    port: driver.port,
    logLevel: 'error',
    connectionRetryTimeout: 60_000,
    connectionRetryCount: 0,
    capabilities: {
      'tauri:options': { application: env.app },
      'wdio:enforceWebDriverClassic': true,
    },
  });
  try {
    await browser.waitUntil(async () => (await browser.execute(() => document.body.dataset.ready)) === 'true', {
      timeout: 20_000,
      interval: 50,
      timeoutMsg: 'the window never finished painting its token list (body[data-ready] stayed unset)',
    });
  } catch (err) {
    await closeApp(browser, driver).catch(() => {});
    throw err;
  }
  return browser;
}

/** Ends the WebDriver session (which closes the app) and waits for the app to exit. */
export async function closeApp(browser, driver) {
  if (!browser) return;
  try {
    await browser.deleteSession();
  } finally {
    await until(() => appPids(driver).length === 0, {
      timeout: 15_000,
      message: 'Tokenkeeper did not exit after its window was closed',
    });
  }
}

export const sel = (testid) => `[data-testid="${testid}"]`;

/** The rows the list shows now: id, name, provider, kind, status and countdown text. */
export function listRows(browser) {
  return browser.execute(() =>
    Array.from(document.querySelectorAll('[data-testid="token-row"]'), (r) => ({
      id: r.dataset.tokenId,
      name: r.querySelector('[data-testid="row-name"]')?.textContent.trim(),
      provider: r.querySelector('[data-testid="row-provider"]')?.textContent.trim(),
      kind: r.querySelector('[data-testid="row-provider"]')?.nextElementSibling?.nextElementSibling?.textContent.trim(),
      status: r.dataset.status,
      countdown: r.querySelector('[data-testid="row-countdown"]')?.textContent.trim(),
    })),
  );
}

export async function rowByName(browser, name, { timeout = 10_000 } = {}) {
  return until(async () => (await listRows(browser)).find((r) => r.name === name), {
    timeout,
    message: `the list never showed a token named "${name}"`,
  });
}

/** Clicks a row (selects it) and waits for its detail pane. */
export async function openToken(browser, id) {
  await (await browser.$(`[data-testid="token-row"][data-token-id="${id}"]`)).click();
  await until(
    async () =>
      browser.execute(
        (tid) => document.querySelector('[data-testid="detail"]')?.dataset.tokenId === tid,
        id,
      ),
    { timeout: 5_000, message: 'clicking the row did not open its details on the right' },
  );
}

export async function text(browser, selector) {
  return browser.execute((s) => document.querySelector(s)?.textContent.trim() ?? null, selector);
}

/** The message of the toast at the bottom of the window (without its dismiss button), or null. */
export async function toastText(browser) {
  return text(browser, '[data-testid="toast"] > span');
}

export async function exists(browser, selector) {
  return browser.execute((s) => document.querySelector(s) !== null, selector);
}

export async function waitGone(browser, selector, message, timeout = 5_000) {
  await until(async () => !(await exists(browser, selector)), { timeout, message });
}

export async function waitShown(browser, selector, message, timeout = 5_000) {
  await until(async () => exists(browser, selector), { timeout, message });
}

/** Saves a screenshot of the window's page as a PNG file. */
export async function screenshot(browser, path) {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, Buffer.from(await browser.takeScreenshot(), 'base64'));
}

/** The core's countdown words as seconds left: "in 59:58" → 3598; "in 4h 12m", "in 3d 4h" (coarse). */
export function countdownSeconds(s) {
  let m = /^in (\d+):(\d\d)$/.exec(s ?? '');
  if (m) return Number(m[1]) * 60 + Number(m[2]);
  m = /^in (\d+)h (\d+)m$/.exec(s ?? '');
  if (m) return Number(m[1]) * 3600 + Number(m[2]) * 60;
  m = /^in (\d+)d (\d+)h$/.exec(s ?? '');
  if (m) return Number(m[1]) * 86400 + Number(m[2]) * 3600;
  return null;
}
