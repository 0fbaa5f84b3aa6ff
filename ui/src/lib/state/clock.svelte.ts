// The one clock every countdown reads. A single interval ticks on the second boundary, so all
// visible countdowns change together; it stops while the window is hidden and catches up (and
// realigns) when it is shown again, which also covers sleep and clock jumps.

export const clock = $state({ now: Date.now() });

let timeout: ReturnType<typeof setTimeout> | undefined;
let interval: ReturnType<typeof setInterval> | undefined;
let users = 0;

function tick(): void {
  clock.now = Date.now();
}

function halt(): void {
  clearTimeout(timeout);
  clearInterval(interval);
  timeout = interval = undefined;
}

function run(): void {
  halt();
  tick();
  timeout = setTimeout(() => {
    tick();
    interval = setInterval(tick, 1000);
  }, 1000 - (Date.now() % 1000));
}

function onVisibility(): void {
  if (document.hidden) halt();
  else run();
}

/** Start ticking (reference counted); the returned function stops this user's share. */
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

/** True while the interval is armed (tests). */
export function clockRunning(): boolean {
  return timeout !== undefined || interval !== undefined;
}
