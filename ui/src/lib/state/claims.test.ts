import { describe, expect, it } from 'vitest';
import { escapeHidden, hasHidden, revealHidden } from './claims';

describe('revealHidden', () => {
  it('leaves ordinary text alone, whatever its script', () => {
    for (const text of ['https://acme.eu.auth0.com/', 'auth0|64f1c0ffee', 'Jürgen Müßig', '山田太郎', 'שלום', 'مرحبا', '😀 ok', '']) {
      expect(revealHidden(text), text).toEqual([{ text, escaped: false }]);
      expect(hasHidden(text)).toBe(false);
    }
  });

  it('writes out a right-to-left override, so a crafted issuer cannot pass for another', () => {
    const iss = 'https://evil.example/\u202Emoc.elgoog';
    expect(revealHidden(iss)).toEqual([
      { text: 'https://evil.example/', escaped: false },
      { text: '\\u202E', escaped: true },
      { text: 'moc.elgoog', escaped: false },
    ]);
    expect(escapeHidden(iss)).toBe('https://evil.example/\\u202Emoc.elgoog');
    expect(escapeHidden(iss)).not.toContain('\u202E');
  });

  it('writes out every bidi embedding, override, isolate and mark', () => {
    const bidi = ['\u061C', '\u200E', '\u200F', '\u202A', '\u202B', '\u202C', '\u202D', '\u202E', '\u2066', '\u2067', '\u2068', '\u2069'];
    for (const ch of bidi) {
      const code = ch.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');
      expect(escapeHidden(`a${ch}b`)).toBe(`a\\u${code}b`);
    }
  });

  it('writes out control characters, line breaks included', () => {
    expect(escapeHidden('bell\u0007')).toBe('bell\\u0007');
    expect(escapeHidden('a\nb\tc\rd')).toBe('a\\u000Ab\\u0009c\\u000Dd');
    expect(escapeHidden('\u0000\u001B\u007F\u0085\u009F')).toBe('\\u0000\\u001B\\u007F\\u0085\\u009F');
    expect(escapeHidden('a\u2028b\u2029')).toBe('a\\u2028b\\u2029');
  });

  it('writes out invisible characters: zero-width, byte order mark, soft hyphen, tags, lone surrogates', () => {
    expect(escapeHidden('pay\u200Bpal')).toBe('pay\\u200Bpal');
    expect(escapeHidden('\uFEFFadmin\u2060\u00AD')).toBe('\\uFEFFadmin\\u2060\\u00AD');
    // An invisible "tag" letter (U+E0041) beyond the first plane, and a surrogate without its pair.
    expect(escapeHidden('x\u{E0041}y')).toBe('x\\u{E0041}y');
    expect(escapeHidden('a\uD800b\uDC00')).toBe('a\\uD800b\\uDC00');
    expect(hasHidden('pay\u200Bpal')).toBe(true);
  });

  it('keeps each hidden character its own escaped part', () => {
    expect(revealHidden('\u202E\u202E')).toEqual([
      { text: '\\u202E', escaped: true },
      { text: '\\u202E', escaped: true },
    ]);
  });
});
