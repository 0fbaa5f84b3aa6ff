// How times read in the UI: countdowns (`in 12d 4h`, `in 04:12:09`, `expired 2h ago`), relative
// times for claims, absolute local and UTC strings for tooltips, and datetime-local conversions.

const SEC = 1000;
const MIN = 60 * SEC;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

const pad = (n: number) => String(n).padStart(2, '0');

/** `Xd Yh` / `Xh` / `Xm` style span for a positive duration, coarsest two units. */
function span(ms: number): string {
  if (ms >= DAY) return `${Math.floor(ms / DAY)}d`;
  if (ms >= HOUR) return `${Math.floor(ms / HOUR)}h`;
  return `${Math.floor(ms / MIN)}m`;
}

/**
 * The countdown for a token expiring at `expiresMs` (null: never). Remaining time is rounded up
 * to the second, so a token shows `in 00:00:01` until the instant it expires.
 */
export function formatCountdown(expiresMs: number | null, nowMs: number): string {
  if (expiresMs === null) return 'never expires';
  const left = expiresMs - nowMs;
  if (left > 0) {
    const secs = Math.ceil(left / SEC);
    if (secs >= DAY / SEC) {
      const d = Math.floor(secs / (DAY / SEC));
      const h = Math.floor((secs % (DAY / SEC)) / (HOUR / SEC));
      return `in ${d}d ${h}h`;
    }
    const h = Math.floor(secs / 3600);
    const m = Math.floor((secs % 3600) / 60);
    return `in ${pad(h)}:${pad(m)}:${pad(secs % 60)}`;
  }
  const ago = -left;
  if (ago < MIN) return 'expired just now';
  return `expired ${span(ago)} ago`;
}

/** A relative time for claims and events: `in 3d`, `5m ago`, `just now`. */
export function formatRelative(ms: number, nowMs: number): string {
  const diff = ms - nowMs;
  if (Math.abs(diff) < MIN) return 'just now';
  return diff > 0 ? `in ${span(diff)}` : `${span(-diff)} ago`;
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
