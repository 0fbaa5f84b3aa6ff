// The host interface: everything the UI may ask of the app shell. The Tauri implementation
// (`tauri.ts`) and the in-memory fake (`fake.ts`) both satisfy it; nothing else in the UI
// knows which one it talks to.
//
// Every method returns a Promise that rejects with an `ErrorInfo` (`{ code, message }`), never
// with a string or an Error, so callers can switch on `code`.

import type { BackupPick } from '../bindings/BackupPick';
import type { CheckReport } from '../bindings/CheckReport';
import type { CopyReceipt } from '../bindings/CopyReceipt';
import type { ErrorInfo } from '../bindings/ErrorInfo';
import type { ExportOutcome } from '../bindings/ExportOutcome';
import type { ImportOutcome } from '../bindings/ImportOutcome';
import type { Flow } from '../bindings/Flow';
import type { Inspection } from '../bindings/Inspection';
import type { KeyringHealth } from '../bindings/KeyringHealth';
import type { LinkRef } from '../bindings/LinkRef';
import type { LoginFinished } from '../bindings/LoginFinished';
import type { LoginStarted } from '../bindings/LoginStarted';
import type { NewTokenMeta } from '../bindings/NewTokenMeta';
import type { NotificationHealth } from '../bindings/NotificationHealth';
import type { Profile } from '../bindings/Profile';
import type { ProfileInput } from '../bindings/ProfileInput';
import type { ProviderInfo } from '../bindings/ProviderInfo';
import type { RestoreReport } from '../bindings/RestoreReport';
import type { ScanReport } from '../bindings/ScanReport';
import type { Rotation } from '../bindings/Rotation';
import type { Settings } from '../bindings/Settings';
import type { ShapeCheck } from '../bindings/ShapeCheck';
import type { TokenDetail } from '../bindings/TokenDetail';
import type { TokenMeta } from '../bindings/TokenMeta';
import type { TokenPatch } from '../bindings/TokenPatch';

export type Unsubscribe = () => void;

export interface Host {
  listTokens(): Promise<TokenMeta[]>;
  listProviders(): Promise<ProviderInfo[]>;
  inspect(input: string): Promise<Inspection>;
  addToken(secret: string, meta: NewTokenMeta): Promise<TokenMeta>;
  /**
   * Saves an edit and, when `secret` is not null, the replaced secret, in one call: a failure
   * saves neither.
   */
  updateToken(id: string, patch: TokenPatch, secret: string | null): Promise<TokenMeta>;
  deleteToken(id: string): Promise<void>;
  tokenDetail(id: string): Promise<TokenDetail>;
  /** The only call that returns a secret. */
  revealToken(id: string): Promise<string>;
  /** The copy happens in the shell, which clears it later; the UI never sees the secret. */
  copyToken(id: string): Promise<CopyReceipt>;
  keyringHealth(): Promise<KeyringHealth>;
  getSettings(): Promise<Settings>;
  setSettings(settings: Settings): Promise<Settings>;
  /** Whether reminders reach the desktop (a notification server answered at the last check). */
  notificationHealth(): Promise<NotificationHealth>;
  /**
   * Lead times as a person types them (`14d,3d,1h,0`), read by core's one parser: seconds,
   * longest first; `null` for `default` (the app's), `[]` for `none` or nothing. Rejects with
   * `invalid_input`, saying what is wrong, for anything else.
   */
  parseLeads(text: string): Promise<number[] | null>;
  /** Lead times as core writes them (`14d,3d,1d,1h,0`, or `none`). */
  formatLeads(leads: number[]): Promise<string>;
  /**
   * Open one of a provider's pages in the system browser, never in the app's window. The shell
   * opens only the address its own catalog has for that provider, guide, step and kind (the UI
   * never hands it a URL); it rejects with `invalid_input` for a link the catalog has none for.
   */
  openProviderLink(link: LinkRef): Promise<void>;
  /** Whether a pasted token has the shape the guide documents (prefix, length, checksum). */
  checkShape(provider: string, guide: string, secret: string): Promise<ShapeCheck>;
  /**
   * Ask the provider about a stored token (network; may take seconds) and keep what it said:
   * facts it states replace the stored ones, facts it does not state stay as they were. Rejects
   * with `unsupported` when the app cannot ask this provider about this kind of token.
   */
  checkToken(id: string): Promise<CheckReport>;
  /**
   * Revoke through the provider's API; the token becomes revoked and its secret is deleted.
   * Rejects with `provider` (refused, rate limited, unreachable: nothing changed) or
   * `unsupported` (no API for it: use the checklist).
   */
  revokeToken(id: string): Promise<TokenMeta>;
  /** Record a revocation the user did by hand at the provider (the secret is deleted). */
  markRevoked(id: string): Promise<TokenMeta>;
  /**
   * The provider issues a replacement (GitLab): stored beside the old token, checked, and in
   * the old one's place when the check passes (`finished`); otherwise both are kept.
   */
  rotateToken(id: string): Promise<Rotation>;
  /** Store a replacement made with the guide beside the old token, as `NAME (new)`. */
  addReplacement(oldId: string, secret: string, expiresAt: string | null): Promise<TokenMeta>;
  /** The replacement works: the old token is recorded revoked and renamed, the new one takes its name. */
  finishReplacement(oldId: string, newId: string): Promise<TokenMeta>;
  /** The OAuth / OIDC provider profiles, each with the flows core says it can run. */
  listProfiles(): Promise<Profile[]>;
  /**
   * Save a profile (a new name adds one, an existing name replaces it). Discovery of the issuer
   * runs in the shell (network; may take seconds). `clientSecret` goes to the keyring, never to
   * the database. Rejects with `invalid_input` (a missing or unusable field, in words) or
   * `provider` (the issuer could not be reached or read).
   */
  saveProfile(input: ProfileInput, clientSecret: string | null): Promise<Profile>;
  /**
   * Start a sign-in with `profile`'s `flow`; for the code flow the shell opens the system
   * browser itself. It ends with a `login-finished` event for the returned `login_id` (which may
   * come before this call answers). `name` null lets the shell name the token; an existing name
   * of the same profile is "sign in again": the shell replaces that token's secrets in place
   * (same id, same history).
   */
  startLogin(profile: string, flow: Flow, name: string | null): Promise<LoginStarted>;
  /** Stop a sign-in under way; it ends with a `login-finished` event with `cancelled`. */
  cancelLogin(loginId: string): Promise<void>;
  /**
   * Open a sign-in's own page (its authorization URL or verification URI) in the system browser
   * again; the UI never hands the shell a URL. Rejects with `invalid_input` once it has ended.
   */
  openLoginPage(loginId: string): Promise<void>;
  /**
   * Refresh the grant token `id` belongs to (its access or its refresh token) now; single-flight
   * in the shell. Answers the access token. Rejects with `sign_in_again` (the grant has ended;
   * only a new sign-in helps) or `provider` (the tokens are kept; the message says when the next
   * try is).
   */
  refreshToken(id: string): Promise<TokenMeta>;
  /**
   * Ask the token's server about it (RFC 7662): its answer as sent. Anything but
   * `active === true` means inactive. Rejects with `unsupported` for a token from no sign-in or
   * a server with no introspection endpoint.
   */
  introspectToken(id: string): Promise<Record<string, unknown>>;
  /**
   * Export every token with a secret into one file encrypted with `passphrase` (age). The
   * shell refuses a passphrase under 8 characters (`invalid_input`) before anything else, then
   * asks the user where to save in a native dialog (the page never names a path); answers
   * `cancelled` when the user closes it. Each secret read is logged on its token (`accessed`,
   * "app export"). Nothing secret comes back: only counts, names and the file's name.
   */
  exportBackup(passphrase: string): Promise<ExportOutcome>;
  /**
   * The user picks a backup file in a native open dialog; the shell reads and holds it, and
   * answers a handle for `restoreBackup` (or `cancelled`). Picking another file drops the first.
   */
  chooseBackup(): Promise<BackupPick>;
  /**
   * Decrypt the picked backup (`file`, from `chooseBackup`) and restore it; with `dryRun`, only
   * say what it would do. A token already here with the same secret stays `unchanged`; one whose
   * id or name is taken is stored beside it (`restored_as_new`, `NAME (restored)`). Rejects with
   * `invalid_input` for a wrong passphrase or a file that is not a backup (nothing changed), or
   * a handle no longer held (choose the file again). A restore that changed anything is followed
   * by `tokens-changed`; the handle is let go after it.
   */
  restoreBackup(file: string, passphrase: string, dryRun: boolean): Promise<RestoreReport>;
  /**
   * "Find tokens on this machine": where it looked (the usual config files: `~/.npmrc`,
   * `~/.netrc`, gh's `hosts.yml`, `~/.env`), and each of them that exists with the tokens found
   * in it and what importing would do (`store`, `already_stored`, `same_as_above`), or the
   * reason it could not be read.
   * Read-only: nothing is stored and no file changes. Only masked previews, never a secret.
   */
  scanForTokens(): Promise<ScanReport>;
  /**
   * Import every token of `files` (paths exactly as the last scan listed them; any other path is
   * refused with `invalid_input`, nothing read), and with `rewrite` replace each in its file
   * with a reference, as `tokenkeeper import --rewrite` does. Followed by `tokens-changed`.
   */
  importFound(files: string[], rewrite: boolean): Promise<ImportOutcome>;
  /** Event `login-finished`, payload `LoginFinished`: a sign-in ended (stored, failed or cancelled). */
  onLoginFinished(cb: (done: LoginFinished) => void): Unsubscribe;
  /** Event `tokens-changed` (no payload needed): the stored list changed outside this window's call. */
  onTokensChanged(cb: () => void): Unsubscribe;
  /** Event `clipboard-cleared`, payload `ClipboardCleared` (`{ token_id }`). */
  onClipboardCleared(cb: (tokenId: string) => void): Unsubscribe;
  /**
   * Event `keyring-changed` (no payload): the app reconciled the keyring after start-up, so its
   * health may have changed (it may hold none of this vault's items); ask `keyringHealth` again.
   */
  onKeyringChanged(cb: () => void): Unsubscribe;
  /**
   * Event `open-token`, payload `OpenToken` (`{ token_id }`): a notification's "Open" or the
   * tray's token list asked for this token; with `renew` (a notification's "Renew…"), at its
   * provider's guide for a replacement. The shell has already shown the window.
   */
  onOpenToken(cb: (tokenId: string, renew: boolean) => void): Unsubscribe;
  /** Event `notifications-changed` (no payload): ask `notificationHealth` again. */
  onNotificationsChanged(cb: () => void): Unsubscribe;
}

/** True for an `ErrorInfo`-shaped value. */
export function isErrorInfo(value: unknown): value is ErrorInfo {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.code === 'string' && typeof v.message === 'string';
}

/** Turns whatever a call rejected with into an `ErrorInfo`. */
export function toErrorInfo(err: unknown): ErrorInfo {
  // A code this build does not know yet is kept as is: codes may be added on the Rust side.
  if (isErrorInfo(err)) return { code: err.code, message: err.message };
  if (typeof err === 'string') return { code: 'internal', message: err };
  if (err instanceof Error) return { code: 'internal', message: err.message };
  return { code: 'internal', message: 'Something went wrong in the app shell.' };
}

/** Keyring failures get the banner; everything else is shown where it happened. */
export function isKeyringError(err: ErrorInfo): boolean {
  return err.code.startsWith('keyring_');
}
