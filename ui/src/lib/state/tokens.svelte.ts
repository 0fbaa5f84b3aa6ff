// The stored token list (metadata only), sorted once per load, with its loading and error state.

import type { ErrorInfo } from '../bindings/ErrorInfo';
import type { TokenMeta } from '../bindings/TokenMeta';
import { toErrorInfo, type Host } from '../host/types';
import { sortTokens } from './filter';

export class Tokens {
  /** Sorted by soonest expiry. Raw: rows are replaced, never mutated. */
  items = $state.raw<TokenMeta[]>([]);
  loading = $state(false);
  /** Set when the last load failed; the previous items stay visible. */
  error = $state<ErrorInfo | null>(null);
  /** False until the first load finished, successfully or not. */
  loaded = $state(false);
  /** Bumped after every successful load, so dependants (the detail pane) refresh too. */
  version = $state(0);

  constructor(private readonly host: Host) {}

  async load(): Promise<void> {
    this.loading = true;
    try {
      this.items = sortTokens(await this.host.listTokens());
      this.error = null;
      this.version += 1;
    } catch (err) {
      this.error = toErrorInfo(err);
    } finally {
      this.loading = false;
      this.loaded = true;
    }
  }

  byId(id: string | null): TokenMeta | null {
    return id === null ? null : (this.items.find((t) => t.id === id) ?? null);
  }
}
