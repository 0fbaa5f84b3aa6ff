// The fake host's events: one channel per event the shell emits, so a test (or the fake itself)
// can announce what the app would.

import type { Unsubscribe } from './types';

/** The subscribers to one event. */
export class Channel<A extends unknown[] = []> {
  private readonly subs = new Set<(...args: A) => void>();

  /** Subscribe, as a `Host.on…` method does. */
  readonly on = (cb: (...args: A) => void): Unsubscribe => {
    this.subs.add(cb);
    return () => void this.subs.delete(cb);
  };

  emit(...args: A): void {
    for (const cb of [...this.subs]) cb(...args);
  }
}
