import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { clock, clockRunning, startClock } from './clock.svelte';

function setHidden(hidden: boolean): void {
  Object.defineProperty(document, 'hidden', { configurable: true, get: () => hidden });
  document.dispatchEvent(new Event('visibilitychange'));
}

describe('the shared clock', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(Date.UTC(2026, 0, 1, 0, 0, 0, 250));
  });
  afterEach(() => {
    setHidden(false);
    vi.useRealTimers();
  });

  it('ticks on the second boundary, once a second', () => {
    const stop = startClock();
    expect(clock.now).toBe(Date.UTC(2026, 0, 1, 0, 0, 0, 250));
    vi.advanceTimersByTime(750);
    expect(clock.now).toBe(Date.UTC(2026, 0, 1, 0, 0, 1));
    vi.advanceTimersByTime(1000);
    expect(clock.now).toBe(Date.UTC(2026, 0, 1, 0, 0, 2));
    stop();
    expect(clockRunning()).toBe(false);
  });

  it('pauses while the window is hidden and catches up when shown', () => {
    const stop = startClock();
    setHidden(true);
    expect(clockRunning()).toBe(false);
    const before = clock.now;
    vi.advanceTimersByTime(60_000);
    expect(clock.now).toBe(before);
    setHidden(false);
    expect(clockRunning()).toBe(true);
    expect(clock.now).toBe(Date.now());
    stop();
  });

  it('runs one interval however many users start it', () => {
    const a = startClock();
    const b = startClock();
    a();
    expect(clockRunning()).toBe(true);
    b();
    expect(clockRunning()).toBe(false);
  });
});
