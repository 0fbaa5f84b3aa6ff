// The window's state in one place: the host, the stores, what is selected and filtered, which
// dialog is open. Components reach it through context (`useApp`), so tests can mount any part
// of the UI with a fake host.

import { getContext, setContext } from 'svelte';
import type { TokenMeta } from '../bindings/TokenMeta';
import type { Host } from '../host/types';
import { matchesFilter, visibleTokens } from './filter';
import { Keyring } from './keyring.svelte';
import { Notifications } from './notifications.svelte';
import { Profiles } from './profiles.svelte';
import { Providers } from './providers.svelte';
import type { SignInAsk } from './sign-in.svelte';
import { Toasts } from './toast.svelte';
import { Tokens } from './tokens.svelte';

export type DialogName = 'add' | 'edit' | 'delete' | 'settings' | 'generate' | 'revoke' | 'rotate' | 'sign-in' | 'find';

/** What the Generate wizard starts with: a provider and guide to preselect, a token it replaces. */
export interface GenerateStart {
  provider: string | null;
  guide: string | null;
  /** The id of the token the new one replaces (the wizard's replace mode). */
  replaces: string | null;
  /** Start at the OAuth sign-in with this provider profile picked. */
  profile: string | null;
}

export class AppState {
  readonly tokens: Tokens;
  readonly providers: Providers;
  readonly keyring: Keyring;
  readonly notifications: Notifications;
  readonly profiles: Profiles;
  readonly toasts = new Toasts();

  query = $state('');
  /** The provider picked in the sidebar; null is "All tokens". */
  providerFilter = $state<string | null>(null);
  selectedId = $state<string | null>(null);
  dialog = $state<DialogName | null>(null);
  /** Read by the Generate wizard when it opens (see `openGenerate`). */
  generate = $state.raw<GenerateStart>({ provider: null, guide: null, replaces: null, profile: null });
  /** Read by the sign-in dialog ("Sign in again") when it opens (see `openSignIn`). */
  signIn = $state.raw<SignInAsk | null>(null);
  /** Bumped to ask the detail pane to reveal, or to reload after a copy. */
  revealRequest = $state(0);
  detailNonce = $state(0);
  /** Bumped when the app asked to show a token (`open-token`), so the window brings its detail into view. */
  openRequest = $state(0);

  /** The list as shown: filtered by sidebar and query, soonest expiry first. */
  visible: TokenMeta[];
  selectedIndex: number;
  selected: TokenMeta | null;

  constructor(readonly host: Host) {
    this.tokens = new Tokens(host);
    this.providers = new Providers(host);
    this.keyring = new Keyring(host);
    this.notifications = new Notifications(host);
    this.profiles = new Profiles(host);
    this.visible = $derived(
      visibleTokens(this.tokens.items, this.query, this.providerFilter, this.providers.name),
    );
    this.selectedIndex = $derived(this.visible.findIndex((t) => t.id === this.selectedId));
    this.selected = $derived(this.tokens.byId(this.selectedId));
  }

  /** Load everything and follow the host's events; returns the cleanup. */
  start(): () => void {
    const offChanged = this.host.onTokensChanged(() => void this.tokens.load());
    const offCleared = this.host.onClipboardCleared(() => this.toasts.show('Clipboard cleared'));
    const offKeyring = this.keyring.follow();
    const offNotifications = this.notifications.follow();
    const offOpen = this.host.onOpenToken((id, renew) => void this.openToken(id, renew));
    void this.providers.load();
    void this.tokens.load();
    void this.keyring.check();
    void this.notifications.check();
    return () => {
      offChanged();
      offCleared();
      offKeyring();
      offNotifications();
      offOpen();
    };
  }

  /**
   * Show a token the app asked for (a notification's "Open", the tray): select it, lift the
   * parts of the filter that hide it, and ask the window to bring its detail into view. With
   * `renew` (a notification's "Renew…"), open its provider's guide to make the replacement.
   */
  async openToken(id: string, renew = false): Promise<void> {
    // It may be newer than the list (added from the CLI), or the list may not be loaded yet.
    if (this.tokens.byId(id) === null) await this.tokens.load();
    const token = this.tokens.byId(id);
    if (token === null) {
      this.toasts.show('That token is no longer in Tokenkeeper.');
      return;
    }
    if (this.providerFilter !== null && this.providerFilter !== token.provider) this.providerFilter = null;
    if (!matchesFilter(token, this.query, this.providers.name(token.provider))) this.query = '';
    this.selectedId = id;
    this.openRequest += 1;
    if (renew) {
      // The token's own guide (its kind, its prefix), as the detail pane knows it.
      const guide = await this.host.tokenDetail(id).then((d) => d.guide, () => null);
      this.openGenerate({ provider: token.provider, guide, replaces: id });
    }
  }

  select(id: string | null): void {
    this.selectedId = id;
  }

  /** Move the selection by `delta` rows within the visible list, clamped at the ends. */
  move(delta: number): void {
    const list = this.visible;
    if (list.length === 0) return;
    const from = this.selectedIndex;
    const to = from === -1 ? (delta > 0 ? 0 : list.length - 1) : from + delta;
    this.selectedId = list[Math.max(0, Math.min(list.length - 1, to))]?.id ?? null;
  }

  async copy(id: string): Promise<void> {
    try {
      const { clear_after_secs } = await this.host.copyToken(id);
      this.toasts.show(`Copied — clipboard clears in ${clear_after_secs} s`);
      this.detailNonce += 1;
    } catch (err) {
      this.toasts.show(`Could not copy: ${this.keyring.report(err).message}`);
    }
  }

  async retryKeyring(): Promise<void> {
    if (await this.keyring.check()) {
      this.detailNonce += 1;
      await this.tokens.load();
    }
  }

  open(dialog: DialogName): void {
    const global = dialog === 'add' || dialog === 'settings' || dialog === 'generate' || dialog === 'find';
    if (!global && this.selected === null) return;
    this.dialog = dialog;
  }

  /** Open the Generate wizard (in place of any other dialog), preselecting what `start` names. */
  openGenerate(start: Partial<GenerateStart> = {}): void {
    this.generate = { provider: null, guide: null, replaces: null, profile: null, ...start };
    this.dialog = 'generate';
  }

  /** Open the sign-in dialog, which starts `ask` at once ("Sign in again"). */
  openSignIn(ask: SignInAsk): void {
    this.signIn = ask;
    this.dialog = 'sign-in';
  }
}

const KEY = Symbol('tokenkeeper-app');

export function provideApp(app: AppState): AppState {
  return setContext(KEY, app);
}

export function useApp(): AppState {
  const app = getContext<AppState | undefined>(KEY);
  if (!app) throw new Error('useApp() outside <App>');
  return app;
}
