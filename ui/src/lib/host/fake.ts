// An in-memory Host for the browser build and the tests. It keeps the app's contract, not just
// its types: inspection decodes JWTs, names are unique per provider, reveals and copies are
// logged, a copy is "cleared" after the configured timeout, and a keyring failure can be staged.

import type { ErrorInfo } from '../bindings/ErrorInfo';
import type { NewTokenMeta } from '../bindings/NewTokenMeta';
import type { Settings } from '../bindings/Settings';
import type { TokenDetail } from '../bindings/TokenDetail';
import type { TokenEvent } from '../bindings/TokenEvent';
import type { TokenMeta } from '../bindings/TokenMeta';
import type { TokenPatch } from '../bindings/TokenPatch';
import { accountOf, scopesOf } from '../state/claims';
import { statusAt } from '../state/status';
import { FAKE_PROVIDERS } from './fake-catalog';
import { inspectToken, maskSecret, normalise } from './fake-inspect';
import type { Host } from './types';

export interface StoredToken {
  meta: TokenMeta;
  secret: string;
  events: TokenEvent[];
}

export interface FakeOptions {
  /** Tokens to start with (see `demo.ts`). */
  seed?: StoredToken[];
  /** The clock; tests pass a fixed one. */
  now?: () => number;
  /** Delay every answer, to see loading states in the browser. */
  latencyMs?: number;
}

export const CLIPBOARD_SECS_MIN = 5;
export const CLIPBOARD_SECS_MAX = 600;

function reject(code: ErrorInfo['code'], message: string): never {
  throw { code, message } satisfies ErrorInfo;
}

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

export class FakeHost implements Host {
  readonly tokens = new Map<string, StoredToken>();
  keyringError: ErrorInfo | null = null;
  settings: Settings = { clipboard_clear_secs: 30 };
  /** Secrets "on the clipboard", by token id; tests read it instead of a real clipboard. */
  clipboard: string | null = null;
  private readonly now: () => number;
  private readonly latencyMs: number;
  private seq = 1;
  private changed = new Set<() => void>();
  private cleared = new Set<(id: string) => void>();
  private clearTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(opts: FakeOptions = {}) {
    this.now = opts.now ?? Date.now;
    this.latencyMs = opts.latencyMs ?? 0;
    for (const t of opts.seed ?? []) this.tokens.set(t.meta.id, structuredClone(t));
    for (const t of this.tokens.values()) for (const e of t.events) this.seq = Math.max(this.seq, e.seq + 1);
  }

  /** Run `fn` as an answer: after the latency, as a deep copy, rejections as ErrorInfo. */
  private async answer<T>(fn: () => T): Promise<T> {
    if (this.latencyMs > 0) await new Promise((r) => setTimeout(r, this.latencyMs));
    return structuredClone(fn());
  }

  private get(id: string): StoredToken {
    return this.tokens.get(id) ?? reject('not_found', 'That token is no longer in Tokenkeeper.');
  }

  private checkKeyring(): void {
    if (this.keyringError) throw this.keyringError;
  }

  private log(t: StoredToken, kind: TokenEvent['kind'], detail = ''): void {
    t.events.push({ seq: this.seq++, token_id: t.meta.id, at: iso(this.now()), kind, detail });
  }

  private withStatus(meta: TokenMeta): TokenMeta {
    return { ...meta, status: statusAt(meta, this.now()) };
  }

  private providerName(id: string): string {
    return FAKE_PROVIDERS.find((p) => p.id === id)?.name ?? id;
  }

  private checkName(provider: string, name: string, exceptId: string | null): void {
    if (name.trim() === '') reject('invalid_input', 'Give the token a name.');
    if (!FAKE_PROVIDERS.some((p) => p.id === provider) && !provider.startsWith('oidc:')) {
      reject('invalid_input', `Unknown provider "${provider}".`);
    }
    for (const t of this.tokens.values()) {
      if (t.meta.id !== exceptId && t.meta.provider === provider && t.meta.name === name) {
        reject('duplicate_name', `A ${this.providerName(provider)} token named "${name}" already exists. Choose another name.`);
      }
    }
  }

  private emitChanged(): void {
    for (const cb of this.changed) cb();
  }

  /** Stage (or lift) a keyring failure, as a locked or missing secret service would cause. */
  setKeyringError(err: ErrorInfo | null): void {
    this.keyringError = err;
  }

  listTokens = () => this.answer(() => [...this.tokens.values()].map((t) => this.withStatus(t.meta)));
  listProviders = () => this.answer(() => FAKE_PROVIDERS);
  inspect = (input: string) => this.answer(() => inspectToken(input, this.now()));

  addToken = (secret: string, meta: NewTokenMeta) =>
    this.answer(() => {
      const insp = inspectToken(secret, this.now());
      const provider = meta.provider ?? insp.provider;
      if (provider === null) {
        reject('invalid_input', 'Choose a provider: nothing in this token says which one issued it.');
      }
      const name = meta.name.trim();
      this.checkName(provider, name, null);
      if (meta.expires_at != null && Number.isNaN(Date.parse(meta.expires_at))) {
        reject('invalid_input', 'The expiry is not a valid date and time.');
      }
      this.checkKeyring();
      const now = iso(this.now());
      const t: StoredToken = {
        secret: normalise(secret),
        events: [],
        meta: {
          id: crypto.randomUUID(), provider, name, kind: meta.kind ?? insp.kind, format: insp.format,
          scopes: meta.scopes ?? scopesOf(insp.claims), account: meta.account ?? accountOf(insp.claims),
          created_at: now, issued_at: insp.issued_at, not_before: insp.not_before,
          expires_at: meta.expires_at ?? insp.expires_at,
          expiry_source: meta.expires_at != null ? 'user' : insp.expires_at !== null ? 'jwt' : null,
          notes: meta.notes ?? '', tags: meta.tags ?? [], revoked_at: null, last_copied_at: null,
          secret_missing: false, status: 'valid',
        },
      };
      this.log(t, 'added');
      this.tokens.set(t.meta.id, t);
      queueMicrotask(() => this.emitChanged());
      return this.withStatus(t.meta);
    });

  updateToken = (id: string, patch: TokenPatch) =>
    this.answer(() => {
      const t = this.get(id);
      const m = { ...t.meta };
      const provider = patch.provider ?? m.provider;
      const name = patch.name?.trim() ?? m.name;
      this.checkName(provider, name, id);
      Object.assign(m, { provider, name });
      if (patch.kind != null) m.kind = patch.kind;
      if (patch.scopes != null) m.scopes = patch.scopes;
      if (patch.account != null) m.account = patch.account === '' ? null : patch.account;
      if (patch.notes != null) m.notes = patch.notes;
      if (patch.tags != null) m.tags = patch.tags;
      if (patch.expires_at !== undefined) {
        if (patch.expires_at !== null && Number.isNaN(Date.parse(patch.expires_at))) {
          reject('invalid_input', 'The expiry is not a valid date and time.');
        }
        m.expires_at = patch.expires_at;
        m.expiry_source = patch.expires_at === null ? null : 'user';
      }
      t.meta = m;
      this.log(t, 'edited');
      queueMicrotask(() => this.emitChanged());
      return this.withStatus(m);
    });

  replaceSecret = (id: string, secret: string) =>
    this.answer(() => {
      const t = this.get(id);
      const insp = inspectToken(secret, this.now());
      this.checkKeyring();
      t.secret = normalise(secret);
      t.meta = {
        ...t.meta, format: insp.format, issued_at: insp.issued_at, not_before: insp.not_before,
        secret_missing: false,
        ...(insp.expires_at !== null ? { expires_at: insp.expires_at, expiry_source: 'jwt' as const } : {}),
      };
      this.log(t, 'secret_replaced');
      queueMicrotask(() => this.emitChanged());
      return this.withStatus(t.meta);
    });

  deleteToken = (id: string) =>
    this.answer(() => {
      this.get(id);
      this.checkKeyring();
      this.tokens.delete(id);
      queueMicrotask(() => this.emitChanged());
    });

  tokenDetail = (id: string) =>
    this.answer((): TokenDetail => {
      const t = this.get(id);
      const meta = this.withStatus(t.meta);
      const base = { meta, events: [...t.events].reverse() };
      if (this.keyringError) return { ...base, inspection: null, secret_error: this.keyringError, masked: null };
      if (t.meta.secret_missing) {
        const secret_error: ErrorInfo = {
          code: 'secret_missing',
          message: 'The keyring no longer holds this token\'s secret. Edit the token and paste it again to restore it.',
        };
        return { ...base, inspection: null, secret_error, masked: null };
      }
      return { ...base, inspection: inspectToken(t.secret, this.now()), secret_error: null, masked: maskSecret(t.secret) };
    });

  revealToken = (id: string) =>
    this.answer(() => {
      const t = this.get(id);
      this.checkKeyring();
      if (t.meta.secret_missing) reject('secret_missing', 'The keyring no longer holds this token\'s secret.');
      this.log(t, 'revealed');
      return t.secret;
    });

  copyToken = (id: string) =>
    this.answer(() => {
      const t = this.get(id);
      this.checkKeyring();
      if (t.meta.secret_missing) reject('secret_missing', 'The keyring no longer holds this token\'s secret.');
      this.clipboard = t.secret;
      t.meta = { ...t.meta, last_copied_at: iso(this.now()) };
      this.log(t, 'copied');
      const secs = this.settings.clipboard_clear_secs;
      clearTimeout(this.clearTimer);
      this.clearTimer = setTimeout(() => {
        if (this.clipboard === t.secret) {
          this.clipboard = null;
          for (const cb of this.cleared) cb(id);
        }
      }, secs * 1000);
      return { clear_after_secs: secs };
    });

  keyringHealth = () => this.answer(() => ({ ok: this.keyringError === null, error: this.keyringError }));
  getSettings = () => this.answer(() => this.settings);
  setSettings = (s: Settings) =>
    this.answer(() => {
      const secs = s.clipboard_clear_secs;
      if (!Number.isInteger(secs) || secs < CLIPBOARD_SECS_MIN || secs > CLIPBOARD_SECS_MAX) {
        reject('invalid_input', `Clear the clipboard after ${CLIPBOARD_SECS_MIN} to ${CLIPBOARD_SECS_MAX} seconds.`);
      }
      this.settings = { ...s };
      return this.settings;
    });

  /** Links the fake was asked to open (tests); in a browser it also opens a new tab. */
  opened: string[] = [];

  openUrl = (url: string) =>
    this.answer(() => {
      if (!url.startsWith('https://')) reject('invalid_input', `Only https links open: ${url}`);
      this.opened.push(url);
      if (typeof window !== 'undefined' && !navigator.userAgent.includes('jsdom')) {
        window.open(url, '_blank', 'noopener,noreferrer');
      }
    });

  onTokensChanged = (cb: () => void) => {
    this.changed.add(cb);
    return () => this.changed.delete(cb);
  };

  onClipboardCleared = (cb: (tokenId: string) => void) => {
    this.cleared.add(cb);
    return () => this.cleared.delete(cb);
  };

  /** Stop pending timers (tests). */
  dispose(): void {
    clearTimeout(this.clearTimer);
  }
}

export function createFakeHost(opts: FakeOptions = {}): FakeHost {
  return new FakeHost(opts);
}
