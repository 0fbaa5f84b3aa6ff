// The fake host's vault: the stored tokens and everything `Host` asks of them that needs no
// provider (list, add, edit, delete, detail, reveal, copy, settings, lead times, events). It keeps
// the app's contract, not just its types: names are unique per provider, reveals and copies are
// logged, a copy is "cleared" after the configured timeout, an edit and its new secret save
// together or not at all, and a keyring failure can be staged. `fake-oauth.ts` adds provider
// profiles and sign-ins, and `fake.ts` the calls that talk to a provider; it is the host the app
// and the tests use.

import type { Can } from '../bindings/Can';
import type { ErrorInfo } from '../bindings/ErrorInfo';
import type { Guide } from '../bindings/Guide';
import type { Inspection } from '../bindings/Inspection';
import type { NewTokenMeta } from '../bindings/NewTokenMeta';
import type { NotificationHealth } from '../bindings/NotificationHealth';
import type { Settings } from '../bindings/Settings';
import type { TokenDetail } from '../bindings/TokenDetail';
import type { TokenEvent } from '../bindings/TokenEvent';
import type { TokenMeta } from '../bindings/TokenMeta';
import type { TokenPatch } from '../bindings/TokenPatch';
import { statusAt } from '../state/status';
import { CATALOG, INSPECTIONS, LEADS, type InspectAnswer } from './fixture-data';
import { formattedLeads, NOTIFICATIONS_OK, parsedLeads, remindersKey, remindersOf } from './fake-reminders';
import { Channel } from './fake-events';
import { canFor, displayName, guideFor, proposedRotation } from './fake-providers';
import {
  CLIPBOARD_SECS_MAX, CLIPBOARD_SECS_MIN, iso, reject, UNKNOWN_INPUT, type FakeOptions, type StoredToken,
} from './fake-store';

export class FakeVault {
  readonly tokens = new Map<string, StoredToken>();
  keyringError: ErrorInfo | null = null;
  settings: Settings = { clipboard_clear_secs: 30, remind_leads_secs: [...LEADS.default], autostart: null };
  notifications: NotificationHealth = { ...NOTIFICATIONS_OK };
  /** Secrets "on the clipboard", by token id; tests read it instead of a real clipboard. */
  clipboard: string | null = null;
  protected readonly now: () => number;
  private readonly latencyMs: number;
  protected readonly inspections: Record<string, InspectAnswer>;
  private seq = 1;
  private readonly changed = new Channel();
  private readonly cleared = new Channel<[string]>();
  private readonly keyringChanged = new Channel();
  private readonly notificationsChanged = new Channel();
  private readonly openToken = new Channel<[string, boolean]>();
  private clearTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(opts: FakeOptions = {}) {
    // Read the clock on every call, so a test's fake Date is seen.
    this.now = opts.now ?? (() => Date.now());
    this.latencyMs = opts.latencyMs ?? 0;
    this.inspections = opts.inspections ?? INSPECTIONS.samples;
    for (const t of opts.seed ?? []) this.tokens.set(t.meta.id, structuredClone(t));
    for (const t of this.tokens.values()) for (const e of t.events) this.seq = Math.max(this.seq, e.seq + 1);
  }

  /** Run `fn` as an answer: after the latency, as a deep copy, rejections as ErrorInfo. */
  protected async answer<T>(fn: () => T): Promise<T> {
    if (this.latencyMs > 0) await new Promise((r) => setTimeout(r, this.latencyMs));
    return structuredClone(fn());
  }

  protected get(id: string): StoredToken {
    return this.tokens.get(id) ?? reject('not_found', 'That token is no longer in Tokenkeeper.');
  }

  protected checkKeyring(): void {
    if (this.keyringError) throw this.keyringError;
  }

  protected log(t: StoredToken, kind: TokenEvent['kind'], detail = ''): void {
    t.events.push({ seq: this.seq++, token_id: t.meta.id, at: iso(this.now()), kind, detail });
  }

  /** The row's status now: its instants (as core computed them) against the clock. */
  protected withStatus(meta: TokenMeta): TokenMeta {
    return { ...meta, status: statusAt(meta, this.now()) };
  }

  /** What core answered for `input`, or the error it gave (or `UNKNOWN_INPUT`), thrown. */
  protected inspected(input: string): { ok: Inspection; masked: string } {
    const answer = Object.hasOwn(this.inspections, input) ? this.inspections[input] : undefined;
    if (answer === undefined) throw { ...UNKNOWN_INPUT };
    if ('error' in answer) throw { ...answer.error };
    return answer;
  }

  protected providerName(id: string): string {
    return displayName(id);
  }

  /** A provider a token may be stored under: the catalog's, `oidc:<name>` (and, with OAuth, a profile's). */
  protected knownProvider(id: string): boolean {
    return CATALOG.some((p) => p.id === id) || id.startsWith('oidc:');
  }

  /** As the vault checks a name, and the provider when it is new (`checkProvider`). */
  protected checkName(provider: string, name: string, exceptId: string | null, checkProvider = true): void {
    if (name.trim() === '') reject('invalid_input', 'Give the token a name.');
    if (checkProvider && !this.knownProvider(provider)) reject('invalid_input', `Unknown provider "${provider}".`);
    for (const t of this.tokens.values()) {
      if (t.meta.id !== exceptId && t.meta.provider === provider && t.meta.name === name) {
        reject('duplicate_name', `A ${this.providerName(provider)} token named "${name}" already exists. Choose another name.`);
      }
    }
  }

  protected emitChanged(): void {
    this.changed.emit();
  }

  /** Stage (or lift) a keyring failure, as a locked or missing secret service would cause. */
  setKeyringError(err: ErrorInfo | null): void {
    this.keyringError = err;
  }

  /** Announce `keyring-changed`, as the app does after its start-up reconcile. */
  announceKeyringChanged(): void {
    this.keyringChanged.emit();
  }

  /** Stage what `notificationHealth` answers (`null`: a running server again). */
  setNotificationHealth(health: NotificationHealth | null): void {
    this.notifications = health ?? { ...NOTIFICATIONS_OK };
  }

  /** Announce `notifications-changed`, as the app does when its check of the server changes. */
  announceNotificationsChanged(): void {
    this.notificationsChanged.emit();
  }

  /** Announce `open-token`, as a notification's "Open" or the tray's token list does. */
  announceOpenToken(id: string, renew = false): void {
    this.openToken.emit(id, renew);
  }

  /** When the token's current secret was stored: its last replacement, else when it was added. */
  protected secretSetAt(t: StoredToken): string {
    const e = [...t.events].reverse().find((x) => x.kind === 'secret_replaced' || x.kind === 'added');
    return e?.at ?? t.meta.created_at;
  }

  /** `rotate_at` as the vault defines it: when the secret was stored plus the period. */
  private rotateAt(t: StoredToken, every: number | null): string | null {
    return every === null ? null : iso(Date.parse(this.secretSetAt(t)) + every * 1000);
  }

  listTokens = () => this.answer(() => [...this.tokens.values()].map((t) => this.withStatus(t.meta)));
  listProviders = () => this.answer(() => CATALOG);
  inspect = (input: string) => this.answer(() => this.inspected(input).ok);

  /** Store a new token as the vault's `add` does; returns it (nothing is announced). */
  protected store(secret: string, meta: NewTokenMeta): StoredToken {
    const { ok: insp, masked } = this.inspected(secret);
    const provider = meta.provider ?? insp.provider;
    if (provider === null) {
      reject('invalid_input', 'Choose a provider: nothing in this token says which one issued it.');
    }
    const name = meta.name.trim();
    this.checkName(provider, name, null);
    const userExpiry = meta.expires_at != null;
    if (userExpiry && Number.isNaN(Date.parse(meta.expires_at ?? ''))) {
      reject('invalid_input', 'The expiry is not a valid date and time.');
    }
    this.checkKeyring();
    const now = iso(this.now());
    const expires_at = meta.expires_at ?? insp.expires_at;
    const kind = meta.kind ?? insp.kind;
    const account = meta.account ?? insp.account;
    const rotateEvery = meta.rotate_every_secs ?? proposedRotation(provider, kind);
    const t: StoredToken = {
      secret,
      events: [],
      inspection: insp,
      masked,
      meta: {
        id: crypto.randomUUID(), provider, name, kind, format: insp.format,
        scopes: meta.scopes ?? insp.scopes, account,
        created_at: now, issued_at: insp.issued_at, not_before: insp.not_before, expires_at,
        // When expiring soon begins is core's to say, and the fixture's inspection says it only
        // for the token's own expiry: for one the user typed the fake cannot know it, so the
        // token reads valid up to its expiry here (the app would turn it "expiring soon").
        soon_at: userExpiry ? null : insp.soon_at,
        expiry_source: userExpiry ? 'user' : expires_at !== null ? 'jwt' : null,
        scopes_source: meta.scopes != null ? 'user' : insp.scopes.length > 0 ? 'jwt' : null,
        account_source: meta.account ? 'user' : insp.account !== null ? 'jwt' : null,
        instance_url: meta.instance_url ?? null,
        notes: meta.notes ?? '', tags: meta.tags ?? [], revoked_at: null, last_copied_at: null,
        secret_missing: false, remind: meta.remind ?? null,
        // None takes the catalog's proposal for the kind, if it has one.
        rotate_every_secs: rotateEvery,
        rotate_at: rotateEvery === null ? null : iso(this.now() + rotateEvery * 1000),
        status: insp.status,
      },
      reminders: null,
      check: null,
    };
    this.log(t, 'added', insp.format);
    this.tokens.set(t.meta.id, t);
    return t;
  }

  addToken = (secret: string, meta: NewTokenMeta) =>
    this.answer(() => {
      const t = this.store(secret, meta);
      queueMicrotask(() => this.emitChanged());
      return this.withStatus(t.meta);
    });

  /** The row with `patch` applied (nothing stored yet), as the vault's `apply_patch` does. */
  private patched(t: StoredToken, patch: TokenPatch): TokenMeta {
    const m = { ...t.meta };
    if (patch.provider != null) m.provider = patch.provider;
    if (patch.name != null) m.name = patch.name.trim();
    // As the vault's `apply_patch`: the provider is checked only when the edit changes it.
    this.checkName(m.provider, m.name, t.meta.id, patch.provider != null);
    if (patch.kind != null) m.kind = patch.kind;
    if (patch.scopes != null) m.scopes = patch.scopes;
    if (patch.account != null) m.account = patch.account === '' ? null : patch.account;
    if (patch.notes != null) m.notes = patch.notes;
    if (patch.tags != null) m.tags = patch.tags;
    if (patch.expires_at !== undefined) {
      if (patch.expires_at !== null && Number.isNaN(Date.parse(patch.expires_at))) {
        reject('invalid_input', 'The expiry is not a valid date and time.');
      }
      if (patch.expires_at !== m.expires_at) {
        m.expires_at = patch.expires_at;
        m.expiry_source = patch.expires_at === null ? null : 'user';
        // Only core knows when a typed expiry starts expiring soon (see addToken).
        m.soon_at = null;
      }
    }
    // Absent leaves these as they are; null goes back to the app's leads / drops the policy.
    if (patch.remind !== undefined) m.remind = patch.remind === null ? null : [...patch.remind];
    // Kept as typed: checking and normalising the origin (https, no path) is the vault's.
    if (patch.instance_url !== undefined) m.instance_url = patch.instance_url;
    if (patch.rotate_every_secs !== undefined) {
      m.rotate_every_secs = patch.rotate_every_secs;
      m.rotate_at = this.rotateAt(t, patch.rotate_every_secs);
    }
    return m;
  }

  updateToken = (id: string, patch: TokenPatch, secret: string | null) =>
    this.answer(() => {
      const t = this.get(id);
      // Everything is checked before anything is stored: a failure saves neither.
      const m = this.patched(t, patch);
      const edited = JSON.stringify(m) !== JSON.stringify(t.meta);
      const replaced = secret === null ? null : this.inspected(secret);
      if (replaced) this.checkKeyring();
      if (replaced) {
        const insp = replaced.ok;
        Object.assign(m, {
          format: insp.format, issued_at: insp.issued_at, not_before: insp.not_before, secret_missing: false,
        });
        // A new JWT brings its own expiry, unless the edit set one by hand.
        if (patch.expires_at === undefined && (insp.expires_at !== null || m.expiry_source === 'jwt')) {
          m.expires_at = insp.expires_at;
          m.soon_at = insp.soon_at;
          m.expiry_source = insp.expires_at === null ? null : 'jwt';
        }
        t.secret = secret ?? t.secret;
        t.inspection = insp;
        t.masked = replaced.masked;
      }
      const before = t.meta;
      t.meta = m;
      if (replaced) this.log(t, 'secret_replaced');
      if (edited) this.log(t, 'edited');
      const bound = patch.git_hosts != null && patch.git_hosts.join(' ') !== (t.gitHosts ?? []).join(' ');
      if (bound) {
        t.gitHosts = [...(patch.git_hosts ?? [])];
        this.log(t, 'bound', t.gitHosts.length === 0 ? 'git: no host' : `git: ${t.gitHosts.join(', ')}`);
      }
      // A new secret restarts the rotation period.
      if (replaced) m.rotate_at = this.rotateAt(t, m.rotate_every_secs);
      if (remindersKey(before) !== remindersKey(m)) t.reminders = null;
      if (replaced || edited || bound) queueMicrotask(() => this.emitChanged());
      return this.withStatus(m);
    });

  deleteToken = (id: string) =>
    this.answer(() => {
      this.get(id);
      this.checkKeyring();
      this.tokens.delete(id);
      queueMicrotask(() => this.emitChanged());
    });

  /** The token's secret as the vault could read it now, or null. */
  protected readable(t: StoredToken): string | null {
    return t.deleted || this.keyringError || t.meta.secret_missing ? null : t.secret;
  }

  tokenDetail = (id: string) =>
    this.answer((): TokenDetail => {
      const t = this.get(id);
      const meta = this.withStatus(t.meta);
      const guide = guideFor(meta.provider, meta.kind, this.readable(t));
      const base = {
        meta, events: [...t.events].reverse(), reminders: remindersOf(t, this.settings.remind_leads_secs),
        check: t.check ?? null, guide: guide?.id ?? null, can: this.canOf(t, guide), grant: t.grant ?? null,
        git_hosts: [...(t.gitHosts ?? [])],
      };
      if (t.deleted) return { ...base, inspection: null, secret_error: this.revokedError(t), masked: null };
      if (this.keyringError) return { ...base, inspection: null, secret_error: this.keyringError, masked: null };
      if (t.meta.secret_missing) {
        const secret_error: ErrorInfo = {
          code: 'secret_missing',
          message: 'The keyring no longer holds this token\'s secret. Edit the token and paste it again to restore it.',
        };
        return { ...base, inspection: null, secret_error, masked: null };
      }
      // A stored token's status is the row's (as the vault answers): it knows revocation.
      const inspection = t.inspection && { ...t.inspection, status: meta.status };
      return { ...base, inspection, secret_error: null, masked: t.masked };
    });

  /** What the app can do for the token through its provider's API (`fake-oauth.ts` adds sign-ins). */
  protected canOf(t: StoredToken, guide: Guide | null): Can {
    return canFor(this.withStatus(t.meta), guide);
  }

  protected revokedError(t: StoredToken): ErrorInfo {
    return { code: 'revoked', message: `${t.meta.provider}/${t.meta.name} was revoked; its secret was deleted from the keyring` };
  }

  /** The secret, for a call that needs it (reveal, copy, the provider calls), or the vault's error. */
  protected secretOf(t: StoredToken): string {
    if (t.deleted) throw this.revokedError(t);
    this.checkKeyring();
    if (t.meta.secret_missing) reject('secret_missing', 'The keyring no longer holds this token\'s secret.');
    return t.secret;
  }

  revealToken = (id: string) =>
    this.answer(() => {
      const t = this.get(id);
      const secret = this.secretOf(t);
      this.log(t, 'revealed', 'app reveal');
      return secret;
    });

  copyToken = (id: string) =>
    this.answer(() => {
      const t = this.get(id);
      this.clipboard = this.secretOf(t);
      t.meta = { ...t.meta, last_copied_at: iso(this.now()) };
      this.log(t, 'copied', 'app copy');
      const secs = this.settings.clipboard_clear_secs;
      clearTimeout(this.clearTimer);
      this.clearTimer = setTimeout(() => {
        if (this.clipboard === t.secret) {
          this.clipboard = null;
          this.cleared.emit(id);
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
      if (s.remind_leads_secs.join() !== this.settings.remind_leads_secs.join()) {
        // Tokens on the app's leads now have other reminders, which only core can work out.
        for (const t of this.tokens.values()) if (t.meta.remind === null) t.reminders = null;
      }
      this.settings = { ...s, remind_leads_secs: [...s.remind_leads_secs] };
      return this.settings;
    });

  notificationHealth = () => this.answer(() => this.notifications);

  parseLeads = (text: string) => this.answer(() => parsedLeads(text));
  formatLeads = (leads: number[]) => this.answer(() => formattedLeads(leads));

  onTokensChanged = this.changed.on;
  onClipboardCleared = this.cleared.on;
  onKeyringChanged = this.keyringChanged.on;
  onOpenToken = this.openToken.on;
  onNotificationsChanged = this.notificationsChanged.on;

  /** Stop pending timers (tests). */
  dispose(): void {
    clearTimeout(this.clearTimer);
  }
}
