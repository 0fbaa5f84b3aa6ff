// The one clock every countdown, status and relative time reads. It does not tick on a fixed
// beat: whatever shows a time tells it (`wakeAt`) the next instant its text or status changes,
// and the clock sleeps until the earliest of those. A screen whose soonest countdown reads
// `in 12d 4h` wakes once an hour (or at the longest sleep, below), one with `in 12:09` every
// second. When it wakes, every reader re-derives; Svelte only touches the DOM where a text
// actually changed. It stops while the window is hidden and catches up (and re-arms) when it is
// shown again.

export const clock = $state({ now: Date.now() });

/**
 * The longest the clock sleeps even when nothing is due. Timers may not count time the machine
 * spends asleep, and the wall clock can jump; this bounds how stale the screen can get then.
 */
export const MAX_SLEEP_MS = 60_000;

/** What each reader waits for: its next change, epoch ms. Bookkeeping for the timer only, so
 *  deliberately not reactive: nothing renders or derives from it. */
// eslint-disable-next-line svelte/prefer-svelte-reactivity
const wants = new Map<object, number>();
let timer: ReturnType<typeof setTimeout> | undefined;
let armedAt: number | null = null;
let users = 0;
let wakes = 0;

const running = () => users > 0 && !document.hidden;

function tick(): void {
  clock.now = Date.now();
}

function halt(): void {
  clearTimeout(timer);
  timer = undefined;
  armedAt = null;
}

/** Sleep until `at`, unless the clock already wakes sooner. */
function arm(at: number): void {
  if (!running() || (armedAt !== null && armedAt <= at)) return;
  clearTimeout(timer);
  armedAt = at;
  timer = setTimeout(wake, Math.max(0, at - Date.now()));
}

/** Arm for the earliest wish still ahead (or the longest sleep). Readers whose wish has come re-derive from the new `now` and wish again. */
function rearm(): void {
  const now = clock.now;
  let next = now + MAX_SLEEP_MS;
  for (const at of wants.values()) if (at > now && at < next) next = at;
  arm(next);
}

function wake(): void {
  timer = undefined;
  armedAt = null;
  wakes += 1;
  tick();
  rearm();
}

function run(): void {
  halt();
  tick();
  rearm();
}

function onVisibility(): void {
  if (document.hidden) halt();
  else run();
}

/** Start the clock (reference counted); the returned function stops this user's share. */
export function startClock(): () => void {
  users += 1;
  if (users === 1) {
    document.addEventListener('visibilitychange', onVisibility);
    if (!document.hidden) run();
  }
  let stopped = false;
  return () => {
    if (stopped) return;
    stopped = true;
    users -= 1;
    if (users === 0) {
      document.removeEventListener('visibilitychange', onVisibility);
      halt();
    }
  };
}

/** Record that `owner` next needs the clock at `at` (epoch ms; null: never). */
export function want(owner: object, at: number | null): void {
  if (at === null || at <= clock.now) {
    wants.delete(owner);
    return;
  }
  wants.set(owner, at);
  arm(at);
}

/**
 * For a component that shows something changing with the clock: `next` returns the instant it
 * next reads differently (it reads `clock.now` and whatever it shows, so it is asked again
 * whenever either changes). Call it during component initialisation; it ends with the component.
 */
export function wakeAt(next: () => number | null): void {
  const owner = {};
  $effect(() => {
    want(owner, next());
    return () => void wants.delete(owner);
  });
}

/** True while the clock has a wake-up armed (tests). */
export function clockRunning(): boolean {
  return timer !== undefined;
}

/** How many times the clock has woken since it was loaded (tests). */
export function clockWakes(): number {
  return wakes;
}
