// One toast at a time: the newest message replaces the last and fades after a few seconds.

export class Toasts {
  message = $state<string | null>(null);
  /** Bumped per message, so the same text twice still restarts the timer. */
  serial = $state(0);
  private timer: ReturnType<typeof setTimeout> | undefined;

  show(message: string, ms = 4000): void {
    clearTimeout(this.timer);
    this.message = message;
    this.serial += 1;
    this.timer = setTimeout(() => (this.message = null), ms);
  }

  dismiss(): void {
    clearTimeout(this.timer);
    this.message = null;
  }
}
