// Words for enum values, as people read them.

import type { CheckState } from '../bindings/CheckState';
import type { EventKind } from '../bindings/EventKind';
import type { ExpirySource } from '../bindings/ExpirySource';
import type { Flow } from '../bindings/Flow';
import type { Format } from '../bindings/Format';
import type { TokenKind } from '../bindings/TokenKind';

export const KIND_LABEL: Record<TokenKind, string> = {
  access: 'Access token',
  refresh: 'Refresh token',
  id: 'ID token',
  personal: 'Personal token',
  api_key: 'API key',
  system_user: 'System user',
  bot: 'Bot token',
  other: 'Other',
};

export const FORMAT_LABEL: Record<Format, string> = {
  jwt: 'JWT',
  jwe: 'JWE (encrypted)',
  opaque: 'Opaque',
};

/** Where a stored fact (expiry, scopes, account) came from, in words: "from GitHub". */
export function provenance(source: ExpirySource, providerName: string): string {
  switch (source) {
    case 'provider':
      return `from ${providerName}`;
    case 'jwt':
      return 'from the JWT';
    case 'expires_in':
      return 'from the token response';
    case 'user':
      return 'entered by you';
  }
}

export const CHECK_STATE_LABEL: Record<CheckState, string> = {
  valid: 'Valid',
  expired: 'Expired',
  revoked: 'Revoked',
  invalid: 'Not accepted',
  rate_limited: 'Rate limited',
  unreachable: 'Unreachable',
  unsupported: 'Not supported',
};

export const EVENT_LABEL: Record<EventKind, string> = {
  added: 'Added',
  copied: 'Copied',
  revealed: 'Revealed',
  refreshed: 'Refreshed',
  revoked: 'Revoked',
  notified: 'Notified',
  edited: 'Edited',
  secret_replaced: 'Secret replaced',
  secret_missing: 'Secret missing',
  secret_found: 'Secret found again',
  recovered: 'Recovered from the keyring',
  checked: 'Checked',
  rotated: 'Rotated',
  accessed: 'Handed out',
  rejected: 'Reported failing',
  bound: 'Credential helper',
};

/** The OAuth flows, by name and in one line: what the person signing in does. */
export const FLOW_LABEL: Record<Flow, { name: string; line: string }> = {
  code: { name: 'Browser sign-in', line: 'Sign in in your browser' },
  device: { name: 'Device code', line: 'Enter a code on another device' },
  'client-credentials': { name: 'Client credentials', line: 'The app\'s own token, no user' },
};

/** Where a sign-in's token lifetimes came from, in words. */
export const GRANT_EXPIRY_SOURCE: Record<ExpirySource, string> = {
  expires_in: 'from the server\'s expires_in',
  jwt: 'from the token',
  provider: 'the provider\'s stated policy',
  user: 'entered by you',
};
