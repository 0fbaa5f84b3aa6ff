// Picks the host: the Tauri shell when the app runs inside it, otherwise the in-memory fake with
// the demo fixture (`npm run dev` in a browser), moved to the present so it looks as it did when
// it was made. Both are loaded lazily so each build path only pulls in what it runs.
//
// Browser-only knobs, as URL parameters: `?empty` starts with no tokens, `?bulk=10000` adds that
// many copies of the demo tokens, `?latency=300` delays every answer, `?keyring=locked` stages a
// keyring failure, `?notifications=off` stages a desktop without a notification server,
// `?signin=8000` makes a sign-in finish by itself after that many ms (default 5000).

import type { Host } from './types';

export type { Host } from './types';

export function inTauri(): boolean {
  return typeof window !== 'undefined' && '__TAURI_INTERNALS__' in window;
}

export async function pickHost(): Promise<Host> {
  if (inTauri()) {
    const { createTauriHost } = await import('./tauri');
    return createTauriHost();
  }
  const [{ createFakeHost }, { demoInspections, demoSeed }] = await Promise.all([
    import('./fake'),
    import('./demo'),
  ]);
  const params = new URLSearchParams(window.location.search);
  const atMs = Date.now();
  const seed = params.has('empty') ? [] : demoSeed({ atMs, extra: Number(params.get('bulk') ?? 0) || 0 });
  const host = createFakeHost({
    seed,
    inspections: demoInspections(atMs),
    latencyMs: Number(params.get('latency') ?? 0) || 0,
    loginDelayMs: Number(params.get('signin') ?? 5000) || 5000,
  });
  if (params.get('keyring') === 'locked') {
    host.setKeyringError({
      code: 'keyring_locked',
      message: 'The keyring is locked. Unlock it in your desktop\'s password manager, then retry.',
    });
  }
  if (params.get('notifications') === 'off') {
    host.setNotificationHealth({
      ok: false,
      server: null,
      message: 'The browser preview pretends no notification server is running (?notifications=off).',
    });
  }
  return host;
}
