// A guide's lifetimes as the wizard offers them. The figures and the choices are the catalog's
// (core's data); this only reads them: which choice matches the default, how a figure reads, and
// the expiry a choice proposes from now.

import type { Figure } from '../bindings/Figure';
import type { GuideLifetime } from '../bindings/GuideLifetime';
import { DAY_SECS } from './format';

const HOURS_PER_DAY = 24;

/** A figure in days (fractions for hours); null when it is none (no expiry, no maximum). */
export function figureDays(f: Figure): number | null {
  if (f.days === null && f.hours === null) return null;
  return (f.days ?? 0) + (f.hours ?? 0) / HOURS_PER_DAY;
}

const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`;

/** How a figure reads: `30 days`, `8 hours`, `none`. */
export function figureText(f: Figure, none = 'none'): string {
  if (f.days === null && f.hours === null) return none;
  const parts: string[] = [];
  if (f.days) parts.push(plural(f.days, 'day'));
  if (f.hours) parts.push(plural(f.hours, 'hour'));
  return parts.length > 0 ? parts.join(' ') : plural(0, 'hour');
}

/** How a choice of the lifetime list reads (0 is "No expiry"). */
export function choiceText(days: number): string {
  return days === 0 ? 'No expiry' : plural(days, 'day');
}

/**
 * The choice to preselect: the default lifetime when it is offered, else the longest choice
 * under it (a default of none: "No expiry" when offered, else the longest); null when the guide
 * offers no choice.
 */
export function preferredChoice(l: GuideLifetime): number | null {
  const choices = l.choices_days;
  if (choices.length === 0) return null;
  const def = figureDays(l.default);
  const longest = (xs: number[]) => xs.reduce((a, b) => Math.max(a, b));
  if (def === null) return choices.includes(0) ? 0 : longest(choices);
  if (choices.includes(def)) return def;
  const under = choices.filter((c) => c > 0 && c < def);
  return under.length > 0 ? longest(under) : (choices[0] ?? null);
}

/**
 * The expiry (epoch ms, to the minute) a lifetime proposes from `nowMs`: the chosen days, or
 * the default figure when the guide offers no choice; null for no expiry.
 */
export function proposedExpiry(l: GuideLifetime, choice: number | null, nowMs: number): number | null {
  const days = choice ?? figureDays(l.default);
  if (days === null || days === 0) return null;
  const ms = nowMs + days * DAY_SECS * 1000;
  return ms - (ms % 60_000);
}
