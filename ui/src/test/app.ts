// The whole app on a fake host seeded with the demo vault, at the fixtures' time, torn down
// after each test: what the App-level test files share.

import { afterEach, beforeEach, expect, vi } from 'vitest';
import App from '../App.svelte';
import { demoSeed } from '../lib/host/demo';
import { createFakeHost, type FakeHost } from '../lib/host/fake';
import { $, $$, click, render, until } from './dom';
import { atFixtureTime } from './fixtures';

export interface StartOptions {
  /** `0` starts with an empty vault. */
  tokens?: number;
  /** Runs on the host before the app mounts (stage answers, break the keyring…). */
  before?: (host: FakeHost) => void;
}

/** Registers the per-test setup and teardown; `start` mounts the app and returns its host. */
export function appHarness(teardown?: () => void): { start(opts?: StartOptions): FakeHost } {
  let view: ReturnType<typeof render> | undefined;
  let host: FakeHost | undefined;
  beforeEach(() => atFixtureTime());
  afterEach(() => {
    view?.destroy();
    view = undefined;
    host?.dispose();
    teardown?.();
    vi.useRealTimers();
  });
  return {
    start(opts: StartOptions = {}) {
      host = createFakeHost({ seed: opts.tokens === 0 ? [] : demoSeed() });
      opts.before?.(host);
      view = render(App, { host });
      return host;
    },
  };
}

/** The list's rows as they are now. */
export const rows = (): HTMLElement[] => $$('[data-testid=token-row]');

/** Selects a token by name (clicks its row) and waits for its detail. */
export async function openToken(name: string): Promise<void> {
  const row = await until(() => {
    const r = rows().find((x) => $('[data-testid=row-name]', x).textContent === name);
    if (!r) throw new Error(`no row ${name}`);
    return r;
  });
  click(row);
  await until(() => expect($('[data-testid=detail-name]').textContent).toBe(name));
}
