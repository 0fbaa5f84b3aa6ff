// The OAuth / OIDC provider profiles, as the shell lists them (each with the flows core says it
// can run), with their loading and error state. Loaded when a sign-in is about to be chosen, so a
// profile added from the CLI shows up too.

import type { ErrorInfo } from '../bindings/ErrorInfo';
import type { Profile } from '../bindings/Profile';
import { toErrorInfo, type Host } from '../host/types';

export class Profiles {
  items = $state.raw<Profile[]>([]);
  loading = $state(false);
  /** False until the first load finished, successfully or not. */
  loaded = $state(false);
  /** Set when the last load failed; the previous items stay. */
  error = $state.raw<ErrorInfo | null>(null);

  constructor(private readonly host: Host) {}

  async load(): Promise<void> {
    this.loading = true;
    try {
      this.items = await this.host.listProfiles();
      this.error = null;
    } catch (err) {
      this.error = toErrorInfo(err);
    } finally {
      this.loading = false;
      this.loaded = true;
    }
  }

  /** A profile just saved, listed at once (a reload follows to pick up anything else). */
  put(profile: Profile): void {
    const known = this.items.some((p) => p.name === profile.name);
    this.items = known ? this.items.map((p) => (p.name === profile.name ? profile : p)) : [...this.items, profile];
  }

  byName(name: string | null): Profile | null {
    return name === null ? null : (this.items.find((p) => p.name === name) ?? null);
  }
}
