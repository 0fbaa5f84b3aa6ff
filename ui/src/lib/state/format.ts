// How times read in the UI: countdowns (`in 12d 4h`, `in 4h 12m`, `in 12:09`, `expired 2h ago`),
// relative times for claims, absolute local and UTC strings for tooltips, and datetime-local
// conversions. Each text that changes with the clock comes with the instant it next changes, so
// the shared clock only wakes when something on screen would read differently.

const SEC = 1000;
const MIN = 60 * SEC;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

/** Seconds in a day, for fields that take a number of days ("rotate every N days"). */
export const DAY_SECS = 86_400;
const HOUR_SECS = 3_600;
const MIN_SECS = 60;

const pad = (n: number) => String(n).padStart(2, '0');

/** `Xd Yh` / `Xh` / `Xm` style span for a positive duration, coarsest two units. */
function span(ms: number): string {
  if (ms >= DAY) return `${Math.floor(ms / DAY)}d`;
  if (ms >= HOUR) return `${Math.floor(ms / HOUR)}h`;
  return `${Math.floor(ms / MIN)}m`;
}

/** Whole unix seconds, as core counts them (core's instants are whole seconds). */
const secs = (ms: number) => Math.floor(ms / SEC);

/**
 * The countdown for a token expiring at `expiresMs` (null: never), in core's words
 * (`clock::countdown`, tested against fixtures/countdowns.json): `in 12d 4h` from a day out,
 * `in 4h 12m` under a day, `in 12:09` under an hour, then `expired just now`, `expired 5m ago`,
 * `expired 2h ago`, `expired 3d ago`. It reads `in 00:01` until the instant the token expires.
 */
export function formatCountdown(expiresMs: number | null, nowMs: number): string {
  if (expiresMs === null) return 'never expires';
  const left = secs(expiresMs) - secs(nowMs);
  if (left > 0) {
    if (left >= DAY_SECS) return `in ${Math.floor(left / DAY_SECS)}d ${Math.floor((left % DAY_SECS) / HOUR_SECS)}h`;
    if (left >= HOUR_SECS) return `in ${Math.floor(left / HOUR_SECS)}h ${Math.floor((left % HOUR_SECS) / MIN_SECS)}m`;
    return `in ${pad(Math.floor(left / MIN_SECS))}:${pad(left % MIN_SECS)}`;
  }
  const ago = secs(nowMs) - secs(expiresMs);
  if (ago < MIN_SECS) return 'expired just now';
  return `expired ${span(ago * SEC)} ago`;
}

/** The unit `formatCountdown` shows whole numbers of, in seconds, for `left` (negative: ago). */
function countdownUnit(left: number): number {
  if (left >= DAY_SECS) return HOUR_SECS;
  if (left >= HOUR_SECS) return MIN_SECS;
  if (left > 0) return 1;
  const ago = -left;
  if (ago < HOUR_SECS) return MIN_SECS;
  return ago < DAY_SECS ? HOUR_SECS : DAY_SECS;
}

/**
 * The instant (epoch ms) at which `formatCountdown(expiresMs, ·)` next reads differently, or
 * null for a token that never expires. Before expiry the text shows whole units of the time
 * left, so it changes one second after the time left reaches a multiple of the unit; after
 * expiry it shows whole units of the time since, so it changes when that reaches the next one.
 */
export function countdownChangesAt(expiresMs: number | null, nowMs: number): number | null {
  if (expiresMs === null) return null;
  const now = secs(nowMs);
  const left = secs(expiresMs) - now;
  const unit = countdownUnit(left);
  const next = left > 0 ? now + (left % unit) + 1 : now + unit - (-left % unit);
  return next * SEC;
}

/** A relative time for claims and events: `in 3d`, `5m ago`, `just now`. */
export function formatRelative(ms: number, nowMs: number): string {
  const diff = ms - nowMs;
  if (Math.abs(diff) < MIN) return 'just now';
  return diff > 0 ? `in ${span(diff)}` : `${span(-diff)} ago`;
}

/** The span unit `formatRelative` shows for a positive duration. */
const spanUnit = (ms: number) => (ms >= DAY ? DAY : ms >= HOUR ? HOUR : MIN);

/** The instant (epoch ms) at which `formatRelative(ms, ·)` next reads differently. */
export function relativeChangesAt(ms: number, nowMs: number): number {
  const diff = ms - nowMs;
  // `just now` from a minute before to a minute after.
  if (Math.abs(diff) < MIN) return ms + MIN;
  if (diff > 0) {
    // `in 3h` until less than 3 h are left.
    const unit = spanUnit(diff);
    return ms - Math.floor(diff / unit) * unit + 1;
  }
  // `3h ago` until 4 h have passed.
  const unit = spanUnit(-diff);
  return ms + (Math.floor(-diff / unit) + 1) * unit;
}

/** The earliest of some instants (nulls ignored), or null when there is none. */
export function earliest(...instants: Array<number | null>): number | null {
  let first: number | null = null;
  for (const t of instants) if (t !== null && (first === null || t < first)) first = t;
  return first;
}

const LOCAL = new Intl.DateTimeFormat(undefined, {
  year: 'numeric',
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  timeZoneName: 'short',
});

/** e.g. `Mar 4, 2026, 14:05:09 CET`, in the user's zone and locale. */
export function formatLocal(ms: number): string {
  return LOCAL.format(new Date(ms));
}

const LOCAL_DATE = new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'short', day: 'numeric' });

/** e.g. `Mar 4, 2026`, the day in the user's zone and locale. */
export function formatLocalDate(ms: number): string {
  return LOCAL_DATE.format(new Date(ms));
}

const LOCAL_DAY_TIME = new Intl.DateTimeFormat(undefined, {
  weekday: 'short',
  year: 'numeric',
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
});

/** e.g. `Fri, Dec 4, 2026, 14:00`, to the minute, in the user's zone and locale. */
export function formatLocalDayTime(ms: number): string {
  return LOCAL_DAY_TIME.format(new Date(ms));
}

/** e.g. `2026-03-04 13:05:09 UTC`. */
export function formatUtc(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace(/\.\d{3}Z$/, ' UTC');
}

/** The tooltip for any point in time: local and UTC on two lines. */
export function timeTooltip(ms: number | null): string {
  return ms === null ? 'No expiry date' : `${formatLocal(ms)}\n${formatUtc(ms)}`;
}

/** RFC 3339 → the `YYYY-MM-DDTHH:mm:ss` local value a datetime-local input wants. */
export function toDatetimeLocal(iso: string | null): string {
  if (iso === null) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return (
    `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}` +
    `T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`
  );
}

/** A datetime-local value (local time) → RFC 3339 UTC, or null when empty or invalid. */
export function fromDatetimeLocal(value: string): string | null {
  if (value.trim() === '') return null;
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return null;
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Seconds since the epoch (JWT NumericDate) → RFC 3339 UTC. */
export function fromNumericDate(secs: number): string {
  return new Date(secs * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
