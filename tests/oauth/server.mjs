// A real OpenID Connect provider (npm oidc-provider) on 127.0.0.1 for Tokenkeeper's tests, with an
// admin API on the same origin for request counts, injected faults and a mix-up (RFC 9207) rewrite.
//
//   node tests/oauth/server.mjs [--port N] [--ignore-stdin]
//
// stdout carries exactly one line, {"issuer":…,"admin":…}, once the provider is listening; all other
// output (including the provider's own NOTICE lines) goes to stderr. The process exits on SIGTERM,
// SIGINT, and when stdin reaches EOF, so a test runner that dies never leaves it behind.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';

import Provider, { errors } from 'oidc-provider';

// Keep a private handle on stdout for the ready line, then point stdout at stderr: oidc-provider
// prints NOTICE lines with console.info, and a test reading our stdout must see only the JSON line.
const stdoutWrite = process.stdout.write.bind(process.stdout);
process.stdout.write = process.stderr.write.bind(process.stderr);

const API = 'urn:tokenkeeper:api';
const API_SCOPE = 'api:read api:write';
const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
const LOOPBACK_REDIRECT = 'http://127.0.0.1/callback'; // native client: any port is accepted

function fail(message) {
  console.error(`server.mjs: ${message}`);
  process.exit(2);
}

function ttlFromEnv(name, fallback) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^[1-9][0-9]*$/.test(raw)) fail(`${name} must be a positive number of seconds, got ${JSON.stringify(raw)}`);
  return Number(raw);
}

const ACCESS_TTL = ttlFromEnv('TK_OIDC_ACCESS_TTL', 3600);
const REFRESH_TTL = ttlFromEnv('TK_OIDC_REFRESH_TTL', 14 * 24 * 3600);
const ID_TTL = ttlFromEnv('TK_OIDC_ID_TTL', 3600);
const DEVICE_TTL = ttlFromEnv('TK_OIDC_DEVICE_TTL', 600);
// A grant or session that ends before its refresh token would silently kill that token.
const GRANT_TTL = Math.max(REFRESH_TTL, ACCESS_TTL, 14 * 24 * 3600);

const args = process.argv.slice(2);
let port = 0;
let watchStdin = true;
for (let i = 0; i < args.length; i += 1) {
  if (args[i] === '--port') {
    port = Number(args[(i += 1)]);
    if (!Number.isInteger(port) || port < 0 || port > 65535) fail('--port needs a number 0-65535');
  } else if (args[i] === '--ignore-stdin') {
    watchStdin = false; // for running it by hand in the background (stdin is /dev/null there)
  } else {
    fail(`unknown argument ${args[i]}`);
  }
}

// One RS256 key for the whole process, so tokens verify against the same JWKS until we exit.
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingKey = { ...privateKey.export({ format: 'jwk' }), kid: `tk-${randomBytes(4).toString('hex')}`, alg: 'RS256', use: 'sig' };

const configuration = {
  clients: [
    {
      client_id: 'tk-public',
      application_type: 'native',
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code', 'refresh_token', DEVICE_GRANT],
      response_types: ['code'],
      redirect_uris: [LOOPBACK_REDIRECT],
      // No `scope` metadata on purpose: listing api:read/api:write here is invalid_client_metadata.
    },
    {
      client_id: 'tk-confidential',
      // Needs form-urlencoding before base64 in HTTP Basic (RFC 6749 §2.3.1): + / : % & =
      client_secret: 'p+ss/w:rd%&=',
      application_type: 'native',
      token_endpoint_auth_method: 'client_secret_basic',
      grant_types: ['client_credentials', 'authorization_code', 'refresh_token', DEVICE_GRANT],
      response_types: ['code'],
      redirect_uris: [LOOPBACK_REDIRECT],
    },
  ],
  jwks: { keys: [signingKey] },
  cookies: { keys: [randomBytes(32).toString('hex')] },
  scopes: ['openid', 'offline_access', 'profile', 'email'],
  claims: { openid: ['sub'], profile: ['name'], email: ['email', 'email_verified'] },
  responseTypes: ['code'],
  clockTolerance: 0, // tokens die exactly at exp, so expiry tests are exact
  rotateRefreshToken: true,
  // The stock policy, spelled out: a refresh token needs offline_access granted. At /auth that
  // only survives with prompt=consent; the device flow grants it without a prompt.
  issueRefreshToken: async (ctx, client, code) => client.grantTypeAllowed('refresh_token') && code.scopes.has('offline_access'),
  ttl: {
    AccessToken: (ctx, token) => token.resourceServer?.accessTokenTTL ?? ACCESS_TTL,
    ClientCredentials: (ctx, token) => token.resourceServer?.accessTokenTTL ?? ACCESS_TTL,
    RefreshToken: REFRESH_TTL,
    IdToken: ID_TTL,
    DeviceCode: DEVICE_TTL,
    AuthorizationCode: 60,
    Interaction: 3600,
    Session: GRANT_TTL,
    Grant: GRANT_TTL,
  },
  async findAccount(ctx, sub) {
    // devInteractions accepts any login name with any password; the login name is the subject.
    return {
      accountId: sub,
      async claims() {
        return { sub, name: sub, email: `${sub}@example.test`, email_verified: true };
      },
    };
  },
  features: {
    devInteractions: { enabled: true },
    deviceFlow: { enabled: true },
    revocation: { enabled: true },
    introspection: {
      enabled: true,
      // Confidential clients may inspect any token, public ones only their own.
      allowedPolicy: async (ctx, client, token) => client.clientAuthMethod !== 'none' || token.clientId === client.clientId,
    },
    clientCredentials: { enabled: true },
    resourceIndicators: {
      enabled: true,
      // Only client_credentials gets the API by default; code and device flows without
      // resource= get opaque tokens, which (unlike JWTs) can be revoked and introspected.
      async defaultResource(ctx, client, oneOf) {
        if (oneOf) return oneOf;
        if (ctx.oidc.route === 'token' && ctx.oidc.params.grant_type === 'client_credentials') return API;
        return undefined;
      },
      // A grant that was given the API at /auth keeps getting API JWTs at /token and on refresh
      // even when the client leaves resource= out there, so a refresh never changes token format.
      useGrantedResource: async () => true,
      async getResourceServerInfo(ctx, indicator) {
        if (indicator !== API) throw new errors.InvalidTarget();
        return {
          scope: API_SCOPE,
          audience: API,
          accessTokenFormat: 'jwt',
          accessTokenTTL: ACCESS_TTL,
          jwt: { sign: { alg: 'RS256' } },
        };
      },
    },
  },
};

// ---- state behind the admin API ----
const GRANT_TYPES = ['authorization_code', 'refresh_token', 'client_credentials', DEVICE_GRANT];
// slow_down and expired_token answer a device-flow poll as RFC 8628 §3.5 says a server may.
const FAULT_MODES = new Set(['503', '500', '429', 'timeout', 'drop', 'slow_down', 'expired_token']);
let counts;
let faults; // [{ path, mode, retry_after, times }], first match wins
let mixupIss; // undefined: off; string: the next authorization response gets this iss ('' removes it)
let lastTokenRequest = null;
let tokenTimes = []; // when each request to the token endpoint arrived (ms), faults included

function reset() {
  counts = {
    token: Object.fromEntries(GRANT_TYPES.map((g) => [g, 0])),
    token_total: 0,
    revocation: 0,
    introspection: 0,
    device_authorization: 0,
    auth: 0,
    auth_resume: 0,
    interaction: 0,
    device_verification: 0,
    userinfo: 0,
    jwks: 0,
    discovery: 0,
    other: 0,
    callback: 0, // authorization responses redirected to a loopback redirect_uri
    callback_iss_rewritten: 0, // of those, how many the mix-up rewrite changed
    faults_served: {}, // by path; these requests never reached the provider
    faults_served_total: 0,
  };
  faults = [];
  mixupIss = undefined;
  lastTokenRequest = null;
  tokenTimes = [];
}
reset();

// Endpoint paths, filled from the provider's own discovery document once it listens.
const endpointByPath = new Map();
let verificationPath = '/device';

function endpointOf(path) {
  const known = endpointByPath.get(path);
  if (known) return known;
  if (path.startsWith('/interaction/')) return 'interaction';
  if (path === verificationPath || path.startsWith(`${verificationPath}/`)) return 'device_verification';
  const authPath = [...endpointByPath].find(([, name]) => name === 'auth')?.[0];
  if (authPath && path.startsWith(`${authPath}/`)) return 'auth_resume';
  return 'other';
}

async function readJson(req) {
  let text = '';
  for await (const chunk of req) text += chunk;
  return text.trim() === '' ? {} : JSON.parse(text);
}

async function admin(ctx, sub) {
  const route = `${ctx.method} ${sub}`;
  if (route === 'GET /counts') {
    ctx.body = counts;
  } else if (route === 'POST /reset') {
    reset();
    ctx.body = { ok: true };
  } else if (route === 'POST /fault') {
    const f = await readJson(ctx.req);
    const times = f.times ?? 1;
    const retryAfter = f.retry_after ?? 1;
    if (typeof f.path !== 'string' || !f.path.startsWith('/')) ctx.throw(400, 'path must start with /');
    if (!FAULT_MODES.has(String(f.mode))) ctx.throw(400, `mode must be one of ${[...FAULT_MODES].join(', ')}`);
    if (!Number.isInteger(times) || times < 1) ctx.throw(400, 'times must be a positive integer');
    if (!Number.isInteger(retryAfter) || retryAfter < 0) ctx.throw(400, 'retry_after must be a non-negative integer');
    faults.push({ path: f.path, mode: String(f.mode), retry_after: retryAfter, times });
    ctx.body = { ok: true, faults };
  } else if (route === 'POST /mixup') {
    const { iss } = await readJson(ctx.req);
    if (iss !== null && typeof iss !== 'string') ctx.throw(400, 'iss must be a string or null');
    mixupIss = iss ?? undefined;
    ctx.body = { ok: true, iss: mixupIss ?? null };
  } else if (route === 'GET /token_times') {
    ctx.body = tokenTimes;
  } else if (route === 'GET /last_token_request') {
    ctx.body = lastTokenRequest;
  } else {
    ctx.throw(404, 'unknown admin route');
  }
}

// Serves an injected fault instead of the provider. Returns a word for the request log.
function serveFault(ctx, fault) {
  counts.faults_served[ctx.path] = (counts.faults_served[ctx.path] ?? 0) + 1;
  counts.faults_served_total += 1;
  switch (fault.mode) {
    case 'timeout':
      // Never answer: Koa leaves the response alone and the socket stays open until the client
      // gives up (or the server shuts down). Drain the body so Node sees a complete request.
      ctx.respond = false;
      ctx.req.resume();
      return 'held (timeout fault)';
    case 'drop':
      ctx.respond = false;
      ctx.req.socket.destroy();
      return 'dropped (drop fault)';
    case 'slow_down':
    case 'expired_token':
      ctx.status = 400;
      ctx.body = { error: fault.mode, error_description: 'injected fault' };
      return `400 ${fault.mode} (fault)`;
    case '500':
      ctx.status = 500;
      ctx.body = { error: 'server_error', error_description: 'injected fault' };
      return '500 (fault)';
    default: // '503' and '429'
      ctx.status = Number(fault.mode);
      ctx.set('Retry-After', String(fault.retry_after));
      ctx.body = { error: 'temporarily_unavailable', error_description: 'injected fault' };
      return `${fault.mode} (fault)`;
  }
}

// After the provider answered /token: count the grant type and remember the field names (only
// names, and grant_type's value: the other values are codes, verifiers, tokens and secrets).
function recordToken(ctx) {
  const body = ctx.oidc?.body;
  const grantType = typeof body?.grant_type === 'string' ? body.grant_type : '(missing)';
  counts.token[grantType] = (counts.token[grantType] ?? 0) + 1;
  counts.token_total += 1;
  const authz = ctx.get('authorization');
  lastTokenRequest = {
    grant_type: grantType,
    fields: body ? Object.keys(body).sort() : [],
    authorization_scheme: authz ? authz.split(' ')[0] : null,
    status: ctx.status,
  };
}

// An authorization response is a redirect to the client's loopback redirect_uri carrying iss
// (which oidc-provider always adds). The mix-up test swaps that iss once.
function recordAuthorizationResponse(ctx, issuerOrigin) {
  if (ctx.status < 300 || ctx.status > 399) return;
  const location = ctx.response.get('Location');
  if (!location) return;
  const target = new URL(location, issuerOrigin);
  if (target.origin === issuerOrigin || !target.searchParams.has('iss')) return;
  counts.callback += 1;
  if (mixupIss === undefined) return;
  if (mixupIss === '') target.searchParams.delete('iss');
  else target.searchParams.set('iss', mixupIss);
  mixupIss = undefined; // one-shot
  counts.callback_iss_rewritten += 1;
  ctx.set('Location', target.href);
}

function harness(issuerOrigin) {
  return async function harnessMiddleware(ctx, next) {
    let outcome;
    try {
      if (ctx.path === '/__admin' || ctx.path.startsWith('/__admin/')) {
        try {
          await admin(ctx, ctx.path.slice('/__admin'.length) || '/');
        } catch (err) {
          ctx.status = err.status ?? 400; // bad JSON lands here too
          ctx.body = { error: err.message };
        }
        return;
      }
      if (endpointByPath.get(ctx.path) === 'token') tokenTimes.push(Date.now());
      const fault = faults.find((f) => f.path === ctx.path && f.times > 0);
      if (fault) {
        fault.times -= 1;
        faults = faults.filter((f) => f.times > 0);
        outcome = serveFault(ctx, fault);
        return;
      }
      const endpoint = endpointOf(ctx.path);
      try {
        await next();
      } finally {
        if (endpoint === 'token') recordToken(ctx);
        else counts[endpoint] += 1;
      }
      if (endpoint === 'auth' || endpoint === 'auth_resume' || endpoint === 'interaction') {
        recordAuthorizationResponse(ctx, issuerOrigin);
      }
    } finally {
      // Path only: query strings and bodies carry codes and tokens.
      console.error(`${ctx.method} ${ctx.path} ${outcome ?? ctx.status}`);
    }
  };
}

// Listen first (the issuer needs the port), then build the provider and hand it the requests;
// nobody knows the port before the ready line, so no request can arrive in between.
let handler = (req, res) => { res.statusCode = 503; res.end(); };
const server = createServer((req, res) => handler(req, res));
await new Promise((resolve, reject) => {
  server.once('error', reject);
  server.listen(port, '127.0.0.1', resolve);
});
const issuer = `http://127.0.0.1:${server.address().port}`;

const provider = new Provider(issuer, configuration);
provider.on('server_error', (ctx, err) => console.error(`server_error on ${ctx.path}:`, err));
provider.use(harness(issuer));
handler = provider.callback();

// Learn the mounted endpoint paths from the discovery document, so counting follows the provider.
const discovery = await (await fetch(`${issuer}/.well-known/openid-configuration`)).json();
const names = {
  authorization_endpoint: 'auth',
  token_endpoint: 'token',
  revocation_endpoint: 'revocation',
  introspection_endpoint: 'introspection',
  device_authorization_endpoint: 'device_authorization',
  userinfo_endpoint: 'userinfo',
  jwks_uri: 'jwks',
};
for (const [key, name] of Object.entries(names)) {
  if (!discovery[key]) fail(`discovery document has no ${key}`);
  endpointByPath.set(new URL(discovery[key]).pathname, name);
}
endpointByPath.set('/.well-known/openid-configuration', 'discovery');
verificationPath = new URL(provider.urlFor('code_verification')).pathname;
reset(); // forget our own discovery request

let stopping = false;
function shutdown(why) {
  if (stopping) return;
  stopping = true;
  console.error(`server.mjs: stopping (${why})`);
  server.close(() => process.exit(0));
  server.closeAllConnections(); // includes sockets held by a timeout fault
  setTimeout(() => process.exit(0), 1000).unref();
}
process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));
if (watchStdin) {
  process.stdin.on('end', () => shutdown('stdin closed'));
  process.stdin.on('error', () => shutdown('stdin error'));
  process.stdin.resume();
}

stdoutWrite(`${JSON.stringify({ issuer, admin: `${issuer}/__admin` })}\n`);
