// The whole app on a fake host seeded with the demo vault, at the fixtures' time, torn down
// after each test: what the App-level test files share.

import { afterEach, beforeEach, vi } from 'vitest';
import App from '../App.svelte';
import { demoSeed } from '../lib/host/demo';
import { createFakeHost, type FakeHost } from '../lib/host/fake';
import { render } from './dom';
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
