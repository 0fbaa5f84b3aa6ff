// The fake host's lead times, reminders and notification health. Lead times are answered from
// fixtures/leads.json, which a Rust test writes from core's `parse_leads` / `format_leads`: a
// text or a set of leads the fixture does not hold is refused, never parsed here. A token's
// reminders are core's (the demo fixture's) until the fake changes something they depend on;
// then it says less rather than guess.

import type { ErrorInfo } from '../bindings/ErrorInfo';
import type { NotificationHealth } from '../bindings/NotificationHealth';
import type { ReminderInfo } from '../bindings/ReminderInfo';
import type { TokenMeta } from '../bindings/TokenMeta';
import { LEADS } from './fixture-data';
import { reject, type StoredToken } from './fake-store';

/** What `notification_health` answers while a notification server runs (the default). */
export const NOTIFICATIONS_OK: NotificationHealth = { ok: true, server: null, message: null };

/** The answer for lead times the fixtures do not hold. */
export function unknownLeads(what: string): ErrorInfo {
  const known = Object.keys(LEADS.parsed).filter((k) => k.trim() !== '').join(' · ');
  return {
    code: 'invalid_input',
    message: `The browser preview only knows the lead times in fixtures/leads.json, not ${what}; try one of: ${known}`,
  };
}

/** How core writes `leads`, when the fixture holds them. */
export function leadsText(leads: readonly number[]): string | null {
  const same = (a: readonly number[]) => a.length === leads.length && a.every((x, i) => x === leads[i]);
  for (const answer of Object.values(LEADS.parsed)) {
    if ('ok' in answer && answer.ok !== null && answer.text !== null && same(answer.ok)) return answer.text;
  }
  return same(LEADS.default) ? LEADS.default_text : null;
}

/** What `parse_leads` answers for `text`; its error (or `unknownLeads`) is thrown. */
export function parsedLeads(text: string): number[] | null {
  const answer = Object.hasOwn(LEADS.parsed, text) ? LEADS.parsed[text] : undefined;
  if (answer === undefined) throw unknownLeads(`"${text}"`);
  if ('error' in answer) throw { ...answer.error };
  return answer.ok;
}

/** What `format_leads` answers for `leads`; leads the fixture does not hold are refused. */
export function formattedLeads(leads: number[]): string {
  return leadsText(leads) ?? reject('invalid_input', unknownLeads(`[${leads.join(', ')}]`).message);
}

/**
 * The token's reminders: core's (from the fixture) while nothing they depend on changed here.
 * Otherwise the fake cannot know which leads fit the token's life or when the next one is due,
 * so it lists the leads that apply (its own, else the app's `appLeads`), unskipped, and no next
 * reminder.
 */
export function remindersOf(t: StoredToken, appLeads: readonly number[]): ReminderInfo {
  if (t.reminders) return t.reminders;
  const leads = t.meta.remind ?? appLeads;
  return { own: t.meta.remind !== null, leads_text: leadsText(leads) ?? '(not in fixtures/leads.json)', next_at: null };
}

/** What a token's reminders depend on: when this changes, core's answer no longer holds. */
export function remindersKey(meta: TokenMeta): string {
  return JSON.stringify([meta.expires_at, meta.not_before, meta.remind, meta.rotate_at]);
}
