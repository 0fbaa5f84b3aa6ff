// Whether the OS keyring works. Any call that fails with a `keyring_*` code raises the banner;
// Retry asks the host again and lowers it when the keyring answers, and so does the app's
// `keyring-changed` event (after its start-up reconcile, which may find the keyring holds none
// of this vault's items: `keyring_not_this_vault`).

import type { ErrorInfo } from '../bindings/ErrorInfo';
import { isKeyringError, toErrorInfo, type Host, type Unsubscribe } from '../host/types';

export class Keyring {
  error = $state<ErrorInfo | null>(null);
  checking = $state(false);

  constructor(private readonly host: Host) {}

  /** Returns true when the keyring is usable. */
  async check(): Promise<boolean> {
    this.checking = true;
    try {
      const health = await this.host.keyringHealth();
      this.error = health.ok
        ? null
        : (health.error ?? { code: 'keyring_failure', message: 'The keyring is not available.' });
    } catch (err) {
      this.error = toErrorInfo(err);
    } finally {
      this.checking = false;
    }
    return this.error === null;
  }

  /** Check again whenever the app says the keyring changed; returns the unsubscribe. */
  follow(): Unsubscribe {
    return this.host.onKeyringChanged(() => void this.check());
  }

  /** Raise the banner if `err` came from the keyring; returns the error as ErrorInfo either way. */
  report(err: unknown): ErrorInfo {
    const info = toErrorInfo(err);
    if (isKeyringError(info)) this.error = info;
    return info;
  }
}
