// An in-memory Host for the browser build and the tests: the vault of `fake-vault.ts` plus the
// calls that talk to a provider (live checks, revoke, rotate, replacements, links, shapes).
//
// It holds no domain rule of its own. Everything core computes comes from the fixtures a Rust
// test writes from the real core (fixtures/*.json): the catalog, what `inspect` answers for each
// sample input (an input the fixtures do not hold is refused), what `parse_leads` and
// `format_leads` answer for a set of texts (likewise), and the demo vault with each token's
// reminders. The one thing it must do itself is compare a token's instants with its clock
// (`statusAt`), as the UI does. Where core would compute something the fixtures do not hold (the
// reminders of a token added or edited here), it says less rather than guess: see `remindersOf`.
// A fake provider answers live checks from what the fake store holds (`fakeFinding`); a test can
// stage another answer (`nextCheck`) or a refusal (`nextRefusal`).
//
// The stored token, the options and the shared helpers are in `fake-store.ts`; lead times,
// reminders and the default notification health in `fake-reminders.ts`; guides, links, shapes
// and findings in `fake-providers.ts`; profiles and sign-ins in `fake-oauth.ts`; encrypted
// backups in `fake-backup.ts`; "Find tokens on this machine" in `fake-scan.ts`. Their public
// names are re-exported from here, so importers need only `./fake`.

import type { CheckReport } from '../bindings/CheckReport';
import type { ErrorInfo } from '../bindings/ErrorInfo';
import type { LinkRef } from '../bindings/LinkRef';
import { remindersKey } from './fake-reminders';
import { canFor, fakeFinding, guideFor, linkUrl, reportOf, shapeCheck, withFindings, type FakeFinding } from './fake-providers';
import { iso, reject, type FakeOptions, type StoredToken } from './fake-store';
import { FakeScan } from './fake-scan';
import type { GrantPair } from './fake-oauth';
import type { Host } from './types';

export { NOTIFICATIONS_OK, unknownLeads } from './fake-reminders';
export { CLIPBOARD_SECS_MAX, CLIPBOARD_SECS_MIN, UNKNOWN_INPUT, type FakeOptions, type StoredToken } from './fake-store';
export type { FakeFinding } from './fake-providers';
export { FAKE_USER_CODE, type RefreshFailure } from './fake-oauth';
export { BACKUP_PASSPHRASE_MIN, type FakeBackupFile } from './fake-backup';

export class FakeHost extends FakeScan implements Host {
  /** What the provider answers to the next live check (then the fake provider's own answer). */
  nextCheck: FakeFinding | ErrorInfo | null = null;
  /** What the provider answers to the next revoke or rotate, when it refuses (`provider`). */
  nextRefusal: ErrorInfo | null = null;

  openProviderLink = (link: LinkRef) =>
    this.answer(() => {
      const url = linkUrl(link);
      this.opened.push(url);
      if (typeof window !== 'undefined' && !navigator.userAgent.includes('jsdom')) {
        window.open(url, '_blank', 'noopener,noreferrer');
      }
    });

  checkShape = (provider: string, guide: string, secret: string) =>
    this.answer(() => shapeCheck(provider, guide, secret));

  /** The guide's abilities for a token whose secret can be read (else the vault's error). */
  private ability(t: StoredToken, what: 'check' | 'revoke' | 'rotate'): boolean {
    const secret = this.secretOf(t);
    const guide = guideFor(t.meta.provider, t.meta.kind, secret);
    return canFor(t.meta, guide)[what];
  }

  /** A live check, stored as the vault's `record_check` stores it. */
  private check(t: StoredToken): CheckReport {
    const now = this.now();
    if (t.meta.revoked_at !== null) return reportOf({ state: 'revoked', detail: 'Revoked in Tokenkeeper; nothing to check' }, now);
    if (!this.ability(t, 'check')) {
      reject('unsupported', `Tokenkeeper cannot ask ${this.providerName(t.meta.provider)} about this kind of token`);
    }
    const staged = this.nextCheck;
    this.nextCheck = null;
    if (staged && 'code' in staged) throw { ...staged };
    const finding = staged ?? fakeFinding(this.withStatus(t.meta), now);
    const report = reportOf(finding, now);
    const before = t.meta;
    t.meta = withFindings(t.meta, finding);
    if (remindersKey(before) !== remindersKey(t.meta)) t.reminders = null;
    t.check = report;
    this.log(t, 'checked', `${report.state}: ${report.detail}`);
    return report;
  }

  private refusal(): void {
    const err = this.nextRefusal;
    this.nextRefusal = null;
    if (err) throw { ...err };
  }

  /** Recorded revoked, as the vault's `mark_revoked`: the row and history stay, the secret goes. */
  private retire(t: StoredToken, detail: string): void {
    t.meta = { ...t.meta, revoked_at: t.meta.revoked_at ?? iso(this.now()), secret_missing: false };
    t.deleted = true;
    t.secret = '';
    t.masked = null;
    t.inspection = null;
    this.log(t, 'revoked', detail);
  }

  /** Store `secret` beside `old` as `NAME (new)`, as the vault's `add_replacement` does. */
  private replacement(old: StoredToken, secret: string, expiresAt: string | null): StoredToken {
    const o = old.meta;
    const taken = (n: string) => [...this.tokens.values()].some((x) => x.meta.provider === o.provider && x.meta.name === n);
    let name = `${o.name} (new)`;
    for (let n = 2; taken(name); n++) name = `${o.name} (new ${n})`;
    const t = this.store(secret, {
      provider: o.provider, name, kind: o.kind, scopes: o.scopes_source === 'user' ? o.scopes : null, account: null,
      expires_at: expiresAt, notes: o.notes, tags: o.tags, remind: o.remind, rotate_every_secs: o.rotate_every_secs,
      ...(o.instance_url === null ? {} : { instance_url: o.instance_url }),
    });
    this.log(old, 'rotated', `replacement stored as ${t.meta.provider}/${t.meta.name}`);
    return t;
  }

  /**
   * The replacement works: the new one takes the old one's name and the old one is renamed;
   * with `revoked` (the provider revoked it) the old one is also retired, else it stays live.
   */
  private takeOver(old: StoredToken, t: StoredToken, revoked: string | null): void {
    const name = old.meta.name;
    if (revoked !== null) this.retire(old, revoked);
    old.meta = { ...old.meta, name: `${name} (replaced ${iso(this.now()).slice(0, 10)})` };
    t.meta = { ...t.meta, name };
    this.log(t, 'edited', 'took over from the replaced token');
  }

  checkToken = (id: string) =>
    this.answer(() => {
      const report = this.check(this.get(id));
      queueMicrotask(() => this.emitChanged());
      return report;
    });

  /**
   * Revoke a sign-in at its server, as the vault's `revoke_grant_with`: both of its tokens are
   * retired; refused, they are kept and marked "revocation pending".
   */
  private revokeGrant(t: StoredToken, pair: GrantPair): StoredToken {
    const profile = t.grant?.profile ?? t.meta.provider;
    if (!this.canOf(t, null).revoke) reject('unsupported', `${profile} names no revocation endpoint: revoke the sign-in by hand`);
    this.secretOf(pair.access);
    const refusal = this.nextRefusal;
    this.nextRefusal = null;
    if (refusal) {
      this.setGrant(pair, { state: 'revocation_pending', detail: refusal.message, retry_at: null });
      reject('provider', `${refusal.message}; the tokens are kept and marked “revocation pending”`);
    }
    const detail = `${profile} accepted the revocation`;
    if (pair.refresh && pair.refresh.meta.revoked_at === null) this.retire(pair.refresh, detail);
    this.retire(pair.access, detail);
    this.setGrant(pair, { state: 'ok', detail: null, retry_at: null });
    return pair.access;
  }

  revokeToken = (id: string) =>
    this.answer(() => {
      const t = this.get(id);
      const pair = this.pairOf(t);
      if (pair) {
        const access = this.revokeGrant(t, pair);
        queueMicrotask(() => this.emitChanged());
        return this.withStatus(access.meta);
      }
      if (!this.ability(t, 'revoke')) {
        reject('unsupported', `${this.providerName(t.meta.provider)} offers no API to revoke this token: use the checklist`);
      }
      this.refusal();
      this.retire(t, `revoked at ${this.providerName(t.meta.provider)}`);
      queueMicrotask(() => this.emitChanged());
      return this.withStatus(t.meta);
    });

  markRevoked = (id: string) =>
    this.answer(() => {
      const t = this.get(id);
      this.retire(t, 'revoked by hand at the provider');
      queueMicrotask(() => this.emitChanged());
      return this.withStatus(t.meta);
    });

  /**
   * The fake provider's replacement is another paste sample of the same provider (the fake can
   * only store secrets the inspection fixture holds), with the old token's lifetime from now.
   */
  rotateToken = (id: string) =>
    this.answer(() => {
      const old = this.get(id);
      const name = this.providerName(old.meta.provider);
      if (!this.ability(old, 'rotate')) {
        reject('unsupported', `${name} offers no API to rotate this token: make a new one with the guide`);
      }
      this.refusal();
      const secret = Object.entries(this.inspections).find(
        ([input, a]) => input !== old.secret && 'ok' in a && a.ok.provider === old.meta.provider && a.ok.kind === old.meta.kind,
      )?.[0] ?? reject('provider', `The browser preview has no other ${name} sample to rotate to`);
      const set = Date.parse(this.secretSetAt(old));
      const exp = old.meta.expires_at === null ? null : Date.parse(old.meta.expires_at);
      const life = exp === null ? null : exp - set;
      const t = this.replacement(old, secret, life !== null && life > 0 ? iso(this.now() + life) : null);
      const check = this.check(t);
      const finished = check.state === 'valid';
      if (finished) this.takeOver(old, t, `rotated at ${name}`);
      queueMicrotask(() => this.emitChanged());
      return { old: this.withStatus(old.meta), new: this.withStatus(t.meta), check, finished };
    });

  addReplacement = (oldId: string, secret: string, expiresAt: string | null) =>
    this.answer(() => {
      const t = this.replacement(this.get(oldId), secret, expiresAt);
      queueMicrotask(() => this.emitChanged());
      return this.withStatus(t.meta);
    });

  finishReplacement = (oldId: string, newId: string) =>
    this.answer(() => {
      const old = this.get(oldId);
      const t = this.get(newId);
      // As the shell does: revoked through the provider's API where it has one.
      this.takeOver(old, t, this.ability(old, 'revoke') ? `revoked at ${this.providerName(old.meta.provider)}` : null);
      queueMicrotask(() => this.emitChanged());
      return this.withStatus(t.meta);
    });
}

export function createFakeHost(opts: FakeOptions = {}): FakeHost {
  return new FakeHost(opts);
}
