// The provider catalog as the UI needs it: names by id, with the id as a fallback.

import type { ProviderInfo } from '../bindings/ProviderInfo';
import type { Host } from '../host/types';
import { indexById } from './groups';

export class Providers {
  items = $state.raw<ProviderInfo[]>([]);
  byId = $derived(indexById(this.items));

  constructor(private readonly host: Host) {}

  async load(): Promise<void> {
    try {
      this.items = await this.host.listProviders();
    } catch (err) {
      // Without the catalog the list still works: providers are shown by id.
      console.error('could not load providers', err);
    }
  }

  name = (id: string): string => this.byId.get(id)?.name ?? id;
}
