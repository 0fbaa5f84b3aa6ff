// Self-test of the harness: starts server.mjs, runs every flow Tokenkeeper's tests rely on with
// plain fetch plus browser.mjs, and checks the admin API. `node tests/oauth/smoke.mjs`; exit 0 = ok.
import { spawn } from 'node:child_process';
import { createHash, createPublicKey, randomBytes, verify } from 'node:crypto';
import { createServer } from 'node:http';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

import { playCode, playDevice } from './browser.mjs';

const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
const b64url = (buf) => Buffer.from(buf).toString('base64url');
const jwtPart = (jwt, i) => JSON.parse(Buffer.from(jwt.split('.')[i], 'base64url'));
const formEncode = (s) => new URLSearchParams({ s }).toString().slice(2);
// RFC 6749 §2.3.1: id and secret are form-urlencoded before they are joined and base64'd.
const basic = (id, secret) => `Basic ${Buffer.from(`${formEncode(id)}:${formEncode(secret)}`).toString('base64')}`;

let checks = 0;
function check(ok, what) {
  if (!ok) throw new Error(`FAILED: ${what}`);
  checks += 1;
  console.log(`ok ${checks} - ${what}`);
}

// The server's stderr is kept quiet unless something fails.
const serverLog = [];
const server = spawn(process.execPath, [fileURLToPath(new URL('./server.mjs', import.meta.url))], {
  stdio: ['pipe', 'pipe', 'pipe'],
});
server.stderr.on('data', (d) => serverLog.push(d));
const ready = await new Promise((resolve, reject) => {
  createInterface({ input: server.stdout }).once('line', (line) => resolve(JSON.parse(line)));
  server.once('exit', (code) => reject(new Error(`server.mjs exited early (${code})`)));
});
const { issuer, admin } = ready;
const t0 = Date.now();
const disco = await (await fetch(`${issuer}/.well-known/openid-configuration`)).json();

// The app's one-shot loopback listener, reduced to "record the URL and say ok".
const callbacks = [];
const listener = createServer((req, res) => {
  callbacks.push(req.url);
  res.end('signed in, you can close this tab');
});
await new Promise((resolve) => listener.listen(0, '127.0.0.1', resolve));
const redirectUri = `http://127.0.0.1:${listener.address().port}/callback`;

const post = async (url, fields, headers = {}) => {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(fields),
  });
  return { status: res.status, headers: res.headers, json: await res.json().catch(() => null) };
};
const adminPost = (path, body) => fetch(`${admin}${path}`, { method: 'POST', body: JSON.stringify(body) }).then((r) => r.json());
const counts = () => fetch(`${admin}/counts`).then((r) => r.json());
const confidential = { authorization: basic('tk-confidential', 'p+ss/w:rd%&=') };
const introspect = (token) => post(disco.introspection_endpoint, { token }, confidential);

function authUrl(extra = {}) {
  const verifier = b64url(randomBytes(32));
  const params = new URLSearchParams({
    client_id: 'tk-public',
    response_type: 'code',
    redirect_uri: redirectUri,
    scope: 'openid offline_access profile',
    prompt: 'consent', // without it oidc-provider silently drops offline_access
    state: b64url(randomBytes(8)),
    nonce: b64url(randomBytes(8)),
    code_challenge: b64url(createHash('sha256').update(verifier).digest()),
    code_challenge_method: 'S256',
    ...extra,
  });
  return { url: `${disco.authorization_endpoint}?${params}`, verifier, state: params.get('state') };
}

try {
  check(['authorization_endpoint', 'token_endpoint', 'revocation_endpoint', 'introspection_endpoint',
    'device_authorization_endpoint', 'jwks_uri'].every((k) => disco[k]?.startsWith(issuer))
    && disco.issuer === issuer, 'discovery lists every endpoint under the issuer');
  check(disco.code_challenge_methods_supported.join() === 'S256' && disco.authorization_response_iss_parameter_supported,
    'discovery: PKCE S256 only, RFC 9207 iss supported');

  // --- authorization code + PKCE through the browser
  const a = authUrl();
  const played = await playCode(a.url, { login: 'alice' });
  const cb = new URL(played.callback);
  check(played.status === 200 && callbacks.length === 1 && cb.searchParams.get('code'),
    'code flow: browser reached the loopback listener with a code');
  check(cb.searchParams.get('state') === a.state && cb.searchParams.get('iss') === issuer,
    'code flow: callback carries our state and iss = issuer');
  const code = await post(disco.token_endpoint, {
    grant_type: 'authorization_code', code: cb.searchParams.get('code'), redirect_uri: redirectUri,
    client_id: 'tk-public', code_verifier: a.verifier,
  });
  const tokens = code.json;
  check(code.status === 200 && tokens.access_token && tokens.refresh_token && tokens.id_token,
    'code exchange: access, refresh and id token');
  check(jwtPart(tokens.id_token, 1).sub === 'alice' && !tokens.access_token.includes('.'),
    'code exchange: id token sub = alice, access token opaque (no resource asked)');
  const intro = await introspect(tokens.access_token);
  check(intro.json.active === true && intro.json.client_id === 'tk-public', 'introspection (tk-confidential): access token active');

  // --- refresh rotation; reuse kills the whole grant, so this grant is not used afterwards
  await adminPost('/reset', {});
  const r1 = await post(disco.token_endpoint, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token, client_id: 'tk-public' });
  check(r1.status === 200 && r1.json.refresh_token && r1.json.refresh_token !== tokens.refresh_token, 'refresh: rotated to a new refresh token');
  check((await counts()).token.refresh_token === 1, 'counts: exactly one refresh_token request');
  const reuse = await post(disco.token_endpoint, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token, client_id: 'tk-public' });
  check(reuse.status === 400 && reuse.json.error === 'invalid_grant', 'refresh: the old refresh token gives invalid_grant');
  check((await introspect(r1.json.refresh_token)).json.active === false, 'refresh: reuse revoked the new refresh token too');
  const c = await counts();
  check(c.token.refresh_token === 2 && c.token_total === 2 && c.introspection === 1, 'counts: refresh_token 2, token_total 2, introspection 1');

  // --- device flow: pending first, then the user approves in the browser
  const dev = await post(disco.device_authorization_endpoint, { client_id: 'tk-public', scope: 'openid offline_access' });
  check(dev.status === 200 && dev.json.user_code && dev.json.interval === undefined, 'device authorization: user code, no interval');
  const poll = () => post(disco.token_endpoint, { grant_type: DEVICE_GRANT, device_code: dev.json.device_code, client_id: 'tk-public' });
  check((await poll()).json.error === 'authorization_pending', 'device poll before approval: authorization_pending');
  check((await playDevice(dev.json.verification_uri, dev.json.user_code, { login: 'bob' })).ok, 'device: browser entered the code, logged in, consented');
  const devTokens = await poll();
  check(devTokens.status === 200 && devTokens.json.refresh_token && jwtPart(devTokens.json.id_token, 1).sub === 'bob', 'device poll after approval: tokens for bob');

  // --- revocation of an opaque refresh token, then introspection says exactly {"active":false}
  const rev = await post(disco.revocation_endpoint, { token: devTokens.json.refresh_token, token_type_hint: 'refresh_token', client_id: 'tk-public' });
  check(rev.status === 200, 'revocation of the device refresh token: 200');
  const gone = await introspect(devTokens.json.refresh_token);
  check(JSON.stringify(gone.json) === '{"active":false}', 'introspection after revocation: {"active":false}');

  // --- client credentials: a JWT for the API, signed by the key in the JWKS
  const cc = () => post(disco.token_endpoint, { grant_type: 'client_credentials', scope: 'api:read' }, confidential);
  const ccRes = await cc();
  const jwt = ccRes.json?.access_token ?? '';
  const header = jwt.split('.').length === 3 ? jwtPart(jwt, 0) : {};
  check(ccRes.status === 200 && header.typ === 'at+jwt', 'client_credentials (Basic, form-urlencoded secret): JWT with typ at+jwt');
  const claims = jwtPart(jwt, 1);
  const { keys } = await (await fetch(disco.jwks_uri)).json();
  const key = createPublicKey({ key: keys.find((k) => k.kid === header.kid), format: 'jwk' });
  const [h, p, s] = jwt.split('.');
  check(claims.aud === 'urn:tokenkeeper:api' && claims.scope === 'api:read'
    && verify('RSA-SHA256', Buffer.from(`${h}.${p}`), key, Buffer.from(s, 'base64url')),
  'client_credentials JWT: aud and scope right, RS256 signature verifies against the JWKS');
  const last = await (await fetch(`${admin}/last_token_request`)).json();
  check(last.grant_type === 'client_credentials' && last.authorization_scheme === 'Basic' && !JSON.stringify(last).includes('p+ss'),
    'last_token_request: field names and auth scheme, no secret');

  // --- faults
  await adminPost('/fault', { path: '/token', mode: '503', retry_after: 2, times: 1 });
  const f503 = await cc();
  check(f503.status === 503 && f503.headers.get('retry-after') === '2' && f503.json.error === 'temporarily_unavailable',
    'fault 503: status, Retry-After: 2, temporarily_unavailable');
  check((await cc()).status === 200, 'fault 503: the next request reaches the provider');
  await adminPost('/fault', { path: '/token', mode: 'drop' });
  check(await cc().then(() => false, () => true), 'fault drop: the connection is closed without an answer');
  await adminPost('/fault', { path: '/token', mode: 'timeout' });
  const held = await fetch(disco.token_endpoint, { method: 'POST', signal: AbortSignal.timeout(300) }).then(() => false, (e) => e.name === 'TimeoutError');
  check(held, 'fault timeout: no answer within the client deadline');
  const fc = await counts();
  check(fc.faults_served['/token'] === 3 && fc.faults_served_total === 3, 'counts: faults_served /token = 3');

  // --- mix-up: the next authorization response carries a foreign iss, the one after is normal again
  await adminPost('/mixup', { iss: 'http://127.0.0.1:1/evil' });
  const mixed = new URL((await playCode(authUrl().url, { callback: false })).callback);
  check(mixed.searchParams.get('iss') === 'http://127.0.0.1:1/evil' && mixed.searchParams.get('code'), 'mixup: callback iss rewritten');
  const normal = new URL((await playCode(authUrl().url, { callback: false })).callback);
  check(normal.searchParams.get('iss') === issuer && (await counts()).callback_iss_rewritten === 1, 'mixup: one-shot, next response has the real iss');

  check(Date.now() - t0 < 30000, `finished in ${Date.now() - t0} ms`);
  console.log(`${checks} passed, 0 failed`);
} catch (err) {
  console.error(err.stack);
  console.error('--- server.mjs stderr ---');
  console.error(Buffer.concat(serverLog).toString());
  console.log(`${checks} passed, 1 failed`);
  process.exitCode = 1;
} finally {
  listener.close();
  server.stdin.end(); // the server exits on stdin EOF
}
