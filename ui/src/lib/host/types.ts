// The host interface: everything the UI may ask of the app shell. The Tauri implementation
// (`tauri.ts`) and the in-memory fake (`fake.ts`) both satisfy it; nothing else in the UI
// knows which one it talks to.
//
// Every method returns a Promise that rejects with an `ErrorInfo` (`{ code, message }`), never
// with a string or an Error, so callers can switch on `code`.

import type { CopyReceipt } from '../bindings/CopyReceipt';
import type { ErrorInfo } from '../bindings/ErrorInfo';
import type { Inspection } from '../bindings/Inspection';
import type { KeyringHealth } from '../bindings/KeyringHealth';
import type { LinkKind } from '../bindings/LinkKind';
import type { NewTokenMeta } from '../bindings/NewTokenMeta';
import type { NotificationHealth } from '../bindings/NotificationHealth';
import type { ProviderInfo } from '../bindings/ProviderInfo';
import type { Settings } from '../bindings/Settings';
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
   * opens only the address its own catalog has for that provider and kind (the UI never hands
   * it a URL); it rejects with `invalid_input` for a provider or kind the catalog has none for.
   */
  openProviderLink(provider: string, link: LinkKind): Promise<void>;
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
   * tray's token list asked for this token. The shell has already shown the window.
   */
  onOpenToken(cb: (tokenId: string) => void): Unsubscribe;
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
