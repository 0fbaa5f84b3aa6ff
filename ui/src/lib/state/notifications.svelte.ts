// Whether reminders can reach the desktop. When the app's check finds no notification server,
// the banner says so with the app's message (what to install). The user may dismiss it for the
// session; it comes back when the app says the health changed again (`notifications-changed`)
// and it is still, or again, unavailable.

import type { NotificationHealth } from '../bindings/NotificationHealth';
import { toErrorInfo, type Host, type Unsubscribe } from '../host/types';

export class Notifications {
  health = $state<NotificationHealth | null>(null);
  dismissed = $state(false);
  /** The banner's text when notifications are unavailable (and not dismissed); null otherwise. */
  readonly problem: string | null;

  constructor(private readonly host: Host) {
    this.problem = $derived(
      this.health === null || this.health.ok || this.dismissed
        ? null
        : (this.health.message ?? 'No notification server answered.'),
    );
  }

  async check(): Promise<void> {
    try {
      this.health = await this.host.notificationHealth();
    } catch (err) {
      // Not knowing is not a reason to nag: keep what was known, and say why in the console.
      console.error('could not ask for notification health', toErrorInfo(err));
    }
  }

  /** Check again whenever the app says the health changed; returns the unsubscribe. */
  follow(): Unsubscribe {
    return this.host.onNotificationsChanged(() => {
      this.dismissed = false;
      void this.check();
    });
  }

  dismiss(): void {
    this.dismissed = true;
  }
}
