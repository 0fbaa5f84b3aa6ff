import { flushSync } from 'svelte';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { TokenMeta } from '../bindings/TokenMeta';
import TokenList from '../../components/TokenList.svelte';
import { $, $$, render } from '../../test/dom';
import { demoToken, NOW_MS } from '../../test/fixtures';
import { clock, clockRunning, clockWakes, MAX_SLEEP_MS, startClock, want } from './clock.svelte';
import { formatCountdown } from './format';

function setHidden(hidden: boolean): void {
  Object.defineProperty(document, 'hidden', { configurable: true, get: () => hidden });
  document.dispatchEvent(new Event('visibilitychange'));
}

const meta = (name: string): TokenMeta => demoToken(name).detail.meta;
const expiry = (m: TokenMeta) => Date.parse(m.expires_at ?? '');

let stops: Array<() => void> = [];
let view: ReturnType<typeof render> | undefined;

function start(): void {
  stops.push(startClock());
}

function list(items: TokenMeta[]): void {
  view = render(TokenList, { items, selectedId: null, providerName: (id: string) => id, onselect: () => {}, onopen: () => {} });
}

/** Let time pass, waking the clock as it asks, and let Svelte catch up after each wake. */
async function pass(ms: number): Promise<void> {
  await vi.advanceTimersByTimeAsync(ms);
  flushSync();
}

const countdownOf = (name: string) => {
  const row = $$('[data-testid=token-row]').find((r) => r.textContent?.includes(name));
  return row ? $('[data-testid=row-countdown]', row).textContent : null;
};

describe('the shared clock', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(NOW_MS + 250);
    clock.now = Date.now();
  });
  afterEach(() => {
    view?.destroy();
    view = undefined;
    for (const stop of stops) stop();
    stops = [];
    setHidden(false);
    vi.useRealTimers();
  });

  it('wakes at the instant something asked for, and otherwise only at its longest sleep', async () => {
    start();
    const owner = {};
    const before = clockWakes();
    want(owner, NOW_MS + 5_000);
    await pass(4_749);
    expect(clockWakes()).toBe(before);
    await pass(1);
    expect(clockWakes()).toBe(before + 1);
    expect(clock.now).toBe(NOW_MS + 5_000);
    // Nothing else asked: the next wake is the longest sleep away.
    await pass(MAX_SLEEP_MS - 1);
    expect(clockWakes()).toBe(before + 1);
    await pass(1);
    expect(clockWakes()).toBe(before + 2);
    want(owner, null);
  });

  it('does not wake every second when every countdown on screen is long', async () => {
    const long = ['publish', 'docs-readonly', 'ads-system-user', 'ci-deploy', 'embeddings'].map(meta);
    list(long);
    start();
    const before = clockWakes();
    await pass(10 * 60_000);
    // At most once a minute (the longest sleep), not 600 times.
    expect(clockWakes() - before).toBeLessThanOrEqual(10);
    expect(clockWakes() - before).toBeGreaterThan(0);
    const publish = meta('publish');
    expect(countdownOf('publish')).toBe(formatCountdown(expiry(publish), Date.now()));
  });

  it('wakes at the second a long countdown\'s words change, not a minute later', async () => {
    const publish = meta('publish');
    // 25 days and 5 s before expiry: `in 25d 0h` until 6 s from now, then `in 24d 23h`.
    vi.setSystemTime(expiry(publish) - 25 * 86_400_000 - 5_000);
    clock.now = Date.now();
    list([publish]);
    start();
    expect(countdownOf('publish')).toBe('in 25d 0h');
    await pass(5_999);
    expect(countdownOf('publish')).toBe('in 25d 0h');
    await pass(1);
    expect(countdownOf('publish')).toBe('in 24d 23h');
  });

  it('ticks every second while a countdown is under an hour', async () => {
    const bot = meta('release-bot');
    vi.setSystemTime(expiry(bot) - 30 * 60_000);
    clock.now = Date.now();
    list([bot, meta('publish')]);
    start();
    expect(countdownOf('release-bot')).toBe('in 30:00');
    const before = clockWakes();
    await pass(10_000);
    expect(clockWakes() - before).toBe(10);
    expect(countdownOf('release-bot')).toBe('in 29:50');
  });

  it('stops asking once the rows are gone', async () => {
    const bot = meta('release-bot');
    vi.setSystemTime(expiry(bot) - 30 * 60_000);
    clock.now = Date.now();
    list([bot]);
    start();
    view?.destroy();
    view = undefined;
    await pass(1_000);
    const before = clockWakes();
    await pass(30_000);
    expect(clockWakes() - before).toBe(0);
  });

  it('pauses while the window is hidden and catches up when shown', async () => {
    start();
    setHidden(true);
    expect(clockRunning()).toBe(false);
    const before = clock.now;
    await pass(5 * MAX_SLEEP_MS);
    expect(clock.now).toBe(before);
    setHidden(false);
    expect(clockRunning()).toBe(true);
    expect(clock.now).toBe(Date.now());
  });

  it('runs one timer however many users start it', () => {
    const a = startClock();
    const b = startClock();
    a();
    expect(clockRunning()).toBe(true);
    b();
    expect(clockRunning()).toBe(false);
  });
});
