// Demo tokens for the browser build and screenshots: one of every status, several providers,
// JWTs with real (unsigned-by-anyone-real) claims. Times are relative to `now`.

import type { TokenKind } from '../bindings/TokenKind';
import type { ExpirySource } from '../bindings/ExpirySource';
import { accountOf, scopesOf } from '../state/claims';
import { statusAt } from '../state/status';
import { base64UrlEncode, inspectToken } from './fake-inspect';
import type { StoredToken } from './fake';

const H = 3_600_000;
const D = 24 * H;
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** A JWT with the given claims and a signature nobody can check. */
export function makeJwt(claims: Record<string, unknown>, header: Record<string, unknown> = {}): string {
  const h = base64UrlEncode(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid: 'demo-key-1', ...header }));
  const p = base64UrlEncode(JSON.stringify(claims));
  return `${h}.${p}.${base64UrlEncode('not-a-real-signature-0123456789abcdef')}`;
}

function filler(n: number, seed: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  let out = '';
  let x = seed * 7919 + 17;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    out += alphabet[x % alphabet.length];
  }
  return out;
}

interface Spec {
  provider: string;
  name: string;
  secret: string;
  kind?: TokenKind;
  /** Hours from now; null never expires; omitted: whatever the token says. */
  expiresInH?: number | null;
  createdAgoD: number;
  revokedAgoD?: number;
  tags?: string[];
  notes?: string;
  scopes?: string[];
  copiedAgoH?: number;
}

function specs(now: number): Spec[] {
  const s = Math.floor(now / 1000);
  return [
    { provider: 'gitlab', name: 'release-bot', secret: `glpat-${filler(20, 1)}`, expiresInH: 3.2, createdAgoD: 29,
      scopes: ['api', 'write_repository'], tags: ['ci'], notes: 'Used by the release pipeline.' },
    { provider: 'auth0', name: 'api-staging', createdAgoD: 0.8, tags: ['staging'],
      secret: makeJwt({ iss: 'https://acme-staging.eu.auth0.com/', sub: 'deploy-bot@clients', aud: 'https://api.acme.dev',
        iat: s - 20 * 3600, exp: s - 20 * 3600 + 24 * 3600 + 1800, azp: 'k3N1bHc2', scope: 'read:orders write:orders',
        gty: 'client-credentials' }) },
    { provider: 'entra', name: 'graph-reader', createdAgoD: 1, kind: 'access',
      secret: makeJwt({ iss: 'https://login.microsoftonline.com/4f1c0f7e/v2.0', sub: 'AAAAAAAAAAAAAAAAAAAAAIkzqFVrSaSaFHy782bbtaQ',
        aud: '00000003-0000-0000-c000-000000000000', iat: s - 3 * 3600, nbf: s - 3 * 3600, exp: s - 2 * 3600,
        preferred_username: 'ops@acme.dev', scp: 'User.Read Mail.Read', tid: '4f1c0f7e' }) },
    { provider: 'github', name: 'ci-deploy', secret: `ghp_${filler(36, 2)}`, kind: 'personal', expiresInH: 5 * 24 + 3,
      createdAgoD: 25, scopes: ['repo', 'workflow'], tags: ['ci', 'deploy'], copiedAgoH: 20 },
    { provider: 'npm', name: 'publish', secret: `npm_${filler(36, 3)}`, expiresInH: 25 * 24, createdAgoD: 5,
      scopes: ['publish'], tags: ['release'] },
    { provider: 'google', name: 'workspace-id-token', createdAgoD: 0.1, kind: 'id',
      secret: makeJwt({ iss: 'https://accounts.google.com', sub: '110248495921238986420', aud: '1234.apps.googleusercontent.com',
        email: 'ops@acme.dev', email_verified: true, iat: s, nbf: s + 2 * 3600, exp: s + 3 * 3600, nonce: 'n-0S6_WzA2Mj',
        auth_time: s - 600 }) },
    { provider: 'meta', name: 'ads-system-user', secret: `EAA${filler(120, 4)}`, kind: 'system_user', expiresInH: 40 * 24,
      createdAgoD: 20, scopes: ['ads_read', 'business_management'] },
    { provider: 'github', name: 'docs-readonly', secret: `github_pat_${filler(82, 5)}`, expiresInH: 80 * 24,
      createdAgoD: 10, scopes: ['contents:read'] },
    { provider: 'openai', name: 'embeddings', secret: `sk-proj-${filler(48, 6)}`, expiresInH: null, createdAgoD: 60 },
    { provider: 'stripe', name: 'payments-live', secret: `sk_live_${filler(24, 7)}`, expiresInH: null, createdAgoD: 200,
      tags: ['prod'], notes: 'Restricted to charges; rotate with the finance team.' },
    { provider: 'spotify', name: 'playlist-sync', secret: `BQ${filler(150, 8)}`, kind: 'access', expiresInH: -72,
      createdAgoD: 4 },
    { provider: 'slack', name: 'alerts-bot', secret: `xoxb-${filler(50, 9)}`, expiresInH: null, createdAgoD: 90,
      revokedAgoD: 3, scopes: ['chat:write'] },
  ];
}

function build(spec: Spec, id: string, now: number, seq: number): StoredToken {
  const insp = inspectToken(spec.secret, now);
  const created = now - spec.createdAgoD * D;
  const userExpiry = spec.expiresInH !== undefined;
  const expires_at = userExpiry ? (spec.expiresInH === null ? null : iso(now + (spec.expiresInH ?? 0) * H)) : insp.expires_at;
  const expiry_source: ExpirySource | null = expires_at === null ? null : userExpiry ? 'user' : 'jwt';
  const meta = {
    id, provider: spec.provider, name: spec.name, kind: spec.kind ?? insp.kind, format: insp.format,
    scopes: spec.scopes ?? scopesOf(insp.claims), account: accountOf(insp.claims), created_at: iso(created),
    issued_at: insp.issued_at, not_before: insp.not_before, expires_at, expiry_source, notes: spec.notes ?? '',
    tags: spec.tags ?? [], revoked_at: spec.revokedAgoD === undefined ? null : iso(now - spec.revokedAgoD * D),
    last_copied_at: spec.copiedAgoH === undefined ? null : iso(now - spec.copiedAgoH * H),
    secret_missing: false, status: 'valid' as const,
  };
  const events: StoredToken['events'] = [{ seq, token_id: id, at: meta.created_at, kind: 'added', detail: 'pasted' }];
  if (meta.last_copied_at) events.push({ seq: seq + 1, token_id: id, at: meta.last_copied_at, kind: 'copied', detail: '' });
  if (meta.revoked_at) events.push({ seq: seq + 2, token_id: id, at: meta.revoked_at, kind: 'revoked', detail: 'revoked at Slack' });
  return { secret: spec.secret, events, meta: { ...meta, status: statusAt(meta, now) } };
}

/** The demo set, plus `extra` generated tokens (for trying a list of thousands). */
export function demoTokens(now: number, extra = 0): StoredToken[] {
  const all = specs(now);
  const out = all.map((spec, i) => build(spec, `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, now, i * 10 + 1));
  const providers = ['github', 'gitlab', 'npm', 'stripe', 'openai', 'slack'];
  for (let i = 0; i < extra; i++) {
    const provider = providers[i % providers.length] ?? 'github';
    const hours = ((i * 7919) % (24 * 400)) - 24 * 20;
    const spec: Spec = { provider, name: `bulk-${String(i).padStart(5, '0')}`, secret: `${filler(40, i + 100)}`,
      kind: 'api_key', expiresInH: i % 11 === 0 ? null : hours, createdAgoD: 30 };
    out.push(build(spec, `10000000-0000-4000-8000-${String(i).padStart(12, '0')}`, now, 1000 + i * 10));
  }
  return out;
}
