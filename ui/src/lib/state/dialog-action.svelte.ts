// What every dialog's main button does: busy while the work runs; on success a toast and the
// dialog closes; on failure the error stays in the dialog (a keyring error also raises the
// banner, through keyring.report) and the user can try again.

import type { ErrorInfo } from '../bindings/ErrorInfo';
import type { AppState } from './app.svelte';

export class DialogAction {
  busy = $state(false);
  error = $state<ErrorInfo | null>(null);

  constructor(private readonly app: AppState) {}

  /** Runs `work`, which returns the confirmation to show. */
  async run(work: () => Promise<string>): Promise<void> {
    this.busy = true;
    this.error = null;
    try {
      this.app.toasts.show(await work());
      this.app.dialog = null;
    } catch (err) {
      this.error = this.app.keyring.report(err);
    } finally {
      this.busy = false;
    }
  }
}
