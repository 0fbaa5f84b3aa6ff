// The fake host's OAuth / OIDC side: provider profiles, sign-ins, refresh and introspection,
// over the vault of `fake-vault.ts`. The profiles start as fixtures/profiles.json (core's answer
// for the demo vault, with the flows core computed); a profile saved here gets the endpoints a
// fake issuer publishes under its own address, and the flows by core's `Flow::available` (an
// endpoint or a client secret per flow). A sign-in ends when a test says so (`finishLogin`), or
// by itself after `loginDelayMs` (the browser build). The fake server issues opaque tokens for an
// hour and refresh tokens for the profile's stated policy; when core would start "expiring soon"
// or refresh such a fresh token the fake cannot know, so it says less (no `soon_at`, no
// `refresh_at`). A refresh moves a token's instants along by how long ago it was issued, so the
// instants core computed keep their meaning. `fake.ts` adds revoking a sign-in.

import type { Can } from '../bindings/Can';
import type { Endpoints } from '../bindings/Endpoints';
import type { ErrorInfo } from '../bindings/ErrorInfo';
import type { Flow } from '../bindings/Flow';
import type { GrantInfo } from '../bindings/GrantInfo';
import type { Guide } from '../bindings/Guide';
import type { LoginFinished } from '../bindings/LoginFinished';
import type { LoginStarted } from '../bindings/LoginStarted';
import type { Profile } from '../bindings/Profile';
import type { ProfileInput } from '../bindings/ProfileInput';
import type { TokenKind } from '../bindings/TokenKind';
import { statusAt } from '../state/status';
import { Channel } from './fake-events';
import { iso, reject, type FakeOptions, type StoredToken } from './fake-store';
import { FakeVault } from './fake-vault';
import { DEMO, PROFILES } from './fixture-data';
import { toErrorInfo } from './types';

/** The user code the fake server hands out for the device flow. */
export const FAKE_USER_CODE = 'WDJB-MJHT';
/** How long the fake server's access tokens live (its `expires_in`). */
const ACCESS_LIFETIME_MS = 3_600_000;
/** How long the fake server waits for a sign-in (the shell's own wait for the code flow). */
const LOGIN_WAIT_MS = 600_000;

/** What the next refresh fails with: `provider` keeps the tokens (and may name the next try). */
export interface RefreshFailure {
  code: 'provider' | 'sign_in_again';
  detail: string;
  retry_at?: string | null;
}

/** A sign-in's two tokens (a client-credentials grant has no refresh token). */
export interface GrantPair {
  access: StoredToken;
  refresh: StoredToken | null;
}

interface PendingLogin {
  started: LoginStarted;
  profile: Profile;
  name: string | null;
  timer?: ReturnType<typeof setTimeout>;
}

/** An opaque token's inspection, as core answered it for the demo's sign-ins. */
const OPAQUE = DEMO.tokens.find((t) => t.detail.grant !== null)?.detail.inspection ?? null;
const BASE62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function randomSecret(): string {
  return [...crypto.getRandomValues(new Uint8Array(43))].map((b) => BASE62[b % BASE62.length]).join('');
}

/** What the fake issuer's discovery document says: every endpoint, under its own address. */
function discovered(issuer: string): Endpoints {
  return {
    authorization: `${issuer}/authorize`,
    token: `${issuer}/oauth/token`,
    device_authorization: `${issuer}/oauth/device/code`,
    revocation: `${issuer}/oauth/revoke`,
    introspection: `${issuer}/oauth/introspect`,
    jwks_uri: `${issuer}/.well-known/jwks.json`,
  };
}

/** Core's `Flow::available`: the code and device flows need their endpoint, client credentials a secret. */
function flowsOf(e: Endpoints, hasSecret: boolean): Flow[] {
  const flows: Flow[] = [];
  if (e.authorization !== null) flows.push('code');
  if (e.device_authorization !== null) flows.push('device');
  if (hasSecret) flows.push('client-credentials');
  return flows;
}

const secs = (ms: number) => Math.floor(ms / 1000);

export class FakeOAuth extends FakeVault {
  profiles: Profile[] = structuredClone(PROFILES);
  /** Addresses the fake opened, in order (tests); in a browser a catalog page also opens a tab. */
  opened: string[] = [];
  /** The next `saveProfile` fails with this (discovery could not reach the issuer, …). */
  nextProfileError: ErrorInfo | null = null;
  /** The next `refreshToken` fails thus. */
  nextRefreshFailure: RefreshFailure | null = null;
  /** Every `startLogin`, `cancelLogin` and `openLoginPage` as called (tests). */
  readonly loginCalls: Array<[string, ...unknown[]]> = [];
  protected readonly logins = new Map<string, PendingLogin>();
  private readonly loginDelayMs: number | null;
  private readonly loginFinished = new Channel<[LoginFinished]>();

  constructor(opts: FakeOptions = {}) {
    super(opts);
    this.loginDelayMs = opts.loginDelayMs ?? null;
  }

  onLoginFinished = this.loginFinished.on;

  protected override knownProvider(id: string): boolean {
    return super.knownProvider(id) || this.profiles.some((p) => p.name === id);
  }

  /** As the vault's `detail`: a sign-in's tokens are revoked at its server, when it names one. */
  protected override canOf(t: StoredToken, guide: Guide | null): Can {
    if (!t.grant) return super.canOf(t, guide);
    const revocation = this.profiles.find((p) => p.name === t.grant?.profile)?.endpoints.revocation ?? null;
    return { check: false, revoke: t.meta.revoked_at === null && revocation !== null, rotate: false };
  }

  protected profile(name: string): Profile {
    return this.profiles.find((p) => p.name === name) ?? reject('not_found', `No provider profile is named "${name}".`);
  }

  /** The sign-in's access and refresh token, from either of them; null for a token from no sign-in. */
  protected pairOf(t: StoredToken): GrantPair | null {
    const g = t.grant;
    if (!g) return null;
    const access =
      g.refresh_id === t.meta.id
        ? [...this.tokens.values()].find((x) => x.meta.id !== t.meta.id && x.grant?.refresh_id === t.meta.id)
        : t;
    if (!access) return null;
    const rid = access.grant?.refresh_id ?? null;
    return { access, refresh: rid === null ? null : (this.tokens.get(rid) ?? null) };
  }

  /** The grant changed: both of its rows say so. */
  protected setGrant(pair: GrantPair, patch: Partial<GrantInfo>): void {
    for (const t of [pair.access, pair.refresh]) {
      if (!t?.grant) continue;
      const next = { ...t.grant, ...patch };
      // As the vault says: an ended sign-in cannot be refreshed; a new sign-in can again.
      if (patch.state !== undefined) next.can_refresh = patch.state !== 'sign_in_again' && (next.refresh_id !== null || next.flow === 'client-credentials');
      t.grant = next;
    }
  }

  listProfiles = () => this.answer(() => this.profiles);

  saveProfile = (input: ProfileInput, clientSecret: string | null) =>
    this.answer(() => {
      const name = input.name.trim();
      if (name === '') reject('invalid_input', 'Give the profile a name, such as corp-sso.');
      if (input.client_id.trim() === '') reject('invalid_input', 'Give the client id the server issued.');
      const issuer = input.issuer?.trim().replace(/\/+$/, '') ?? '';
      if (issuer === '' && input.endpoints === null) reject('invalid_input', 'Give the issuer URL, or at least the token endpoint.');
      if (issuer !== '' && !/^https:\/\/[^/\s]+/.test(issuer)) reject('invalid_input', `${issuer} is not an https:// address.`);
      const staged = this.nextProfileError;
      this.nextProfileError = null;
      if (staged) throw { ...staged };
      const endpoints = input.endpoints ?? discovered(issuer);
      const hasSecret = clientSecret !== null && clientSecret.trim() !== '';
      const p: Profile = {
        name, issuer: issuer === '' ? null : issuer, endpoints, client_id: input.client_id.trim(),
        has_client_secret: hasSecret, iss_required: false, scopes: [...input.scopes],
        audience: input.audience?.trim() || null, resource: input.resource?.trim() || null,
        refresh_lifetime_secs: input.refresh_lifetime_secs, flows: flowsOf(endpoints, hasSecret),
      };
      this.profiles = [...this.profiles.filter((x) => x.name !== name), p];
      return p;
    });

  startLogin = (profile: string, flow: Flow, name: string | null) =>
    this.answer(() => {
      this.loginCalls.push(['startLogin', profile, flow, name]);
      const p = this.profile(profile);
      if (!p.flows.includes(flow)) reject('unsupported', `${p.name}: this profile cannot run the ${flow} flow`);
      const login_id = crypto.randomUUID();
      const base = p.issuer ?? new URL(p.endpoints.token).origin;
      const query = new URLSearchParams({
        response_type: 'code', client_id: p.client_id, scope: p.scopes.join(' '),
        code_challenge_method: 'S256', state: login_id.slice(0, 8),
      });
      const started: LoginStarted = {
        login_id, profile: p.name, flow,
        authorization_url: flow === 'code' ? `${p.endpoints.authorization ?? ''}?${query.toString()}` : null,
        device: flow === 'device'
          ? { user_code: FAKE_USER_CODE, verification_uri: `${base}/device`, verification_uri_complete: `${base}/device?user_code=${FAKE_USER_CODE}` }
          : null,
        expires_at: iso(this.now() + LOGIN_WAIT_MS),
      };
      const pending: PendingLogin = { started, profile: p, name };
      if (this.loginDelayMs !== null) pending.timer = setTimeout(() => this.finishLogin(login_id), this.loginDelayMs);
      this.logins.set(login_id, pending);
      // The shell opens the code flow's page itself.
      if (started.authorization_url !== null) this.opened.push(started.authorization_url);
      return started;
    });

  cancelLogin = (loginId: string) =>
    this.answer(() => {
      this.loginCalls.push(['cancelLogin', loginId]);
      const l = this.logins.get(loginId);
      if (!l) return;
      clearTimeout(l.timer);
      this.logins.delete(loginId);
      this.emitLogin({ login_id: loginId, token: null, error: null, cancelled: true });
    });

  openLoginPage = (loginId: string) =>
    this.answer(() => {
      this.loginCalls.push(['openLoginPage', loginId]);
      const s = this.logins.get(loginId)?.started;
      const page = s?.authorization_url ?? s?.device?.verification_uri_complete ?? s?.device?.verification_uri;
      if (!page) reject('invalid_input', 'That sign-in has ended or has no page to open');
      this.opened.push(page);
    });

  /** The sign-ins under way, by id (tests). */
  pendingLogins(): string[] {
    return [...this.logins.keys()];
  }

  /**
   * End a sign-in under way as the server would: with the tokens stored (no `error`), or with
   * `error`. Announces `login-finished` (and `tokens-changed` for stored tokens), as the shell
   * does. False when no such sign-in is under way.
   */
  finishLogin(loginId: string, error?: ErrorInfo): boolean {
    const l = this.logins.get(loginId);
    if (!l) return false;
    clearTimeout(l.timer);
    this.logins.delete(loginId);
    let done: LoginFinished;
    try {
      if (error) throw error;
      done = { login_id: loginId, token: this.withStatus(this.storeGrant(l).meta), error: null, cancelled: false };
    } catch (err) {
      done = { login_id: loginId, token: null, error: toErrorInfo(err), cancelled: false };
    }
    this.emitLogin(done);
    return true;
  }

  private emitLogin(done: LoginFinished): void {
    const copy = structuredClone(done);
    queueMicrotask(() => {
      this.loginFinished.emit(copy);
      if (copy.token) this.emitChanged();
    });
  }

  /** A token the fake server issued, stored as the vault's `store_grant` stores it. */
  private issued(p: Profile, kind: TokenKind, name: string, expiresMs: number | null, notes: string): StoredToken {
    const now = this.now();
    const secret = randomSecret();
    const t: StoredToken = {
      secret, events: [], inspection: OPAQUE && structuredClone(OPAQUE), masked: `${'•'.repeat(8)}${secret.slice(-4)}`,
      reminders: null, check: null,
      meta: {
        id: crypto.randomUUID(), provider: p.name, name, kind, format: 'opaque',
        scopes: kind === 'access' ? [...p.scopes] : [], account: null,
        created_at: iso(now), issued_at: iso(now), not_before: null, expires_at: expiresMs === null ? null : iso(expiresMs),
        soon_at: null, expiry_source: expiresMs === null ? null : kind === 'access' ? 'expires_in' : 'provider',
        notes, tags: [], revoked_at: null, last_copied_at: null, secret_missing: false, remind: null,
        rotate_every_secs: null, rotate_at: null, scopes_source: 'user', account_source: null, instance_url: null,
        status: 'valid',
      },
    };
    t.meta.status = statusAt(t.meta, now);
    this.log(t, 'added', 'opaque');
    return t;
  }

  /** Store what a finished sign-in issued: a new token, or new secrets for one of the same name. */
  private storeGrant(l: PendingLogin): StoredToken {
    const { profile: p, started } = l;
    const flow = started.flow;
    const now = this.now();
    this.checkKeyring();
    const id_claims: Record<string, unknown> | null =
      flow !== 'client-credentials' && p.scopes.includes('openid')
        ? { iss: p.issuer, aud: p.client_id, sub: 'preview|you', email: 'you@example.com', name: 'You (browser preview)', iat: secs(now), exp: secs(now + ACCESS_LIFETIME_MS) }
        : null;
    const taken = (n: string) => [...this.tokens.values()].some((x) => x.meta.provider === p.name && x.meta.name === n);
    const stem = typeof id_claims?.email === 'string' ? id_claims.email : flow;
    let name = l.name?.trim() ?? '';
    if (name === '') {
      name = stem;
      for (let n = 2; taken(name); n++) name = `${stem} (${n})`;
    }
    const same = [...this.tokens.values()].find((x) => x.meta.provider === p.name && x.meta.name === name);
    const pair = same && this.pairOf(same);
    if (same && pair?.access === same) {
      // Sign in again: new secrets in place (same id, same history), the grant well again.
      this.moveAlong(same, now, randomSecret());
      this.log(same, 'secret_replaced', 'signed in again');
      this.setGrant(pair, { state: 'ok', detail: null, retry_at: null, id_claims, flow });
      return same;
    }
    this.checkName(p.name, name, null);
    const access = this.issued(p, 'access', name, now + ACCESS_LIFETIME_MS, '');
    const policy = p.refresh_lifetime_secs;
    const refresh = flow !== 'client-credentials' && p.scopes.includes('offline_access')
      ? this.issued(p, 'refresh', `${name} (refresh)`, policy ? now + policy * 1000 : null, `The refresh token of ${p.name}/${name}.`)
      : null;
    const grant: GrantInfo = {
      access_id: access.meta.id, profile: p.name, flow, state: 'ok', detail: null, retry_at: null, refresh_id: refresh?.meta.id ?? null,
      refresh_expires_at: refresh?.meta.expires_at ?? null, refresh_expiry_source: refresh?.meta.expiry_source ?? null,
      refresh_at: null, id_claims, id_verified: false, access_signature: null,
      can_refresh: refresh !== null || (flow === 'client-credentials' && p.has_client_secret),
      can_introspect: p.endpoints.introspection !== null,
    };
    for (const t of [access, refresh]) {
      if (!t) continue;
      t.grant = structuredClone(grant);
      this.tokens.set(t.meta.id, t);
    }
    return access;
  }

  /** New secret, and every instant of the token (and its refresh time) moved along to `now`. */
  private moveAlong(t: StoredToken, now: number, secret: string): void {
    const issued = Date.parse(t.meta.issued_at ?? t.meta.created_at);
    const shift = (v: string | null) => (v === null ? null : iso(Date.parse(v) + now - issued));
    t.meta = {
      ...t.meta, issued_at: iso(now), expires_at: shift(t.meta.expires_at), soon_at: shift(t.meta.soon_at),
      secret_missing: false,
    };
    if (t.grant) t.grant = { ...t.grant, refresh_at: shift(t.grant.refresh_at) };
    t.secret = secret;
    t.masked = `${'•'.repeat(8)}${secret.slice(-4)}`;
    t.reminders = null;
  }

  refreshToken = (id: string) =>
    this.answer(() => {
      const pair = this.pairOf(this.get(id)) ?? reject('unsupported', 'Only tokens from a sign-in can be refreshed');
      const { access } = pair;
      const g = access.grant as GrantInfo;
      this.secretOf(access);
      const label = `${access.meta.provider}/${access.meta.name}`;
      const ended = (detail: string) =>
        reject('sign_in_again', `The sign-in behind \`${label}\` has ended (${detail}); sign in again: \`tokenkeeper login ${g.profile}\``);
      if (g.state === 'sign_in_again') ended(g.detail ?? 'the server ended it');
      if (!pair.refresh) ended('there is no refresh token');
      const failure = this.nextRefreshFailure;
      this.nextRefreshFailure = null;
      if (failure?.code === 'sign_in_again') {
        this.setGrant(pair, { state: 'sign_in_again', detail: failure.detail, retry_at: null });
        ended(failure.detail);
      }
      if (failure) {
        const retry_at = failure.retry_at ?? null;
        this.setGrant(pair, { state: 'retrying', detail: failure.detail, retry_at });
        reject('provider', `${failure.detail}; the tokens are kept${retry_at ? `, next try at ${retry_at}` : ''}`);
      }
      this.moveAlong(access, this.now(), randomSecret());
      this.log(access, 'refreshed');
      this.setGrant(pair, { state: 'ok', detail: null, retry_at: null });
      queueMicrotask(() => this.emitChanged());
      return this.withStatus(access.meta);
    });

  introspectToken = (id: string) =>
    this.answer((): Record<string, unknown> => {
      const t = this.get(id);
      const pair = this.pairOf(t) ?? reject('unsupported', 'Only tokens from a sign-in can be introspected');
      const g = pair.access.grant as GrantInfo;
      const p = this.profile(g.profile);
      if (p.endpoints.introspection === null) reject('unsupported', `${p.name} has no introspection endpoint`);
      // The server forgets a revoked or lapsed token: it answers only `active: false`.
      if (t.deleted || t.meta.revoked_at !== null) return { active: false };
      this.secretOf(t);
      if (statusAt(t.meta, this.now()) === 'expired') return { active: false };
      const at = (v: string | null) => (v === null ? undefined : secs(Date.parse(v)));
      const answer: Record<string, unknown> = {
        active: true, client_id: p.client_id, token_type: t.meta.kind === 'refresh' ? 'refresh_token' : 'access_token',
        scope: pair.access.meta.scopes.join(' '), sub: g.id_claims?.sub, iss: p.issuer ?? undefined,
        exp: at(t.meta.expires_at), iat: at(t.meta.issued_at),
      };
      return Object.fromEntries(Object.entries(answer).filter(([, v]) => v !== undefined));
    });

  override dispose(): void {
    super.dispose();
    for (const l of this.logins.values()) clearTimeout(l.timer);
  }
}
