// Words for enum values, as people read them.

import type { EventKind } from '../bindings/EventKind';
import type { ExpirySource } from '../bindings/ExpirySource';
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

export const EXPIRY_SOURCE_LABEL: Record<ExpirySource, string> = {
  jwt: 'from the token',
  expires_in: 'from expires_in',
  provider: 'from the provider',
  user: 'entered by you',
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
};
