// Reading decoded claims for people: which claims to show as dates, and a name to suggest for a
// freshly pasted token. What the claims mean (scopes, account) is core's reading: `Inspection`.

import type { Inspection } from '../bindings/Inspection';
import type { TokenKind } from '../bindings/TokenKind';

/** Claims whose value is a JWT NumericDate (seconds since the epoch). */
export const TIME_CLAIMS = new Set(['exp', 'iat', 'nbf', 'auth_time', 'updated_at']);

const KIND_SLUG: Record<TokenKind, string> = {
  access: 'access',
  refresh: 'refresh',
  id: 'id-token',
  personal: 'pat',
  api_key: 'key',
  system_user: 'system-user',
  bot: 'bot',
  other: 'token',
};

export function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40);
}

/** `github-pat`, or for a token that names its account (as core read it): `auth0-deploy-bot`. */
export function suggestName(inspection: Inspection, provider: string | null): string {
  const base = slug(provider ?? inspection.format);
  const who = inspection.account;
  if (who !== null && who !== '') {
    const s = slug(who.split('@')[0] ?? who);
    if (s !== '') return `${base}-${s}`;
  }
  return `${base}-${KIND_SLUG[inspection.kind]}`;
}

/** A run of a claim's text as shown: as it is, or one character that would not show, escaped. */
export interface TextPart {
  text: string;
  escaped: boolean;
}

/**
 * Characters that change how the text around them reads without showing themselves: C0 and C1
 * controls, bidirectional marks, embeddings, overrides and isolates, zero-width and other
 * invisible format characters, line and paragraph separators, the invisible "tag" letters, and
 * lone surrogates. A crafted `iss` or `sub` could hide behind any of them.
 */
function isHidden(cp: number): boolean {
  return (
    cp < 0x20 ||
    (cp >= 0x7f && cp <= 0x9f) ||
    cp === 0xad ||
    cp === 0x34f ||
    cp === 0x61c ||
    cp === 0x115f ||
    cp === 0x1160 ||
    cp === 0x180e ||
    (cp >= 0x200b && cp <= 0x200f) ||
    (cp >= 0x2028 && cp <= 0x202e) ||
    (cp >= 0x2060 && cp <= 0x206f) ||
    cp === 0x3164 ||
    (cp >= 0xd800 && cp <= 0xdfff) ||
    cp === 0xfeff ||
    (cp >= 0xfff9 && cp <= 0xfffb) ||
    (cp >= 0xe0000 && cp <= 0xe007f)
  );
}

/** `\u202E`, or `\u{E0041}` beyond the first plane. */
function escapeCodePoint(cp: number): string {
  const hex = cp.toString(16).toUpperCase();
  return cp > 0xffff ? `\\u{${hex}}` : `\\u${hex.padStart(4, '0')}`;
}

/**
 * `text` for display with every hidden character (see `isHidden`) written out as its escape, so
 * that `evil\u202Eexe.com` cannot pass for something else. Display only: nothing is decided here.
 */
export function revealHidden(text: string): TextPart[] {
  const parts: TextPart[] = [];
  let plain = '';
  // The string iterator yields whole code points, and a lone surrogate on its own.
  for (const ch of text) {
    const cp = ch.codePointAt(0) ?? 0;
    if (!isHidden(cp)) {
      plain += ch;
      continue;
    }
    if (plain !== '') parts.push({ text: plain, escaped: false });
    plain = '';
    parts.push({ text: escapeCodePoint(cp), escaped: true });
  }
  if (plain !== '' || parts.length === 0) parts.push({ text: plain, escaped: false });
  return parts;
}

/** `revealHidden` as one string. */
export function escapeHidden(text: string): string {
  return revealHidden(text).map((p) => p.text).join('');
}

/** Whether `text` holds a character `revealHidden` escapes. */
export function hasHidden(text: string): boolean {
  return revealHidden(text).some((p) => p.escaped);
}
