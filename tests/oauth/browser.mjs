// Plays the user's browser against server.mjs (oidc-provider's devInteractions pages) with fetch
// and a tiny cookie jar, so tests can run authorization code and device flows without a browser.
//
//   node browser.mjs code AUTH_URL [--login alice] [--no-callback] [--deny]
//   node browser.mjs device VERIFICATION_URI USER_CODE [--login alice] [--deny]
//
// Prints one JSON line on stdout; exits non-zero with a message on stderr if the flow breaks.
import { pathToFileURL } from 'node:url';

const MAX_STEPS = 25;
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

// The provider's cookies are SameSite=Lax, HttpOnly and path-scoped (/interaction/<uid>,
// /auth/<uid>); all requests here are top-level navigations on one origin, so path and expiry
// are all a jar has to honour.
class CookieJar {
  #cookies = new Map(); // "name path" -> { name, value, path }

  store(setCookieHeaders, url) {
    for (const header of setCookieHeaders) {
      const [pair, ...attrs] = header.split(';').map((s) => s.trim());
      const eq = pair.indexOf('=');
      if (eq < 1) continue;
      const cookie = { name: pair.slice(0, eq), value: pair.slice(eq + 1), path: defaultPath(url) };
      let expired = false;
      for (const attr of attrs) {
        const [k, v = ''] = attr.split('=');
        const key = k.toLowerCase();
        if (key === 'path' && v.startsWith('/')) cookie.path = v;
        if (key === 'max-age' && Number(v) <= 0) expired = true;
        if (key === 'expires' && Date.parse(v) <= Date.now()) expired = true;
      }
      const id = `${cookie.name} ${cookie.path}`;
      if (expired) this.#cookies.delete(id);
      else this.#cookies.set(id, cookie);
    }
  }

  header(url) {
    const { pathname } = new URL(url);
    return [...this.#cookies.values()]
      .filter(({ path }) => pathname === path || (pathname.startsWith(path) && (path.endsWith('/') || pathname[path.length] === '/')))
      .map(({ name, value }) => `${name}=${value}`)
      .join('; ');
  }
}

function defaultPath(url) {
  const { pathname } = new URL(url);
  const slash = pathname.lastIndexOf('/');
  return slash > 0 ? pathname.slice(0, slash) : '/';
}

function decodeEntities(text) {
  return text.replace(/&(#x[0-9a-f]+|#[0-9]+|amp|lt|gt|quot|apos|#39);/gi, (_, e) => {
    const named = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }[e.toLowerCase()];
    if (named) return named;
    return String.fromCodePoint(e[1].toLowerCase() === 'x' ? parseInt(e.slice(2), 16) : Number(e.slice(1)));
  });
}

function attributes(tag) {
  const attrs = {};
  for (const m of tag.matchAll(/([a-zA-Z_:][-\w:.]*)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?/g)) {
    attrs[m[1].toLowerCase()] = decodeEntities(m[2] ?? m[3] ?? m[4] ?? '');
  }
  return attrs;
}

// Just enough HTML for the provider's own pages: forms with their inputs, links, and the title.
function parsePage(html) {
  const forms = [];
  for (const m of html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/gi)) {
    const attrs = attributes(m[1]);
    const fields = {};
    for (const input of m[2].matchAll(/<input\b([^>]*)>/gi)) {
      const a = attributes(input[1]);
      if (a.name) fields[a.name] = a.value ?? '';
    }
    forms.push({ id: attrs.id, action: attrs.action ?? '', method: (attrs.method ?? 'get').toLowerCase(), fields });
  }
  const links = [...html.matchAll(/<a\b([^>]*)>([\s\S]*?)<\/a>/gi)]
    .map((m) => ({ href: attributes(m[1]).href, text: m[2].replace(/<[^>]*>/g, '').trim() }));
  const title = html.match(/<title>([\s\S]*?)<\/title>/i)?.[1].trim() ?? '';
  return { forms, links, title };
}

// What a person would read on an error page, for the stderr message (the provider's error pages
// show error and error_description; no tokens are on them).
function pageText(html) {
  const body = html.replace(/<style[\s\S]*?<\/style>|<script[\s\S]*?<\/script>/gi, '');
  return decodeEntities(body.replace(/<[^>]*>/g, ' ')).replace(/\s+/g, ' ').trim().slice(0, 400);
}

class Browser {
  jar = new CookieJar();

  // One request, no redirect following: the 303s carry relative Locations and set cookies we
  // must keep, and the last one goes to the app's one-shot listener, which only the caller hits.
  async request(url, { form } = {}) {
    const headers = { cookie: this.jar.header(url) };
    const init = { redirect: 'manual', headers };
    if (form) {
      init.method = 'POST';
      init.body = new URLSearchParams(form).toString();
      headers['content-type'] = 'application/x-www-form-urlencoded';
    }
    let res;
    try {
      res = await fetch(url, init);
    } catch (err) {
      throw new Error(`${init.method ?? 'GET'} ${new URL(url).pathname} failed: ${err.cause?.message ?? err.message}`);
    }
    this.jar.store(res.headers.getSetCookie(), url);
    const location = res.headers.get('location');
    return {
      status: res.status,
      location: location ? new URL(location, url).href : null,
      html: await res.text(),
    };
  }
}

function isLoopbackCallback(target, providerOrigin) {
  const u = new URL(target);
  return u.origin !== providerOrigin && u.protocol === 'http:' && LOOPBACK_HOSTS.has(u.hostname);
}

// Walks redirects and pages from startUrl. `decide(page, url)` returns the next request
// ({ url, form }) for a page, or { done: value } to stop. Returns { callback } when a redirect
// leaves the provider for a loopback address (the authorization response), else the done value.
async function walk(startUrl, decide) {
  const browser = new Browser();
  const providerOrigin = new URL(startUrl).origin;
  let next = { url: startUrl };
  for (let step = 0; step < MAX_STEPS; step += 1) {
    const res = await browser.request(next.url, next);
    if (res.status >= 300 && res.status < 400 && res.location) {
      if (isLoopbackCallback(res.location, providerOrigin)) return { callback: res.location };
      next = { url: res.location };
      continue;
    }
    const where = new URL(next.url).pathname;
    if (res.status !== 200) throw new Error(`provider answered ${res.status} at ${where}: ${pageText(res.html)}`);
    const decision = decide(parsePage(res.html), next.url, res.html);
    if (decision.done !== undefined) return decision.done;
    if (!decision.url) throw new Error(`unexpected page at ${where}: ${pageText(res.html)}`);
    next = decision;
  }
  throw new Error(`gave up after ${MAX_STEPS} steps without reaching the end of the flow`);
}

// The devInteractions login and consent pages. With deny, follow the page's "[ Cancel ]" link at
// consent, which ends the interaction with access_denied.
function interact(page, url, { login, deny }) {
  const form = (prompt) => page.forms.find((f) => f.fields.prompt === prompt);
  const action = (f) => new URL(f.action, url).href;
  const login_ = form('login');
  if (login_) return { url: action(login_), form: { ...login_.fields, login, password: 'anything' } };
  const consent = form('consent');
  if (consent && deny) {
    const cancel = page.links.find((l) => /cancel/i.test(l.text));
    if (!cancel?.href) throw new Error('consent page has no Cancel link to deny with');
    return { url: new URL(cancel.href, url).href };
  }
  if (consent) return { url: action(consent), form: consent.fields };
  return {};
}

/**
 * Authorization code flow: from AUTH_URL to the authorization response at the loopback redirect.
 * opts: login (default 'alice'), callback (default true: GET the callback like the browser
 * would), deny (cancel at consent). Resolves to { callback } or { callback, status, headers, body }.
 */
export async function playCode(authUrl, { login = 'alice', callback = true, deny = false } = {}) {
  const result = await walk(authUrl, (page, url) => interact(page, url, { login, deny }));
  if (!result?.callback) throw new Error('flow ended without an authorization response');
  if (!callback) return { callback: result.callback };
  let res;
  try {
    res = await fetch(result.callback, { redirect: 'manual' });
  } catch (err) {
    throw new Error(`callback listener did not answer: ${err.cause?.message ?? err.message}`);
  }
  return {
    callback: result.callback,
    status: res.status,
    headers: Object.fromEntries(res.headers), // fetch already lowercases names
    body: await res.text(),
  };
}

/**
 * Device flow, the user's side: enter USER_CODE at VERIFICATION_URI, confirm, log in, consent.
 * opts: login (default 'alice'), deny (cancel at consent: the device then gets access_denied).
 * Resolves to { ok: true } once the provider shows its success page (or, with deny, any end page).
 */
export async function playDevice(verificationUri, userCode, { login = 'alice', deny = false } = {}) {
  let denied = false;
  let codeSubmitted = false;
  const result = await walk(verificationUri, (page, url, html) => {
    const byId = (id) => page.forms.find((f) => f.id === id);
    const input = byId('op.deviceInputForm');
    if (input && !denied) {
      // The provider shows this form again when it rejects the code.
      if (codeSubmitted) throw new Error(`user code rejected: ${pageText(html)}`);
      codeSubmitted = true;
      return { url: new URL(input.action, url).href, form: { ...input.fields, user_code: userCode } };
    }
    const confirm = byId('op.deviceConfirmForm');
    if (confirm) return { url: new URL(confirm.action, url).href, form: confirm.fields };
    const step = interact(page, url, { login, deny });
    if (step.url) {
      if (deny && !step.form) denied = true;
      return step;
    }
    if (denied) return { done: { ok: true, denied: true } };
    if (/success/i.test(page.title)) return { done: { ok: true } };
    return {};
  });
  if (result?.callback) throw new Error(`device flow unexpectedly redirected to ${new URL(result.callback).origin}`);
  return result;
}

async function main(argv) {
  const [mode, ...rest] = argv;
  const positional = [];
  const opts = {};
  for (let i = 0; i < rest.length; i += 1) {
    const a = rest[i];
    if (a === '--login') opts.login = rest[(i += 1)];
    else if (a === '--no-callback') opts.callback = false;
    else if (a === '--deny') opts.deny = true;
    else if (a.startsWith('--')) throw new Error(`unknown option ${a}`);
    else positional.push(a);
  }
  if (opts.login === undefined && rest.includes('--login')) throw new Error('--login needs a name');
  let out;
  if (mode === 'code' && positional.length === 1) {
    out = await playCode(positional[0], opts);
  } else if (mode === 'device' && positional.length === 2 && opts.callback === undefined) {
    out = await playDevice(positional[0], positional[1], opts);
  } else {
    throw new Error('usage: browser.mjs code AUTH_URL [--login NAME] [--no-callback] [--deny]\n'
      + '       browser.mjs device VERIFICATION_URI USER_CODE [--login NAME] [--deny]');
  }
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).catch((err) => {
    console.error(`browser.mjs: ${err.message}`);
    process.exit(1);
  });
}
