// Token inspection in TypeScript for the fake host: the same rules as tokenkeeper-core's
// inspector (trim, strip `Bearer `, cap the size, JWS / JWE / opaque, decode without trusting,
// recognise the provider), so the browser build and the tests behave like the app.

import type { ErrorInfo } from '../bindings/ErrorInfo';
import type { Inspection } from '../bindings/Inspection';
import type { TokenKind } from '../bindings/TokenKind';
import { statusAt } from '../state/status';
import { fromNumericDate } from '../state/format';
import { ISSUERS, matchPrefix } from './fake-catalog';

export const MAX_TOKEN_BYTES = 16 * 1024;

function fail(code: ErrorInfo['code'], message: string): never {
  throw { code, message } satisfies ErrorInfo;
}

/** Base64url → UTF-8 string, or null when it is not valid base64url. */
export function base64UrlDecode(part: string): string | null {
  if (!/^[A-Za-z0-9_-]*$/.test(part)) return null;
  const b64 = part.replace(/-/g, '+').replace(/_/g, '/');
  try {
    const bin = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
    const bytes = Uint8Array.from(bin, (c) => c.charCodeAt(0));
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}

export function base64UrlEncode(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function decodeJsonObject(part: string): Record<string, unknown> | null {
  const text = base64UrlDecode(part);
  if (text === null) return null;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

/** What the user pasted, minus surrounding whitespace and a leading `Bearer `. */
export function normalise(input: string): string {
  return input.trim().replace(/^bearer\s+/i, '').trim();
}

function numericDate(claims: Record<string, unknown>, name: string): string | null {
  const v = claims[name];
  return typeof v === 'number' && Number.isFinite(v) ? fromNumericDate(v) : null;
}

function jwtKind(header: Record<string, unknown>, claims: Record<string, unknown>): TokenKind {
  const typ = String(header.typ ?? '').toLowerCase();
  if (typ === 'at+jwt') return 'access';
  if (claims.token_use === 'id' || (claims.nonce !== undefined && claims.scope === undefined)) {
    return 'id';
  }
  if (claims.token_use === 'refresh') return 'refresh';
  return 'access';
}

function issuerProvider(claims: Record<string, unknown>): string | null {
  const iss = typeof claims.iss === 'string' ? claims.iss : '';
  return ISSUERS.find(([fragment]) => iss.includes(fragment))?.[1] ?? null;
}

export function inspectToken(input: string, nowMs: number): Inspection {
  const token = normalise(input);
  if (token === '') fail('invalid_input', 'Paste a token to inspect.');
  if (new TextEncoder().encode(token).length > MAX_TOKEN_BYTES) {
    fail('token_too_large', `That is longer than any token we know (over ${MAX_TOKEN_BYTES / 1024} KiB).`);
  }
  const parts = token.split('.');
  const header = parts.length === 3 || parts.length === 5 ? decodeJsonObject(parts[0] ?? '') : null;

  if (header !== null && parts.length === 5 && 'enc' in header) {
    return {
      format: 'jwe', provider: null, kind: 'access', alg: str(header.alg), header, claims: null,
      expires_at: null, issued_at: null, not_before: null, status: 'no_expiry',
      signature: 'unverified',
      warnings: ['encrypted (JWE): the claims can only be read with the recipient\'s key'],
    };
  }
  if (header !== null && parts.length === 3 && 'alg' in header) {
    const claims = decodeJsonObject(parts[1] ?? '');
    if (claims === null) fail('token_malformed', 'This looks like a JWT, but its payload is not JSON.');
    const times = {
      expires_at: numericDate(claims, 'exp'),
      issued_at: numericDate(claims, 'iat'),
      not_before: numericDate(claims, 'nbf'),
    };
    const unsigned = str(header.alg)?.toLowerCase() === 'none';
    return {
      format: 'jwt', provider: issuerProvider(claims), kind: jwtKind(header, claims),
      alg: str(header.alg), header, claims, ...times, status: statusAt(times, nowMs),
      signature: unsigned ? 'unsigned' : 'unverified',
      warnings: unsigned
        ? ['alg is "none": this token carries no signature at all']
        : ['unverified: decoded without checking the signature'],
    };
  }
  const prefix = matchPrefix(token);
  return {
    format: 'opaque', provider: prefix?.provider ?? null, kind: prefix?.kind ?? 'other', alg: null,
    header: null, claims: null, expires_at: null, issued_at: null, not_before: null,
    status: 'no_expiry', signature: 'unsigned', warnings: [],
  };
}

function str(v: unknown): string | null {
  return typeof v === 'string' ? v : null;
}

/** `ghp_••••••••3f9a`: the recognised prefix (or first four characters) and the last four. */
export function maskSecret(secret: string): string {
  const token = normalise(secret);
  const prefix = matchPrefix(token)?.prefix ?? token.slice(0, 4);
  return `${prefix}${'•'.repeat(8)}${token.length > prefix.length + 4 ? token.slice(-4) : ''}`;
}
