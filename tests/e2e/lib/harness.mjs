// A tiny test runner: suites run in order, each with a `before` (start the app) and an `after`
// (close it) around its tests. Every test has its own time limit. Prints one line per test and
// ends with `N passed, N failed`; the exit status is 1 when anything failed.

const suites = [];

/**
 * Registers a suite. `body(test)` declares its tests in order; `before` returns a context that
 * each test receives, `after(ctx)` always runs.
 */
export function suite(name, { before, after } = {}, body) {
  const tests = [];
  body((testName, fn, { timeout = 60_000 } = {}) => tests.push({ name: testName, fn, timeout }));
  suites.push({ name, before, after, tests });
}

function withTimeout(promise, ms, what) {
  let timer;
  const limit = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, limit]).finally(() => clearTimeout(timer));
}

function describeError(err) {
  if (err instanceof Error) return err.message.split('\n').slice(0, 12).join('\n      ');
  return String(err);
}

/** Runs every registered suite (or those whose name matches `filter`); returns the counts. */
export async function runAll({ filter } = {}) {
  let passed = 0;
  let failed = 0;
  const failures = [];
  for (const s of suites) {
    if (filter && !filter.test(s.name)) continue;
    console.log(`\n${s.name}`);
    let ctx;
    let setupError = null;
    const started = Date.now();
    try {
      ctx = s.before ? await withTimeout(Promise.resolve(s.before()), 90_000, 'the suite setup') : {};
    } catch (err) {
      setupError = err;
    }
    let broken = setupError;
    for (const t of s.tests) {
      const t0 = Date.now();
      if (broken) {
        failed += 1;
        const why = broken === setupError ? 'setup failed' : 'an earlier test left the app unusable';
        console.log(`  ✗ ${t.name} (not run: ${why}: ${describeError(broken)})`);
        failures.push(`${s.name} › ${t.name}\n      not run: ${why}`);
        continue;
      }
      try {
        await withTimeout(Promise.resolve(t.fn(ctx)), t.timeout, `"${t.name}"`);
        passed += 1;
        console.log(`  ✓ ${t.name} (${Date.now() - t0} ms)`);
      } catch (err) {
        failed += 1;
        failures.push(`${s.name} › ${t.name}\n      ${describeError(err)}`);
        console.log(`  ✗ ${t.name} (${Date.now() - t0} ms)\n      ${describeError(err)}`);
        // A lost WebDriver session makes every later test in the suite fail the same way.
        if (/session (is )?(not|no longer)|invalid session id|ECONNREFUSED/i.test(String(err?.message))) {
          broken = err;
        }
      }
    }
    if (s.after) {
      try {
        await withTimeout(Promise.resolve(s.after(ctx)), 60_000, 'the suite teardown');
      } catch (err) {
        failed += 1;
        failures.push(`${s.name} › teardown\n      ${describeError(err)}`);
        console.log(`  ✗ teardown\n      ${describeError(err)}`);
      }
    }
    console.log(`  (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  }
  // Repeated at the end with the reason, because a CI log is often read from its tail.
  if (failures.length) console.log(`\nFailed:\n${failures.map((f) => `  - ${f}`).join('\n')}`);
  return { passed, failed };
}
