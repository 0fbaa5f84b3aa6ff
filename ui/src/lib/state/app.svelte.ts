// The window's state in one place: the host, the stores, what is selected and filtered, which
// dialog is open. Components reach it through context (`useApp`), so tests can mount any part
// of the UI with a fake host.

import { getContext, setContext } from 'svelte';
import type { Settings } from '../bindings/Settings';
import type { TokenMeta } from '../bindings/TokenMeta';
import type { Host } from '../host/types';
import { visibleTokens } from './filter';
import { Keyring } from './keyring.svelte';
import { Providers } from './providers.svelte';
import { Toasts } from './toast.svelte';
import { Tokens } from './tokens.svelte';

export type DialogName = 'add' | 'edit' | 'delete' | 'settings';

export class AppState {
  readonly tokens: Tokens;
  readonly providers: Providers;
  readonly keyring: Keyring;
  readonly toasts = new Toasts();
  settings = $state<Settings>({ clipboard_clear_secs: 30 });

  query = $state('');
  /** The provider picked in the sidebar; null is "All tokens". */
  providerFilter = $state<string | null>(null);
  selectedId = $state<string | null>(null);
  dialog = $state<DialogName | null>(null);
  /** Bumped to ask the detail pane to reveal, or to reload after a copy. */
  revealRequest = $state(0);
  detailNonce = $state(0);

  /** The list as shown: filtered by sidebar and query, soonest expiry first. */
  visible: TokenMeta[];
  selectedIndex: number;
  selected: TokenMeta | null;

  constructor(readonly host: Host) {
    this.tokens = new Tokens(host);
    this.providers = new Providers(host);
    this.keyring = new Keyring(host);
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
    void this.providers.load();
    void this.tokens.load();
    void this.keyring.check();
    this.host.getSettings().then(
      (s) => (this.settings = s),
      (err: unknown) => this.keyring.report(err),
    );
    return () => {
      offChanged();
      offCleared();
      offKeyring();
    };
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
    if (dialog !== 'add' && dialog !== 'settings' && this.selected === null) return;
    this.dialog = dialog;
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
