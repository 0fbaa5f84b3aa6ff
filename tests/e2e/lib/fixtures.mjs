// The tokens the main data folder starts with, stored through the real CLI before the app starts:
// a spread of providers, kinds and statuses, so the list and the screenshots look like a real
// developer's. One of them is the SENTINEL: a secret that must never reach the UI except
// through Reveal (see leak.mjs; tokens.mjs also checks the DOM for it after every test).

import { env, makeJwt, nowSecs, randomAlnum, seed } from './app.mjs';

const DAY = 86_400;

/** A Stripe live key, random per run, stored before the app starts. */
export const SENTINEL = `sk_live_${randomAlnum(12)}SENTINEL${randomAlnum(20)}`;
/** A middle piece of the sentinel (the masked preview shows only its last 4 characters). */
export const SENTINEL_PART = SENTINEL.slice(10, 30);

let seeded = null;

/** Seeds the main data folder once per run; returns the stored tokens by name. */
export async function seedMain() {
  if (seeded) return seeded;
  const d = env.drivers.main;
  const now = nowSecs();
  const specs = [
    { name: 'ci-deploy', secret: `ghp_${randomAlnum(36)}`, expires: '75d', scopes: 'repo,workflow', tags: ['ci'] },
    { name: 'registry-publish', secret: `npm_${randomAlnum(36)}`, expires: '12d', tags: ['release'] },
    { name: 'release-bot', secret: `glpat-${randomAlnum(20)}`, scopes: 'api,write_repository' },
    { name: 'alerts-bot', secret: `xoxb-${randomAlnum(11)}-${randomAlnum(13)}-${randomAlnum(24)}`, expires: '200d', tags: ['ops'] },
    { name: 'billing-webhook', secret: SENTINEL, expires: '40d', tags: ['prod'] },
    {
      name: 'staging-api',
      secret: makeJwt({
        iss: 'https://tokenkeeper-demo.eu.auth0.com/',
        sub: 'auth0|64f1c0ffee',
        aud: 'https://staging.api.example.com',
        scope: 'read:orders write:orders',
        iat: now - 29 * DAY,
        exp: now + 20 * 3600,
      }),
      account: 'auth0|64f1c0ffee',
    },
    {
      name: 'old-session',
      secret: makeJwt({
        iss: 'https://tokenkeeper-demo.eu.auth0.com/',
        sub: 'auth0|5e5510n',
        iat: now - 4 * DAY,
        exp: now - 3 * DAY,
      }),
    },
  ];
  const byName = {};
  for (const s of specs) byName[s.name] = { ...(await seed(d, s)), secret: s.secret };
  seeded = byName;
  return seeded;
}

/**
 * Fails if the sentinel secret is anywhere in the page: the HTML, or a form field's value
 * (which outerHTML does not include).
 */
export async function assertNoSentinelInDom(browser, when) {
  const found = await browser.execute(
    (needles) => {
      const values = Array.from(document.querySelectorAll('input, textarea'), (e) => e.value);
      const hay = [document.documentElement.outerHTML, document.title, ...values].join('\n');
      return needles.filter((n) => hay.includes(n));
    },
    [SENTINEL, SENTINEL_PART],
  );
  if (found.length) {
    throw new Error(`the stored secret of "billing-webhook" appeared in the window ${when} without Reveal`);
  }
}
