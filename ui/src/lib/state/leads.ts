// The reminder choice of a token's form, read through core: the app's lead times (null), none
// ([]), or custom ones as typed, which core parses (its error shown in place when they do not
// read). Shared by the Add and Edit dialogs.

import type { RemindMode } from '../../components/ReminderFields.svelte';
import { toErrorInfo, type Host } from '../host/types';

export type LeadsChoice = { leads: number[] | null } | { error: string };

export async function readLeads(host: Host, mode: RemindMode, text: string): Promise<LeadsChoice> {
  if (mode === 'default') return { leads: null };
  if (mode === 'none') return { leads: [] };
  try {
    return { leads: await host.parseLeads(text) };
  } catch (err) {
    return { error: toErrorInfo(err).message };
  }
}

/** The app's lead times as core writes them, to start a custom choice from ('' when unknown). */
export async function appLeadsText(host: Host): Promise<string> {
  try {
    return await host.formatLeads((await host.getSettings()).remind_leads_secs);
  } catch {
    return '';
  }
}
